using System;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>An epoll set. Each registration carries a 64-bit token chosen by the caller.</summary>
internal sealed unsafe class Epoll : IDisposable
{
    // Tmds.LibC's values, as the unsigned mask epoll_event carries.
    public static readonly uint In = (uint)LibC.EPOLLIN;
    public static readonly uint Out = (uint)LibC.EPOLLOUT;
    public static readonly uint RdHup = (uint)LibC.EPOLLRDHUP;
    /// <summary>One event, then disarmed until re-armed.</summary>
    public static readonly uint OneShot = (uint)LibC.EPOLLONESHOT;
    /// <summary>
    /// EPOLLEXCLUSIVE (Linux 4.5): of the epoll sets that hold the descriptor, an event wakes one
    /// waiter, not all. Only with EPOLL_CTL_ADD: never modified.
    /// </summary>
    public static readonly uint Exclusive = (uint)LibC.EPOLLEXCLUSIVE;

    private readonly int _fd;

    public Epoll()
    {
        _fd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (_fd < 0) throw new InvalidOperationException("epoll_create1: " + Sys.Describe(Sys.Errno));
    }

    public int Fd => _fd;

    public int Add(int fd, uint events, ulong token) => Control(LibC.EPOLL_CTL_ADD, fd, events, token);

    public int Modify(int fd, uint events, ulong token) => Control(LibC.EPOLL_CTL_MOD, fd, events, token);

    public int Remove(int fd) => Control(LibC.EPOLL_CTL_DEL, fd, 0, 0);

    private int Control(int op, int fd, uint events, ulong token)
    {
        epoll_event ev = default;
        ev.events = (int)events;
        ev.data.u64 = token;
        return LibC.epoll_ctl(_fd, op, fd, &ev) == 0 ? 0 : Sys.Errno;
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> (-1: forever); returns the number of events, 0 on timeout or EINTR.</summary>
    public int Wait(epoll_event* events, int capacity, int timeoutMs)
    {
        int n = LibC.epoll_wait(_fd, events, capacity, timeoutMs);
        if (n >= 0) return n;
        int errno = Sys.Errno;
        if (errno == LibC.EINTR) return 0;
        throw new InvalidOperationException("epoll_wait: " + Sys.Describe(errno));
    }

    public void Dispose() => LibC.close(_fd);
}

/// <summary>An eventfd: the listener's doorbell.</summary>
internal sealed unsafe class EventFd : IDisposable
{
    public EventFd()
    {
        Fd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        if (Fd < 0) throw new InvalidOperationException("eventfd: " + Sys.Describe(Sys.Errno));
    }

    public int Fd { get; }

    public void Ring()
    {
        ulong one = 1;
        LibC.write(Fd, &one, sizeof(ulong));
    }

    public void Drain()
    {
        ulong value;
        LibC.read(Fd, &value, sizeof(ulong));
    }

    public void Dispose() => LibC.close(Fd);
}
