using EventMpm.Native;

namespace EventMpm.Proxy;

/// <summary>One connection to a backend, kept open between requests (HTTP/1.1 keep-alive to the backend).</summary>
internal sealed class BackendLink(int fd, long openedAt)
{
    public int Fd { get; private set; } = fd;

    /// <summary>When it was opened (Environment.TickCount64), for ProxyPass ttl.</summary>
    public long OpenedAt { get; } = openedAt;

    /// <summary>When it went back to the pool.</summary>
    public long IdleSince { get; set; }

    /// <summary>
    /// How long it may wait idle, in milliseconds: a little less than the Keep-Alive timeout the
    /// backend last advertised (it closes the link then, maybe just as a request goes out), or 0
    /// when it said none.
    /// </summary>
    public long IdleLimit { get; set; }

    /// <summary>Requests sent on it so far: a link that served one before is a reused one.</summary>
    public int Requests { get; set; }

    public void Close()
    {
        if (Fd < 0) return;
        Sys.Close(Fd);
        Fd = -1;
    }
}
