namespace EventMpm.Event;

/// <summary>
/// How bytes move on a connection, beneath any protocol: the plain socket
/// (<see cref="SocketTransport"/>), or a TLS session over it. Every call is non-blocking
/// except the two waits, which a worker uses only where httpd's would block too (a request body,
/// a handler's streamed response). Results: bytes moved (&gt; 0), 0 when the peer closed (a
/// receive), or <see cref="WouldBlock"/> or <see cref="Failed"/>.
/// </summary>
internal unsafe interface ITransport
{
    /// <summary>Nothing can move now: wait in the pollset (or with a wait below).</summary>
    public const long WouldBlock = -1;

    /// <summary>The connection failed (reset, broken pipe): close it.</summary>
    public const long Failed = -2;

    long Receive(Connection c, byte* buffer, int length);

    /// <summary>Sends from one buffer; <paramref name="more"/> says more follows at once (a head before its file).</summary>
    long Send(Connection c, byte* data, int length, bool more = false);

    /// <summary>Sends two buffers as one write (a head and its body); either may be empty.</summary>
    long Send(Connection c, byte* first, int firstLength, byte* second, int secondLength);

    /// <summary>Sends up to <paramref name="count"/> bytes of a file from <paramref name="offset"/>, which advances.</summary>
    long SendFile(Connection c, int file, ref long offset, long count);

    /// <summary>
    /// Sends a head and then a file's bytes from <paramref name="offset"/> as one stream; returns
    /// how many bytes of the two it took, the head's first. TLS puts the head in the file's first
    /// record (one record and one write fewer per response); a socket sends the head alone.
    /// </summary>
    long SendHeadAndFile(Connection c, byte* head, int headLength, int file, long offset, long count);

    /// <summary>Ends the sending side (lingering close's FIN); false when the connection is already gone.</summary>
    bool ShutdownWrite(Connection c);

    /// <summary>Waits up to <paramref name="milliseconds"/> for input; true when some came (or an error to report).</summary>
    bool WaitReadable(Connection c, int milliseconds);

    /// <summary>Waits up to <paramref name="milliseconds"/> for room to send; true when there is (or an error to report).</summary>
    bool WaitWritable(Connection c, int milliseconds);

    /// <summary>
    /// Input the transport has already taken off the socket and not handed out (TLS records
    /// decrypted beyond what the last receive asked for): the pollset would never report it, so
    /// the connection is served again instead of parked (httpd's data_in_input_filters check).
    /// </summary>
    bool HasBufferedInput(Connection c);

    /// <summary>
    /// Whether the transport's own handshake is under way: bytes have come, none of them a
    /// request's yet. The protocol times it from the accept, so a handshake trickled in byte by
    /// byte cannot wait for ever (mod_reqtimeout's handshake stage).
    /// </summary>
    bool IsHandshaking(Connection c);

    /// <summary>The connection closes: what the transport keeps for it (<see cref="Connection.TransportState"/>) goes.</summary>
    void Release(Connection c);
}
