namespace EventMpm.Event;

/// <summary>
/// One FIFO per timeout value, as httpd's timeout queues (event.c: struct timeout_queue): every
/// entry has the same timeout, so appending at the tail keeps the queue ordered by expiry and only
/// the head is ever checked. Not thread-safe: <see cref="TimeoutQueues"/> holds the lock.
/// </summary>
internal sealed class TimeoutQueue(ConnectionState state, long timeoutTicks)
{
    private Connection? _head, _tail;

    /// <summary>The state of the connections it holds.</summary>
    public ConnectionState State { get; } = state;

    public long TimeoutTicks { get; } = timeoutTicks;

    public Connection? Head => _head;

    /// <summary>Entries now queued (the scoreboard's async connection counts).</summary>
    public int Count { get; private set; }

    public void Append(Connection c, long now)
    {
        c.State = State;
        c.QueuedAt = now;
        c.Next = null;
        c.Previous = _tail;
        if (_tail is null) _head = c;
        else _tail.Next = c;
        _tail = c;
        Count++;
    }

    public void Remove(Connection c)
    {
        if (c.Previous is null) _head = c.Next;
        else c.Previous.Next = c.Next;
        if (c.Next is null) _tail = c.Previous;
        else c.Next.Previous = c.Previous;
        c.Previous = c.Next = null;
        c.State = ConnectionState.Serving;
        Count--;
    }

    /// <summary>When the head expires, or long.MaxValue for an empty queue.</summary>
    public long NextExpiry => _head is null ? long.MaxValue : _head.QueuedAt + TimeoutTicks;
}
