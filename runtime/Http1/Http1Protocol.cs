using System;
using EventMpm.Contract;
using EventMpm.Event;
using EventMpm.Site;

namespace EventMpm.Http1;

/// <summary>
/// HTTP/1.1 as the engine's protocol: a session per worker over the child's site, spooling
/// large request bodies for C# handlers to <paramref name="temporary"/> (none: handlers read them
/// as they arrive).
/// </summary>
internal sealed class Http1Protocol<TConfig>(HttpSite site, Native.TemporaryDirectory? temporary) : IProtocol where TConfig : struct, IServerConfig
{
    public IConnectionProtocol ForWorker(Worker worker) => new Http1Session<TConfig>(worker, site, temporary);

    public int UpstreamExchanges => site.Proxy?.Exchanges ?? 0;

    /// <summary>The 408 mod_reqtimeout answers when a request head does not arrive in time, closing.</summary>
    public byte[] InputTimedOut(Connection c)
    {
        if (c.ProtocolState is ProxyExchange { Step: ProxyStep.Tunnel }) return Array.Empty<byte>(); // an idle tunnel: its timeout ends it, silently
        byte[] body = site.ErrorBody(408);
        var buffer = new byte[512 + body.Length];
        return buffer.AsSpan(0, ResponseHead<TConfig>.ErrorClosing(buffer, 408, site.ServerHeader, body)).ToArray();
    }

    /// <summary>
    /// A backend did not connect, take the request or answer within its timeout: mod_proxy's 504
    /// (AH01102, the read timed out) when the client has no response head yet, closing; else the
    /// response is cut. The backend's connection closes with the exchange.
    /// </summary>
    public bool UpstreamTimedOut(Connection c)
    {
        if (c.ProtocolState is not ProxyExchange x)
        {
            c.ClearPending();
            return false;
        }
        Logging.ErrorLog.Error("proxy", "AH01102", "error reading status line from remote server " + x.Backend.Address + ": timed out after "
            + x.Backend.Timeout + " ms" + (x.Step == ProxyStep.Connecting ? " (connecting)" : ""));
        bool headSent = x.HeadSent;
        c.ClearPending(); // closes the backend's connection
        if (headSent) return false;
        byte[] body = site.ErrorBody(504);
        var buffer = new byte[512 + body.Length];
        int length = ResponseHead<TConfig>.ErrorClosing(buffer, 504, site.ServerHeader, body);
        unsafe
        {
            fixed (byte* p = buffer) c.Transport.Send(c, p, length); // a few hundred bytes into a socket that waited
        }
        return true;
    }
}
