using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using EventMpm.Native;

namespace EventMpm.Proxy;

/// <summary>
/// A backend as one child uses it (mod_proxy's worker): where it is, its parameters (from its
/// ProxyPass, or its BalancerMember line), the child's idle connections to it, shared by the
/// child's threads, and whether it is in error (a refused connect keeps it out for <c>retry</c>
/// seconds: 503 meanwhile for a single backend, the other members for a balancer's, as httpd's).
/// </summary>
internal sealed class Backend
{
    private readonly Stack<BackendLink> _idle = new();
    private long _failedUntil;

    public Backend(ProxyUrl url, IPEndPoint address, int proxyTimeout, int connectionTimeout, int timeout, int ttl, int retry, bool disableReuse, bool keepAlive, string upgrade)
    {
        Url = url;
        Address = address;
        Timeout = timeout > 0 ? timeout : proxyTimeout;
        ConnectTimeout = connectionTimeout > 0 ? connectionTimeout : Timeout;
        Ttl = ttl;
        Retry = retry;
        DisableReuse = disableReuse;
        KeepAlive = keepAlive;
        Upgrade = upgrade;
    }

    public static Backend Of(ProxyRoute r, ProxyUrl url, IPEndPoint address, int proxyTimeout)
        => new(url, address, proxyTimeout, r.ConnectionTimeout, r.Timeout, r.Ttl, r.Retry, r.DisableReuse, r.KeepAlive, r.Upgrade);

    public static Backend Of(BalancerMember m, ProxyUrl url, IPEndPoint address, int proxyTimeout)
        => new(url, address, proxyTimeout, m.ConnectionTimeout, m.Timeout, m.Ttl, m.Retry, m.DisableReuse, m.KeepAlive, m.Upgrade) { LoadFactor = m.LoadFactor };

    public ProxyUrl Url { get; }

    public IPEndPoint Address { get; }

    /// <summary>How long a send to it or a read from it may wait, in milliseconds (timeout=, else ProxyTimeout, else Timeout).</summary>
    public int Timeout { get; }

    /// <summary>How long a connect may take (connectiontimeout=, else the timeout).</summary>
    public int ConnectTimeout { get; }

    /// <summary>ttl= (seconds an idle connection may be kept, 0 for no limit), retry= (seconds it is left alone after a refused connect).</summary>
    public int Ttl { get; }

    public int Retry { get; }

    public bool DisableReuse { get; }

    /// <summary>keepalive=On: TCP keep-alive probes on its connections.</summary>
    public bool KeepAlive { get; }

    /// <summary>The protocol a client may switch to through it (upgrade=websocket), or empty.</summary>
    public string Upgrade { get; }

    /// <summary>Its share of a balancer's requests (loadfactor=, 1 to 100).</summary>
    public int LoadFactor { get; private init; } = 1;

    /// <summary>Requests of this child on it now (bybusyness picks the least busy member).</summary>
    public int Busy;

    /// <summary>byrequests' running credit (mod_lbmethod_byrequests: lbstatus), under the balancer's lock.</summary>
    internal int LbStatus;

    // What the metrics page counts (per backend, this child).
    public long Opened, Reused, Retried, Failed;

    /// <summary>Whether it is left alone after a failure now (mod_proxy's worker in error state until retry runs out).</summary>
    public bool InError(long now) => now < Volatile.Read(ref _failedUntil);

    /// <summary>A connect failed: no request goes to it for <c>retry</c> seconds.</summary>
    public void MarkFailed(long now)
    {
        Interlocked.Increment(ref Failed);
        if (Retry > 0) Volatile.Write(ref _failedUntil, now + Retry * 1000L);
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
            bool stale = (Ttl > 0 && now - link.IdleSince >= Ttl * 1000L)
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
        if (DisableReuse)
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
