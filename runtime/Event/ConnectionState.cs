namespace EventMpm.Event;

/// <summary>
/// Where a connection is, and so who owns it. The engine moves it; a protocol only says, with a
/// <see cref="NextStep"/>, what the connection waits for once a worker is done with it.
///
/// <code>
///   accept ──► Serving, then NewConnection ─┐         (a worker: accept, admission)
///              KeepAlive ─────┤ readable: a worker claims it
///              AwaitingRest ──┤                       ──► Serving ──► protocol.Serve() returns:
///              AwaitingUpstream┤ its upstream ready
///              WriteCompletion┘ writable: the worker first sends what is pending
///
///   Serving ── AwaitInput ──► NewConnection (none served yet) or KeepAlive
///           ── AwaitRest ───► AwaitingRest, until Connection.InputDeadline
///           ── AwaitUpstream ► AwaitingUpstream, until Connection.InputDeadline
///           ── AwaitWrite ──► WriteCompletion (then Linger when Output.CloseAfter, else Serving again)
///           ── Linger / ShortLinger ──► the listener's set until the client closes or time runs out
///           ── Close ───────► closed
///
///   timeouts (the listener): NewConnection, KeepAlive ──► ShortLinger;
///   AwaitingRest ──► the protocol's timeout answer, then ShortLinger;
///   AwaitingUpstream ──► the protocol's upstream timeout answer (HTTP's 504), then as it says;
///   WriteCompletion, Linger, ShortLinger ──► closed.
/// </code>
///
/// In every waiting state the connection belongs to its timeout queue (<see cref="TimeoutQueues"/>)
/// and whoever takes it out, under the queues' lock, owns it next: a worker that saw it become
/// ready, or the listener that saw it expire.
/// </summary>
internal enum ConnectionState : byte
{
    /// <summary>Owned by a worker (or being closed); in no queue.</summary>
    Serving,
    /// <summary>Accepted, its first request not yet arrived (RequestReadTimeout header=, else Timeout).</summary>
    NewConnection,
    /// <summary>Between requests (KeepAliveTimeout).</summary>
    KeepAlive,
    /// <summary>Part of the protocol's input has come (a request head); waiting for the rest until its own deadline.</summary>
    AwaitingRest,
    /// <summary>A response is still going out; waiting for the socket to drain (Timeout).</summary>
    WriteCompletion,
    /// <summary>The protocol waits on the connection's <see cref="Connection.Upstream"/> (a backend), until its own deadline.</summary>
    AwaitingUpstream,
    /// <summary>Lingering close after a normal end (httpd's MAX_SECS_TO_LINGER).</summary>
    Linger,
    /// <summary>Lingering close after a timeout, or while stopping (httpd's SECONDS_TO_LINGER).</summary>
    ShortLinger,
}

/// <summary>What a protocol returns when it is done with a connection for now: what the connection waits for next.</summary>
internal enum NextStep : byte
{
    /// <summary>Nothing left to read: wait for the next request in the pollset.</summary>
    AwaitInput,
    /// <summary>
    /// Part of the input is in <see cref="Connection.PendingInput"/> (or the protocol's state): wait for the rest until
    /// <see cref="Connection.InputDeadline"/>, and for the upstream too when <see cref="Connection.UpstreamEvents"/> says so.
    /// </summary>
    AwaitRest,
    /// <summary>The socket is full: <see cref="Connection.Output"/> holds the rest, sent as the socket drains.</summary>
    AwaitWrite,
    /// <summary>
    /// Wait for <see cref="Connection.Upstream"/> to become ready for <see cref="Connection.UpstreamEvents"/>,
    /// until <see cref="Connection.InputDeadline"/>; the client's descriptor is not watched meanwhile.
    /// </summary>
    AwaitUpstream,
    /// <summary>Done: send FIN and drain what the client still sends (a normal end).</summary>
    Linger,
    /// <summary>Done after an error or timeout: the short lingering close.</summary>
    ShortLinger,
    /// <summary>
    /// Done, and the client said it closes too, with nothing of its left unread: send FIN and
    /// close now. A lingering close would only wait for the client's FIN, and nothing is there
    /// to reset the answer (nginx closes so when nothing is pending: ngx_http_finalize_connection()).
    /// </summary>
    CloseAfterFin,
    /// <summary>The client went away or the connection failed: close now.</summary>
    Close,
}
