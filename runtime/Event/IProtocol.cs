namespace EventMpm.Event;

/// <summary>
/// A protocol beneath the engine (HTTP/1.1 today): the engine hands it connections that are
/// ready and does what it answers, knowing nothing of requests (as nginx's event core calls its
/// HTTP module's handlers, and Kestrel's transport its connection middleware).
/// </summary>
internal interface IProtocol
{
    /// <summary>The protocol's side of one worker thread: its buffers, reused for every connection the worker serves.</summary>
    IConnectionProtocol ForWorker(Worker worker);

    /// <summary>
    /// What a connection whose input did not complete in time is sent before its short lingering
    /// close (HTTP's 408; nothing for a tunnel, whose bytes are not HTTP's).
    /// </summary>
    byte[] InputTimedOut(Connection c);

    /// <summary>
    /// A connection's upstream did not become ready by its deadline: the protocol closes the
    /// upstream and answers the client (HTTP's 504 when nothing was sent yet). True when the
    /// connection is to linger briefly after, false when it is to close at once (a cut response).
    /// Called on the listener thread, which owns the connection now.
    /// </summary>
    bool UpstreamTimedOut(Connection c);

    /// <summary>Connections with an upstream exchange in progress (HTTP's proxied requests), for the scoreboard.</summary>
    int UpstreamExchanges { get; }
}

/// <summary>One worker's protocol state.</summary>
internal interface IConnectionProtocol
{
    /// <summary>
    /// Serves a connection this worker owns: reads what is there (and <see cref="Connection.PendingInput"/>),
    /// answers, and says what the connection waits for next. Called with nothing left to send.
    /// </summary>
    NextStep Serve(Connection c);

    /// <summary>The worker is about to wait on the pollset: hand over what was buffered (access log lines).</summary>
    void Idle();
}
