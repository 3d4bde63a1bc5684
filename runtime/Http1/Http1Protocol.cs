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

    /// <summary>The 408 mod_reqtimeout answers when a request head does not arrive in time, closing.</summary>
    public byte[] InputTimedOut()
    {
        byte[] body = site.ErrorBody(408);
        var buffer = new byte[512 + body.Length];
        return buffer.AsSpan(0, ResponseHead<TConfig>.ErrorClosing(buffer, 408, site.ServerHeader, body)).ToArray();
    }
}
