using System;
using System.Threading;
using EventMpm.Native;

namespace EventMpm.Event;

/// <summary>
/// Lingering close (event.c: start_lingering_close_nonblocking(), process_lingering_close()):
/// send FIN, then read and drop whatever the client still sends until it closes or the linger
/// time runs out, so a response it has not read yet is not destroyed by a reset. The listener
/// owns lingering connections, in its own epoll set, so they hold no worker.
/// </summary>
internal sealed unsafe class LingeringClose(Epoll listenerSet, Epoll pollset, TimeoutQueues queues, Action<Connection> close)
{
    /// <summary>httpd's MAX_SECS_TO_LINGER: the longest a lingering close lasts.</summary>
    public const int LingerMilliseconds = 30_000;

    /// <summary>httpd's SECONDS_TO_LINGER: the short lingering close after a timeout, or while stopping.</summary>
    public const int ShortLingerMilliseconds = 2_000;

    /// <summary>How much is read and dropped per read: a few reads empty what a client still had in flight.</summary>
    private const int ReadSize = 32 * 1024;

    private int _count;

    /// <summary>Connections lingering now (httpd's lingering_count), which the admission rule leaves out.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Sends FIN and hands the connection to the listener; closes it at once when that fails.</summary>
    public void Start(Connection c, bool shortLinger)
    {
        c.ClearPending();
        if (!c.Transport.ShutdownWrite(c))
        {
            close(c);
            return;
        }
        if (c.InPollset)
        {
            pollset.Remove(c.Fd);
            c.InPollset = false;
        }
        Interlocked.Increment(ref _count);
        c.Lingering = true;
        ConnectionState state = shortLinger ? ConnectionState.ShortLinger : ConnectionState.Linger;
        lock (queues.Gate)
        {
            queues.AppendLocked(c, state, Environment.TickCount64);
            if (listenerSet.Add(c.Fd, Epoll.In | Epoll.RdHup, c.Token) == 0) return;
            queues.RemoveLocked(c);
        }
        close(c);
    }

    /// <summary>The listener saw the connection readable: drops what came; the client's end (or an error) closes it.</summary>
    public void Drain(Connection c)
    {
        byte* buffer = stackalloc byte[ReadSize];
        while (true)
        {
            long n = c.Transport.Receive(c, buffer, ReadSize);
            if (n > 0) continue;
            if (n == ITransport.WouldBlock) return;
            lock (queues.Gate)
            {
                if (c.State is not (ConnectionState.Linger or ConnectionState.ShortLinger)) return;
                queues.RemoveLocked(c);
            }
            close(c);
            return;
        }
    }

    /// <summary>A lingering connection is closed: it no longer counts.</summary>
    public void Ended(Connection c)
    {
        if (!c.Lingering) return;
        c.Lingering = false;
        Interlocked.Decrement(ref _count);
    }
}
