namespace EventMpm.Event;

/// <summary>Connection objects by slot, reused; a slot's generation tells a live token from a stale one.</summary>
internal sealed class ConnectionTable
{
    private Connection[] _slots = new Connection[1024];
    private readonly System.Collections.Generic.Stack<int> _free = new();
    private int _used;
    private readonly object _lock = new();

    public Connection Allocate(int fd, ITransport transport)
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
            c.Transport = transport;
            c.TransportReadyAt = 0;
            c.PeerCertificate = null;
            c.TransportWait = TransportWait.None;
            c.Served = 0;
            c.BodyStartedAt = 0;
            c.ContinueSent = false;
            c.State = ConnectionState.Serving;
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

    /// <summary>The connections still open (for the engine's last act, when no other thread touches them).</summary>
    public System.Collections.Generic.List<Connection> Open()
    {
        var open = new System.Collections.Generic.List<Connection>();
        lock (_lock)
        {
            for (int i = 0; i < _used; i++) if (_slots[i].Fd >= 0) open.Add(_slots[i]);
        }
        return open;
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
