using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using EventMpm.Native;

namespace EventMpm.Proxy;

/// <summary>
/// A backend as one child uses it (mod_proxy's worker): where it is, its ProxyPass parameters,
/// the child's idle connections to it, shared by the child's threads, and whether it is in
/// error (a refused connect keeps it out for <c>retry</c> seconds: 503 meanwhile, as httpd's).
/// </summary>
internal sealed class Backend
{
    private readonly Stack<BackendLink> _idle = new();
    private long _failedUntil;

    public Backend(ProxyRoute route, ProxyUrl url, IPEndPoint address, int proxyTimeout)
    {
        Route = route;
        Url = url;
        Address = address;
        Timeout = route.Timeout > 0 ? route.Timeout : proxyTimeout;
        ConnectTimeout = route.ConnectionTimeout > 0 ? route.ConnectionTimeout : Timeout;
    }

    public ProxyRoute Route { get; }

    public ProxyUrl Url { get; }

    public IPEndPoint Address { get; }

    /// <summary>How long a send to it or a read from it may wait, in milliseconds (timeout=, else ProxyTimeout, else Timeout).</summary>
    public int Timeout { get; }

    /// <summary>How long a connect may take (connectiontimeout=, else the timeout).</summary>
    public int ConnectTimeout { get; }

    // What the metrics page counts (per backend, this child).
    public long Opened, Reused, Retried, Failed;

    /// <summary>Whether it is left alone after a failure now (mod_proxy's worker in error state until retry runs out).</summary>
    public bool InError(long now) => now < Volatile.Read(ref _failedUntil);

    /// <summary>A connect failed: no request goes to it for <c>retry</c> seconds.</summary>
    public void MarkFailed(long now)
    {
        Interlocked.Increment(ref Failed);
        if (Route.Retry > 0) Volatile.Write(ref _failedUntil, now + Route.Retry * 1000L);
    }

    /// <summary>
    /// An idle connection fit to send on, or null: one older than ttl, or that the backend closed
    /// (or wrote to unasked) while it waited, is closed instead.
    /// </summary>
    public BackendLink? TakeIdle(long now)
    {
        while (true)
        {
            BackendLink? link;
            lock (_idle)
            {
                if (!_idle.TryPop(out link)) return null;
            }
            bool stale = (Route.Ttl > 0 && now - link.IdleSince >= Route.Ttl * 1000L)
                || (link.IdleLimit > 0 && now - link.IdleSince >= link.IdleLimit);
            if (!stale && BackendSocket.IdleAndOpen(link.Fd))
            {
                Interlocked.Increment(ref Reused);
                return link;
            }
            link.Close();
        }
    }

    /// <summary>
    /// Puts a connection whose last exchange ended cleanly back for the next request, to be used
    /// within <paramref name="keepAliveSeconds"/> (the backend's Keep-Alive: timeout=, 0 when not
    /// said) less a second, so the pool never sends on a link the backend is about to close.
    /// </summary>
    public void GiveBack(BackendLink link, long now, int keepAliveSeconds)
    {
        link.IdleLimit = keepAliveSeconds > 0 ? Math.Max(1, keepAliveSeconds * 1000L - 1000) : 0;
        if (Route.DisableReuse)
        {
            link.Close();
            return;
        }
        link.IdleSince = now;
        lock (_idle) _idle.Push(link);
    }

    /// <summary>Closes every idle connection (the child is stopping).</summary>
    public void CloseIdle()
    {
        lock (_idle)
        {
            while (_idle.TryPop(out BackendLink? link)) link.Close();
        }
    }
}
