namespace EventMpm.Event;

/// <summary>Where a connection waits when no worker is serving it.</summary>
internal enum Parked : byte
{
    /// <summary>Owned by a worker (or being closed); in no queue.</summary>
    No,
    /// <summary>Accepted, its first request not yet arrived (RequestReadTimeout header).</summary>
    NewConnection,
    /// <summary>Between requests (KeepAliveTimeout).</summary>
    KeepAlive,
    /// <summary>A response is still going out; waiting for the socket to drain (Timeout).</summary>
    WriteCompletion,
    /// <summary>Lingering close after a normal end (MAX_SECS_TO_LINGER).</summary>
    Linger,
    /// <summary>Lingering close after a timeout or purge (SECONDS_TO_LINGER).</summary>
    ShortLinger,
    /// <summary>Part of a request head has come; waiting for the rest (RequestReadTimeout header=, with MinRate).</summary>
    ReadingHead,
}

/// <summary>
/// One client connection. Exactly one thread owns it at a time: a worker while it serves a
/// request, the listener while it lingers; while it waits in the pollset it belongs to its
/// timeout queue, and whoever takes it out of the queue (under the queue lock) owns it next.
/// A parked connection holds no buffer, only what a response still has to send.
/// </summary>
internal sealed class Connection
{
    public int Fd = -1;
    public int Slot;
    /// <summary>Bumped at every reuse of the slot, so a stale epoll event cannot reach a new connection.</summary>
    public uint Generation;
    public Parked Parked;
    public long QueuedAt;
    public Connection? Previous, Next;
    /// <summary>When it was accepted (Environment.TickCount64): a first request head's time counts from here.</summary>
    public long AcceptedAt;

    /// <summary>When the head being read began to arrive, and when it must be complete (mod_reqtimeout's header stage).</summary>
    public long HeadStartedAt, HeadDeadline;

    /// <summary>Requests answered on this connection (httpd's keepalives).</summary>
    public int Served;
    /// <summary>In lingering close: counted apart, as httpd's lingering_count, by the admission rule.</summary>
    public bool Lingering;

    /// <summary>Set while a worker puts it in a queue and arms it; the listener leaves it alone meanwhile.</summary>
    public bool Arming;

    /// <summary>Whether the descriptor is registered in the workers' pollset.</summary>
    public bool InPollset;

    /// <summary>The client's address, formatted once for ExtendedStatus.</summary>
    public byte[]? Client;

    /// <summary>The client's address as 16 bytes (IPv4 mapped), read once for Require.</summary>
    public byte[]? Peer;

    /// <summary>Pipelined request bytes read before a response had to wait for write completion.</summary>
    public byte[]? PendingInput;

    // What write completion still has to send.
    public byte[]? PendingHead;
    public int PendingHeadOffset;
    public byte[]? PendingBody;
    public int PendingBodyOffset, PendingBodyRemaining;
    public int PendingFile = -1;
    /// <summary>The shared descriptor <see cref="PendingFile"/> is (a cache entry's, a prepared response's), or null when the response opened it.</summary>
    public SharedDescriptor? PendingFileOwner;
    public long PendingFileOffset, PendingFileRemaining;
    public bool CloseAfterPending;

    public ulong Token => ((ulong)Generation << 32) | (uint)Slot;

    public bool HasPendingOutput => PendingHead is not null || PendingBodyRemaining > 0 || PendingFileRemaining > 0;

    public void ClearPending()
    {
        PendingHead = null;
        PendingHeadOffset = 0;
        PendingBody = null;
        PendingBodyOffset = PendingBodyRemaining = 0;
        SharedDescriptor.EndUse(PendingFile, PendingFileOwner);
        PendingFile = -1;
        PendingFileOwner = null;
        PendingFileOffset = PendingFileRemaining = 0;
        CloseAfterPending = false;
        PendingInput = null;
    }
}

/// <summary>
/// One FIFO per timeout value, as httpd's timeout queues: every entry has the same timeout, so
/// appending at the tail keeps the queue ordered by expiry and only the head is ever checked.
/// </summary>
internal sealed class TimeoutQueue(Parked kind, long timeoutTicks)
{
    private Connection? _head, _tail;

    public Parked Kind { get; } = kind;

    public long TimeoutTicks { get; } = timeoutTicks;

    public Connection? Head => _head;

    /// <summary>Entries now queued (the scoreboard's async connection counts).</summary>
    public int Count { get; private set; }

    public void Append(Connection c, long now)
    {
        c.Parked = Kind;
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
        c.Parked = Parked.No;
        Count--;
    }

    /// <summary>When the head expires, or long.MaxValue for an empty queue.</summary>
    public long NextExpiry => _head is null ? long.MaxValue : _head.QueuedAt + TimeoutTicks;
}

/// <summary>Connection objects by slot, reused; a slot's generation tells a live token from a stale one.</summary>
internal sealed class ConnectionTable
{
    private Connection[] _slots = new Connection[1024];
    private readonly System.Collections.Generic.Stack<int> _free = new();
    private int _used;
    private readonly object _lock = new();

    public Connection Allocate(int fd)
    {
        lock (_lock)
        {
            int slot;
            if (_free.Count > 0) slot = _free.Pop();
            else
            {
                if (_used == _slots.Length) System.Array.Resize(ref _slots, _slots.Length * 2);
                slot = _used++;
                _slots[slot] = new Connection { Slot = slot };
            }
            Connection c = _slots[slot];
            c.Fd = fd;
            c.Served = 0;
            c.Parked = Parked.No;
            c.InPollset = false;
            c.Lingering = false;
            c.Client = null;
            c.Peer = null;
            return c;
        }
    }

    public void Release(Connection c)
    {
        lock (_lock)
        {
            c.Fd = -1;
            c.Generation++;
            _free.Push(c.Slot);
        }
    }

    /// <summary>The connection a token names, if the slot has not been reused since.</summary>
    public Connection? Find(ulong token)
    {
        int slot = (int)(uint)token;
        Connection[] slots = _slots;
        if (slot >= slots.Length) return null;
        Connection? c = slots[slot];
        return c is not null && c.Generation == (uint)(token >> 32) && c.Fd >= 0 ? c : null;
    }
}
