using System;
using System.Collections.Generic;
using System.Text;

namespace EventMpm.Http;

/// <summary>What the backend is told besides the client's end-to-end fields (mod_proxy_http's ap_proxy_create_hdrbrgd()).</summary>
public readonly record struct ProxyRequestFacts(
    string Target, string Host, string ClientAddress, string ForwardedHost, string ForwardedServer, bool AddForwarded, BodyFraming Framing, long ContentLength);

/// <summary>
/// The request a proxy sends its backend, from a client's request head the parser accepted:
/// the method, the mapped target and HTTP/1.1; Host (the backend's, or the client's with
/// ProxyPreserveHost); the client's fields but the hop-by-hop ones (RFC 9110 §7.6.1: Connection
/// and the fields it names, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade)
/// and those the proxy writes itself (Host, Content-Length, Expect); the body's framing; and
/// X-Forwarded-For, -Host and -Server appended to what earlier proxies wrote, as mod_proxy does.
/// </summary>
public static class ProxyRequestHead
{
    private static readonly string[] s_dropped =
    {
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "host", "content-length", "expect", "x-forwarded-for", "x-forwarded-host", "x-forwarded-server",
    };

    /// <summary>Writes the head into a new array, with room after it for <paramref name="bodyRoom"/> body bytes; the head's length is returned in <paramref name="headLength"/>.</summary>
    public static byte[] Write(ReadOnlySpan<byte> head, in ProxyRequestFacts facts, int bodyRoom, out int headLength)
    {
        int lineEnd = head.IndexOf((byte)'\n');
        ReadOnlySpan<byte> method = head.Slice(0, head.IndexOf((byte)' '));
        var named = new List<string>(); // the fields Connection names are this hop's too
        string? forwardedFor = null, forwardedHost = null, forwardedServer = null;
        foreach (var (name, value) in Fields(head, lineEnd + 1))
        {
            if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (string token in Encoding.Latin1.GetString(value).Split(',')) named.Add(token.Trim().ToLowerInvariant());
            }
            else if (Ascii.EqualsIgnoreCase(name, "X-Forwarded-For"u8)) forwardedFor = Join(forwardedFor, value);
            else if (Ascii.EqualsIgnoreCase(name, "X-Forwarded-Host"u8)) forwardedHost = Join(forwardedHost, value);
            else if (Ascii.EqualsIgnoreCase(name, "X-Forwarded-Server"u8)) forwardedServer = Join(forwardedServer, value);
        }

        var text = new StringBuilder(head.Length + 256);
        text.Append(Encoding.ASCII.GetString(method)).Append(' ').Append(facts.Target).Append(" HTTP/1.1\r\nHost: ").Append(facts.Host).Append("\r\n");
        foreach (var (name, value) in Fields(head, lineEnd + 1))
        {
            string lower = Encoding.ASCII.GetString(name).ToLowerInvariant();
            if (Array.IndexOf(s_dropped, lower) >= 0 || named.Contains(lower)) continue;
            text.Append(Encoding.Latin1.GetString(name)).Append(": ").Append(Encoding.Latin1.GetString(value)).Append("\r\n");
        }
        if (facts.Framing == BodyFraming.ContentLength) text.Append("Content-Length: ").Append(facts.ContentLength).Append("\r\n");
        else if (facts.Framing == BodyFraming.Chunked) text.Append("Transfer-Encoding: chunked\r\n");
        if (facts.AddForwarded)
        {
            text.Append("X-Forwarded-For: ").Append(forwardedFor is null ? facts.ClientAddress : forwardedFor + ", " + facts.ClientAddress).Append("\r\n");
            if (facts.ForwardedHost.Length > 0) text.Append("X-Forwarded-Host: ").Append(forwardedHost is null ? facts.ForwardedHost : forwardedHost + ", " + facts.ForwardedHost).Append("\r\n");
            if (facts.ForwardedServer.Length > 0) text.Append("X-Forwarded-Server: ").Append(forwardedServer is null ? facts.ForwardedServer : forwardedServer + ", " + facts.ForwardedServer).Append("\r\n");
        }
        else
        {
            if (forwardedFor is not null) text.Append("X-Forwarded-For: ").Append(forwardedFor).Append("\r\n");
            if (forwardedHost is not null) text.Append("X-Forwarded-Host: ").Append(forwardedHost).Append("\r\n");
            if (forwardedServer is not null) text.Append("X-Forwarded-Server: ").Append(forwardedServer).Append("\r\n");
        }
        text.Append("\r\n");
        headLength = Encoding.Latin1.GetByteCount(text.ToString());
        var bytes = new byte[headLength + bodyRoom];
        Encoding.Latin1.GetBytes(text.ToString(), bytes);
        return bytes;
    }

    private static string Join(string? earlier, ReadOnlySpan<byte> value)
        => earlier is null ? Encoding.Latin1.GetString(value) : earlier + ", " + Encoding.Latin1.GetString(value);

    /// <summary>The fields of a head the parser accepted (each line "name: value", CRLF or LF ended), from <paramref name="start"/> to the blank line.</summary>
    private static List<(byte[] Name, byte[] Value)> Fields(ReadOnlySpan<byte> head, int start)
    {
        var fields = new List<(byte[], byte[])>();
        for (int at = start; at < head.Length;)
        {
            int next = head.Slice(at).IndexOf((byte)'\n');
            if (next < 0) break;
            ReadOnlySpan<byte> line = head.Slice(at, next);
            at += next + 1;
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line.Slice(0, line.Length - 1);
            if (line.Length == 0) break;
            int colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            fields.Add((line.Slice(0, colon).ToArray(), line.Slice(colon + 1).Trim(" \t"u8).ToArray()));
        }
        return fields;
    }
}
