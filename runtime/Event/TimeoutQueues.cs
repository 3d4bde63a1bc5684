using System;
using System.Collections.Generic;
using System.Threading;

namespace EventMpm.Event;

/// <summary>
/// Every connection waiting in the pollset, by what it waits for, under one lock: whoever takes
/// a connection out (a worker that saw it ready, the listener that saw it expire) owns it. Five
/// FIFOs with one timeout each, as httpd's (event.c: keepalive_q, write_completion_q,
/// linger_q, short_linger_q, and the new connections' queue), and a heap by deadline for
/// connections whose deadlines are their own: those awaiting the rest of their input
/// (mod_reqtimeout's MinRate extends each by the bytes received) and those awaiting their
/// upstream (a proxy's backend, ProxyTimeout). A heap entry is stale once its connection was
/// claimed or parked again; stale entries are dropped when they reach the top.
/// </summary>
internal sealed class TimeoutQueues
{
    /// <summary>The lock; held by the engine around the few steps that must be atomic with a queue change.</summary>
    public readonly object Gate = new();

    private readonly TimeoutQueue _newConnections, _keepAlive, _writeCompletion, _linger, _shortLinger;
    private readonly TimeoutQueue[] _all;
    private readonly PriorityQueue<(Connection Connection, ulong Token, long Deadline), long> _byDeadline = new();
    private int _awaitingRestCount, _awaitingUpstreamCount;

    /// <param name="newConnection">How long a new connection may wait for its first request.</param>
    public TimeoutQueues(long newConnection, long keepAlive, long writeCompletion, long linger, long shortLinger)
    {
        _newConnections = new TimeoutQueue(ConnectionState.NewConnection, newConnection);
        _keepAlive = new TimeoutQueue(ConnectionState.KeepAlive, keepAlive);
        _writeCompletion = new TimeoutQueue(ConnectionState.WriteCompletion, writeCompletion);
        _linger = new TimeoutQueue(ConnectionState.Linger, linger);
        _shortLinger = new TimeoutQueue(ConnectionState.ShortLinger, shortLinger);
        _all = [_newConnections, _keepAlive, _writeCompletion, _linger, _shortLinger];
    }

    public int KeepAliveCount
    {
        get { lock (Gate) return _keepAlive.Count; }
    }

    public int WriteCompletionCount
    {
        get { lock (Gate) return _writeCompletion.Count; }
    }

    /// <summary>Connections awaiting the rest of their input: they hold no worker, so admission does not count them.</summary>
    public int AwaitingRestCount => Volatile.Read(ref _awaitingRestCount);

    /// <summary>Connections awaiting their upstream: they hold no worker either.</summary>
    public int AwaitingUpstreamCount => Volatile.Read(ref _awaitingUpstreamCount);

    private TimeoutQueue Queue(ConnectionState state) => state switch
    {
        ConnectionState.NewConnection => _newConnections,
        ConnectionState.KeepAlive => _keepAlive,
        ConnectionState.WriteCompletion => _writeCompletion,
        ConnectionState.Linger => _linger,
        ConnectionState.ShortLinger => _shortLinger,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a FIFO state"),
    };

    /// <summary>Queues a connection in one of the FIFO states; the caller holds <see cref="Gate"/>.</summary>
    public void AppendLocked(Connection c, ConnectionState state, long now) => Queue(state).Append(c, now);

    /// <summary>Takes a connection out of its FIFO; the caller holds <see cref="Gate"/>.</summary>
    public void RemoveLocked(Connection c) => Queue(c.State).Remove(c);

    public void Append(Connection c, ConnectionState state, long now)
    {
        lock (Gate) AppendLocked(c, state, now);
    }

    public void Remove(Connection c)
    {
        lock (Gate) RemoveLocked(c);
    }

    /// <summary>Queues a connection awaiting the rest of its input or its upstream (<paramref name="state"/>) until <see cref="Connection.InputDeadline"/>.</summary>
    public void AppendByDeadline(Connection c, ConnectionState state)
    {
        lock (Gate)
        {
            c.State = state;
            _byDeadline.Enqueue((c, c.Token, c.InputDeadline), c.InputDeadline);
            Count(state)++;
        }
    }

    /// <summary>Takes back a connection just queued by <see cref="AppendByDeadline"/> (it could not be armed); its heap entry goes stale.</summary>
    public void RemoveByDeadline(Connection c)
    {
        lock (Gate)
        {
            Count(c.State)--;
            c.State = ConnectionState.Serving;
        }
    }

    private ref int Count(ConnectionState state)
    {
        if (state == ConnectionState.AwaitingRest) return ref _awaitingRestCount;
        if (state == ConnectionState.AwaitingUpstream) return ref _awaitingUpstreamCount;
        throw new ArgumentOutOfRangeException(nameof(state), state, "not a deadline state");
    }

    /// <summary>A worker saw the connection ready: takes it out of its queue; false when the listener (or nobody) has it now.</summary>
    public bool Claim(Connection c, ulong token)
    {
        lock (Gate)
        {
            if (c.Token != token) return false;
            switch (c.State)
            {
                case ConnectionState.NewConnection or ConnectionState.KeepAlive or ConnectionState.WriteCompletion:
                    RemoveLocked(c);
                    return true;
                case ConnectionState.AwaitingRest or ConnectionState.AwaitingUpstream:
                    Count(c.State)--;
                    c.State = ConnectionState.Serving; // its heap entry is stale from now on
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>The earliest deadline of any queue, or long.MaxValue.</summary>
    public long NextExpiry()
    {
        lock (Gate)
        {
            long next = long.MaxValue;
            foreach (TimeoutQueue q in _all) next = Math.Min(next, q.NextExpiry);
            if (_byDeadline.TryPeek(out _, out long deadline)) next = Math.Min(next, deadline);
            return next;
        }
    }

    /// <summary>
    /// Takes out one connection whose FIFO time has run out, with the state it was in; null when
    /// none has. One being armed right now is left for the next pass.
    /// </summary>
    public Connection? TakeExpired(long now, out ConnectionState was)
    {
        lock (Gate)
        {
            foreach (TimeoutQueue q in _all)
            {
                Connection? head = q.Head;
                if (head is null || head.QueuedAt + q.TimeoutTicks > now || Volatile.Read(ref head.Arming)) continue;
                q.Remove(head);
                was = q.State;
                return head;
            }
        }
        was = ConnectionState.Serving;
        return null;
    }

    /// <summary>Takes out one connection whose own deadline has passed, with the state it was in; null when none has (or it is being armed).</summary>
    public Connection? TakeExpiredByDeadline(long now, out ConnectionState was)
    {
        lock (Gate)
        {
            while (_byDeadline.TryPeek(out var entry, out long deadline) && deadline <= now)
            {
                Connection c = entry.Connection;
                bool current = c.Token == entry.Token && c.State is (ConnectionState.AwaitingRest or ConnectionState.AwaitingUpstream) && c.InputDeadline == deadline;
                if (current && Volatile.Read(ref c.Arming)) break; // being parked right now: next pass
                _byDeadline.Dequeue();
                if (!current) continue;
                was = c.State;
                Count(was)--;
                c.State = ConnectionState.Serving;
                return c;
            }
            was = ConnectionState.Serving;
            return null;
        }
    }

    /// <summary>Takes out the connections idle (new or kept alive) since <paramref name="cutoff"/> or longer, for a stopping child to close.</summary>
    public List<Connection> TakeIdleSince(long cutoff)
    {
        var idle = new List<Connection>();
        lock (Gate)
        {
            foreach (TimeoutQueue q in new[] { _keepAlive, _newConnections })
            {
                for (Connection? c = q.Head, next; c is not null && c.QueuedAt <= cutoff; c = next)
                {
                    next = c.Next;
                    if (Volatile.Read(ref c.Arming)) continue;
                    q.Remove(c);
                    idle.Add(c);
                }
            }
        }
        return idle;
    }
}
