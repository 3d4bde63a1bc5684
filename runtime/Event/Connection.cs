namespace EventMpm.Event;

/// <summary>
/// One client connection as the engine sees it: a descriptor, its transport, where it waits, and
/// what a response still has to send. Exactly one thread owns it at a time (see
/// <see cref="ConnectionState"/> for who, and the moves between states); a waiting connection
/// holds no buffer, only the bytes a protocol left with it.
/// </summary>
internal sealed class Connection
{
    public int Fd = -1;
    public int Slot;
    /// <summary>Bumped at every reuse of the slot, so a stale epoll event cannot reach a new connection.</summary>
    public uint Generation;
    public ConnectionState State;

    /// <summary>How bytes move on it: the plain socket, or TLS over it (as its listener says).</summary>
    public ITransport Transport = SocketTransport.Instance;

    /// <summary>The transport's own handle for this connection (TLS: its session), released with <see cref="ITransport.Release"/>.</summary>
    public nint TransportState;

    /// <summary>What the transport's last receive stopped for, so what the connection waits for in the pollset.</summary>
    public TransportWait TransportWait;

    /// <summary>The subject of the certificate the client presented in the TLS handshake (RFC 2253); null without one.</summary>
    public string? PeerCertificate;

    /// <summary>When the transport's handshake ended (Environment.TickCount64); 0 before, and for a plain socket, which has none.</summary>
    public long TransportReadyAt;

    // Its place in a timeout queue.
    public long QueuedAt;
    public Connection? Previous, Next;

    /// <summary>When it was accepted (Environment.TickCount64).</summary>
    public long AcceptedAt;

    /// <summary>
    /// The deadline of <see cref="ConnectionState.AwaitingRest"/>, set by the protocol before it
    /// returns <see cref="NextStep.AwaitRest"/>; the listener times the connection out then.
    /// </summary>
    public long InputDeadline;

    /// <summary>When the request head being read began (the HTTP protocol's own mark; mod_reqtimeout times heads from it).</summary>
    public long HeadStartedAt;

    /// <summary>When the body a handler waits for began to be awaited, or 0 (the HTTP protocol's mark; mod_reqtimeout times bodies from it).</summary>
    public long BodyStartedAt;

    /// <summary>Whether this request's client was already told 100 Continue (the HTTP protocol's mark).</summary>
    public bool ContinueSent;

    /// <summary>Exchanges completed on this connection (httpd's keepalives): none yet means a new connection's timeout.</summary>
    public int Served;

    /// <summary>In lingering close: counted apart, as httpd's lingering_count, by the admission rule.</summary>
    public bool Lingering;

    /// <summary>Set while a worker puts it in a queue and arms it; the listener leaves it alone meanwhile.</summary>
    public bool Arming;

    /// <summary>Whether the descriptor is registered in the workers' pollset.</summary>
    public bool InPollset;

    /// <summary>The client's address, formatted once (ExtendedStatus, the access log, handlers).</summary>
    public byte[]? Client;

    /// <summary>The client's address as 16 bytes (IPv4 mapped), read once for Require.</summary>
    public byte[]? Peer;

    /// <summary>Bytes the protocol read but has not used yet (part of a head, a pipelined request): they travel with the connection.</summary>
    public byte[]? PendingInput;

    /// <summary>
    /// What else the protocol keeps with the connection between its turns and must give back
    /// however the connection ends (HTTP's spooled request body: its file). The engine disposes
    /// it when the connection closes or lingers.
    /// </summary>
    public System.IDisposable? ProtocolState;

    /// <summary>
    /// A second descriptor the protocol waits on for this connection (a proxy's backend socket),
    /// or -1. It belongs to the protocol, which opens and closes it; the engine only arms it in
    /// the pollset for <see cref="UpstreamEvents"/> when the protocol answers
    /// <see cref="NextStep.AwaitUpstream"/>, and its events bring this connection back.
    /// </summary>
    public int Upstream = -1;

    /// <summary>
    /// What <see cref="Upstream"/> is awaited for (Epoll.In, Epoll.Out): with <see cref="NextStep.AwaitUpstream"/>
    /// alone, with <see cref="NextStep.AwaitRest"/> besides the client's input (0: not at all).
    /// </summary>
    public uint UpstreamEvents;

    /// <summary>What write completion still has to send, and whether the connection closes after it (kept inline: no object per connection).</summary>
    public PendingOutput Output = PendingOutput.None;

    public ulong Token => ((ulong)Generation << 32) | (uint)Slot;

    /// <summary>Drops what the connection carried (bytes to send, bytes read ahead, the protocol's state) before it closes or lingers.</summary>
    public void ClearPending()
    {
        Output.Clear();
        PendingInput = null;
        ProtocolState?.Dispose(); // closes an upstream the protocol still had
        ProtocolState = null;
        Upstream = -1;
        UpstreamEvents = 0;
    }
}

/// <summary>What a transport's last receive stopped for.</summary>
internal enum TransportWait : byte
{
    /// <summary>Nothing: it returned bytes, or the end (what the transport buffers may be whole records).</summary>
    None,
    /// <summary>Input: it met the socket's end (TLS: WANT_READ), so what it buffers is not a whole record.</summary>
    Input,
    /// <summary>
    /// Room to send: it could not go on until it had written (a TLS handshake whose flight met a
    /// full send buffer); the connection waits for that as well as for input.
    /// </summary>
    Output,
}
