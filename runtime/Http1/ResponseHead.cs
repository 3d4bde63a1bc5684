using System;
using EventMpm.Contract;
using EventMpm.Http;

namespace EventMpm.Http1;

/// <summary>
/// The one way a response head begins and ends, so every response (a file's, an error, a page, a
/// redirect, a handler's, the listener's 408) carries the same Date, Server and connection
/// fields: <see cref="Begin"/>, the response's own fields, then End or <see cref="EndClosing"/>.
/// </summary>
internal static class ResponseHead<TConfig> where TConfig : struct, IServerConfig
{
    /// <summary>The interim answer to Expect: 100-continue (RFC 9110 §10.1.1).</summary>
    public static ReadOnlySpan<byte> Continue => "HTTP/1.1 100 Continue\r\n\r\n"u8;

    /// <summary>The status line and the fields every response has (httpd's core output filter adds Date and Server).</summary>
    public static HeadWriter Begin(Span<byte> buffer, int status, ReadOnlySpan<byte> serverHeader)
    {
        var w = new HeadWriter(buffer);
        w.StatusLine(status);
        w.Field("Date"u8, DateCache.Now);
        w.Field("Server"u8, serverHeader);
        return w;
    }

    /// <summary>
    /// The connection fields and the blank line. httpd names keep-alive only to a client that
    /// asked for it by name (http_protocol.c: ap_set_keepalive()); otherwise it only says close.
    /// </summary>
    public static void End(ref HeadWriter w, HttpRequest r, bool keepAlive, int left) => End(ref w, r.ConnectionKeepAlive, keepAlive, left);

    /// <param name="askedKeepAlive">The client's request said Connection: keep-alive.</param>
    public static void End(ref HeadWriter w, bool askedKeepAlive, bool keepAlive, int left)
    {
        if (!keepAlive)
        {
            EndClosing(ref w);
            return;
        }
        if (askedKeepAlive)
        {
            w.Append("Keep-Alive: timeout="u8);
            w.Number(Math.Max(1, TConfig.KeepAliveTimeoutMilliseconds / 1000));
            if (TConfig.MaxKeepAliveRequests > 0)
            {
                w.Append(", max="u8);
                w.Number(left);
            }
            w.Append("\r\nConnection: Keep-Alive\r\n"u8);
        }
        w.End();
    }

    /// <summary>Connection: close and the blank line.</summary>
    public static void EndClosing(ref HeadWriter w)
    {
        w.Field("Connection"u8, "close"u8);
        w.End();
    }

    /// <summary>An error page's head and body, closing: what is answered when a request could not be read.</summary>
    public static int ErrorClosing(Span<byte> buffer, int status, ReadOnlySpan<byte> serverHeader, ReadOnlySpan<byte> body)
    {
        HeadWriter w = Begin(buffer, status, serverHeader);
        w.Field("Content-Length"u8, body.Length);
        w.Field("Content-Type"u8, "text/html; charset=utf-8"u8);
        EndClosing(ref w);
        w.Append(body);
        return w.Length;
    }
}
