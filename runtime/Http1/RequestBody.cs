using System;
using EventMpm.Event;
using EventMpm.Http;

namespace EventMpm.Http1;

/// <summary>
/// A request body, decoded from its framing (Content-Length, or chunked per RFC 9112 §7.1) as a
/// handler reads it, or read to its end and dropped so the next request is found where it starts.
/// A C# handler's body is awaited in the pollset before it runs (held, or spooled to a file);
/// only a handler that streams its body (<see cref="Handlers.IStreamingBodyHandler"/>) has its
/// worker wait for it, as httpd's does, within mod_reqtimeout's body stage.
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig>
{
    /// <summary>The longest chunk-size line or trailer field accepted in a chunked body.</summary>
    private const int MaxChunkLine = 4096;

    private long _bodyStarted, _bodyReceived;

    /// <summary>The failure of a body read that would have to wait for more bytes (see <see cref="BufferedBodyEnd"/>).</summary>
    private const int BodyNotHere = 1;

    /// <summary>Set while <see cref="BufferedBodyEnd"/> runs: a body read stops where the receive buffer ends.</summary>
    private bool _bodyNoWait;

    /// <summary>
    /// The most body a connection holds in memory while its handler's body is awaited in the
    /// pollset (nginx's client_body_buffer_size is 8 or 16 KiB). Beyond it the body goes to a
    /// temporary file (BodySpool.cs).
    /// </summary>
    public const int HeldBodyLimit = 16 * 1024;

    /// <summary>
    /// Before a C# handler runs: its whole body must be here, so a slow client holds no worker
    /// (httpd's worker waits for it). Reads what has arrived; while the rest is on its way the
    /// connection goes back to the pollset with the bytes so far, until mod_reqtimeout's body
    /// time is up (408), telling a client that waits for it 100 Continue first. Up to
    /// <see cref="HeldBodyLimit"/> the bytes travel with the connection; beyond, they go to a
    /// file. False when the connection was handed back (<see cref="_next"/>); true when the
    /// handler runs now: the body is here (in the buffer, or in the file with
    /// <paramref name="consumed"/> moved past it), or broken (the handler meets the failure as it
    /// reads), or to be read as it arrives (no temporary directory).
    /// </summary>
    private bool HandlerBodyInHand(Connection c, HttpRequest r, ref int have, ref int consumed)
    {
        if (c.ProtocolState is SpooledBody spooling) return SpoolBody(c, r, spooling, ref have, ref consumed);
        while (true)
        {
            // Here whole, or broken (a chunked body's framing, over LimitRequestBody): the handler
            // runs and meets the failure as it reads, as it would have.
            if (BufferedBodyEnd(c, r, have, consumed, out _) != BodyNotHere) return true;
            if (have - consumed > HeldBodyLimit || have == _in.Length) return _temporary is null || StartSpool(c, r, ref have, ref consumed);
            long n;
            fixed (byte* p = _in) n = c.Transport.Receive(c, p + have, _in.Length - have);
            if (n > 0)
            {
                have += (int)n;
                continue;
            }
            if (n != ITransport.WouldBlock)
            {
                _next = NextStep.Close;
                return false;
            }
            return AwaitRestOfBody(c, r, have, received: have - consumed);
        }
    }

    /// <summary>
    /// A handler's body goes on in the pollset: the connection keeps the head and the bytes not
    /// yet used, until mod_reqtimeout's body time (counted from the body's start, with MinRate
    /// over <paramref name="received"/>) is up. A client that waits for 100 Continue is told to
    /// send now: the body is wanted (RFC 9110 §10.1.1). Returns false: the connection was handed back.
    /// </summary>
    private bool AwaitRestOfBody(Connection c, HttpRequest r, int have, long received)
    {
        if (r.ExpectContinue && !c.ContinueSent)
        {
            SendInterimContinue(c);
            c.ContinueSent = true;
        }
        long now = Environment.TickCount64;
        if (c.BodyStartedAt == 0) c.BodyStartedAt = now;
        c.PendingInput = _in.AsSpan(0, have).ToArray();
        c.InputDeadline = BodyDeadline(c.BodyStartedAt, received, now);
        _score->Status = Scoreboard.WorkerStatus.Ready;
        _next = NextStep.AwaitRest;
        return false;
    }

    /// <summary>
    /// Whether the receive buffer holds the whole body that starts at <paramref name="consumed"/>,
    /// and where it ends: 0 with <paramref name="end"/>, <see cref="BodyNotHere"/> when some is
    /// still on its way, or a status (400 for a broken chunked body, 413 over LimitRequestBody).
    /// It never waits, never reads the socket and never moves the buffer; a reader starts the
    /// body afresh afterwards.
    /// </summary>
    private int BufferedBodyEnd(Connection c, HttpRequest r, int have, int consumed, out int end)
    {
        end = consumed;
        if (r.Framing == BodyFraming.ContentLength)
        {
            if (have - consumed < r.ContentLength) return BodyNotHere;
            end = consumed + (int)r.ContentLength;
            return 0;
        }
        StartBody(r);
        _bodyNoWait = true;
        try
        {
            while (true)
            {
                long n = NextBody(c, ref have, ref end, default, out int failure);
                if (n <= 0) return n == 0 ? 0 : failure;
            }
        }
        finally
        {
            _bodyNoWait = false;
            StartBody(r);
        }
    }

    /// <summary>mod_reqtimeout's body stage: body seconds from its start plus a second per MinRate bytes, at most the body maximum; without it, Timeout from now.</summary>
    private static long BodyDeadline(long started, long received, long now)
    {
        if (TConfig.RequestReadBodyTimeout <= 0) return now + TConfig.TimeoutMilliseconds;
        long deadline = started + TConfig.RequestReadBodyTimeout * 1000L;
        if (TConfig.RequestReadBodyMinRate > 0) deadline += received * 1000L / TConfig.RequestReadBodyMinRate;
        if (TConfig.RequestReadBodyMaxTimeout > 0) deadline = Math.Min(deadline, started + TConfig.RequestReadBodyMaxTimeout * 1000L);
        return deadline;
    }

    private enum BodyStage : byte { Data, ChunkSize, ChunkEnd, Trailers, Done }

    private BodyStage _bodyStage;
    private bool _bodyChunked;
    /// <summary>Bytes left of a Content-Length body, or of the current chunk.</summary>
    private long _bodyLeft;
    /// <summary>The chunked body's size so far, against LimitRequestBody.</summary>
    private long _bodyTotal;

    private void StartBody(HttpRequest r)
    {
        _bodyStarted = Environment.TickCount64;
        _bodyReceived = 0;
        _bodyTotal = 0;
        _bodyChunked = r.Framing == BodyFraming.Chunked;
        _bodyLeft = r.Framing == BodyFraming.ContentLength ? r.ContentLength : 0;
        _bodyStage = _bodyChunked ? BodyStage.ChunkSize : _bodyLeft > 0 ? BodyStage.Data : BodyStage.Done;
    }

    /// <summary>
    /// The next piece of the body, decoded from its framing, copied to <paramref name="destination"/>
    /// (or dropped when it is empty). Returns the bytes, 0 at the body's end, or -1 with a
    /// <paramref name="failure"/>: -1 the client went away, 400 a malformed chunked body, 408 too
    /// slow, 413 a chunked body over LimitRequestBody.
    /// </summary>
    private long NextBody(Connection c, ref int have, ref int position, Span<byte> destination, out int failure)
    {
        failure = 0;
        while (true)
        {
            switch (_bodyStage)
            {
                case BodyStage.Done:
                    return 0;
                case BodyStage.Data:
                {
                    if (_bodyLeft == 0)
                    {
                        _bodyStage = _bodyChunked ? BodyStage.ChunkEnd : BodyStage.Done;
                        continue;
                    }
                    int available = have - position;
                    if (available > 0)
                    {
                        int n = (int)Math.Min(available, _bodyLeft);
                        if (!destination.IsEmpty)
                        {
                            n = Math.Min(n, destination.Length);
                            _in.AsSpan(position, n).CopyTo(destination);
                        }
                        position += n;
                        _bodyLeft -= n;
                        return n;
                    }
                    if (_bodyNoWait) return Fail(BodyNotHere, out failure);
                    // Read only what belongs to the body, into the free end of the buffer.
                    Compact(ref have, ref position);
                    int got = Receive(c, Math.Min(_bodyLeft, _in.Length - have), ref have);
                    if (got <= 0)
                    {
                        failure = got == 0 ? -1 : 408;
                        return -1;
                    }
                    continue;
                }
                case BodyStage.ChunkSize:
                {
                    int lineEnd = FindLine(c, ref have, ref position, out int lineStart, out failure);
                    if (lineEnd < 0) return -1;
                    if (!TryChunkSize(_in.AsSpan(lineStart, lineEnd - lineStart), out long size)) return Fail(400, out failure);
                    if (size == 0)
                    {
                        _bodyStage = BodyStage.Trailers;
                        continue;
                    }
                    _bodyTotal += size;
                    if (TConfig.LimitRequestBody > 0 && _bodyTotal > TConfig.LimitRequestBody) return Fail(413, out failure);
                    _bodyLeft = size;
                    _bodyStage = BodyStage.Data;
                    continue;
                }
                case BodyStage.ChunkEnd:
                {
                    int crlfEnd = FindLine(c, ref have, ref position, out int crlfStart, out failure);
                    if (crlfEnd < 0) return -1;
                    if (crlfEnd != crlfStart) return Fail(400, out failure); // chunk data longer than its size
                    _bodyStage = BodyStage.ChunkSize;
                    continue;
                }
                default: // trailer fields, up to the empty line
                {
                    int lineEnd = FindLine(c, ref have, ref position, out int lineStart, out failure);
                    if (lineEnd < 0) return -1;
                    if (lineEnd == lineStart)
                    {
                        _bodyStage = BodyStage.Done;
                        return 0;
                    }
                    ReadOnlySpan<byte> field = _in.AsSpan(lineStart, lineEnd - lineStart);
                    if (field.IndexOf((byte)':') <= 0) return Fail(400, out failure);
                    foreach (byte b in field) if ((b < 0x20 && b != (byte)'\t') || b == 0x7f) return Fail(400, out failure);
                    continue;
                }
            }
        }
    }

    private static long Fail(int status, out int failure)
    {
        failure = status;
        return -1;
    }

    /// <summary>
    /// The next CRLF-terminated line at <paramref name="position"/>: returns its end (before CR) and
    /// moves past it; -1 with a failure (-1 client gone, 400 malformed, 408 too slow).
    /// </summary>
    private int FindLine(Connection c, ref int have, ref int position, out int start, out int failure)
    {
        failure = 0;
        while (true)
        {
            int lf = _in.AsSpan(position, have - position).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                start = position;
                int end = position + lf;
                if (end == start || _in[end - 1] != (byte)'\r')
                {
                    failure = 400;
                    return -1;
                }
                position = end + 1;
                return end - 1;
            }
            start = 0;
            if (have - position > MaxChunkLine)
            {
                failure = 400;
                return -1;
            }
            if (_bodyNoWait)
            {
                failure = BodyNotHere;
                return -1;
            }
            Compact(ref have, ref position);
            int n = Receive(c, _in.Length - have, ref have);
            if (n <= 0)
            {
                failure = n == 0 ? -1 : 408;
                return -1;
            }
        }
    }

    /// <summary>chunk-size [ chunk-ext ] (RFC 9112 §7.1): hex digits, then ";name[=value]" extensions, which are ignored.</summary>
    private static bool TryChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        int i = 0;
        while (i < line.Length && IsHex(line[i]))
        {
            if (i >= 15) return false;
            size = size * 16 + HexValue(line[i]);
            i++;
        }
        if (i == 0) return false;
        ReadOnlySpan<byte> rest = line.Slice(i);
        while (!rest.IsEmpty)
        {
            rest = rest.TrimStart(" \t"u8);
            if (rest.IsEmpty || rest[0] != (byte)';') return false;
            rest = rest.Slice(1).TrimStart(" \t"u8);
            int name = 0;
            while (name < rest.Length && Configuration.Syntax.HttpToken.IsTokenChar(rest[name])) name++;
            if (name == 0) return false; // ";" with no extension name
            rest = rest.Slice(name).TrimStart(" \t"u8);
            if (rest.IsEmpty || rest[0] != (byte)'=') continue;
            rest = rest.Slice(1).TrimStart(" \t"u8);
            if (!rest.IsEmpty && rest[0] == (byte)'"')
            {
                int close = 1;
                while (close < rest.Length && rest[close] != (byte)'"')
                {
                    if (rest[close] == (byte)'\\') close++;
                    else if (rest[close] < 0x20 && rest[close] != (byte)'\t') return false;
                    close++;
                }
                if (close >= rest.Length) return false;
                rest = rest.Slice(close + 1);
            }
            else
            {
                int value = 0;
                while (value < rest.Length && Configuration.Syntax.HttpToken.IsTokenChar(rest[value])) value++;
                if (value == 0) return false;
                rest = rest.Slice(value);
            }
        }
        return true;
    }

    private static bool IsHex(byte b) => (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <summary>Moves the unread bytes to the front of the buffer (the head they follow is no longer needed).</summary>
    private void Compact(ref int have, ref int position)
    {
        if (position == 0) return;
        have -= position;
        if (have > 0) Buffer.BlockCopy(_in, position, _in, 0, have);
        position = 0;
    }

    /// <summary>Reads what has arrived, waiting up to Timeout: bytes read, 0 when the client closed, -1 on timeout.</summary>
    private int Receive(Connection c, long max, ref int have)
    {
        if (max <= 0) return -1;
        while (true)
        {
            long n;
            fixed (byte* p = _in) n = c.Transport.Receive(c, p + have, (int)max);
            if (n > 0)
            {
                have += (int)n;
                _bodyReceived += n;
                return (int)n;
            }
            if (n != ITransport.WouldBlock) return 0;
            _worker.BeforeBlocking();
            int wait = BodyWait();
            if (wait <= 0 || !c.Transport.WaitReadable(c, wait)) return -1;
        }
    }

    /// <summary>
    /// How long the body may still take (mod_reqtimeout's body stage: body seconds from its start
    /// plus a second per MinRate bytes received, at most the body maximum); without
    /// RequestReadTimeout, Timeout for each read. A worker waits for a body, as httpd's does.
    /// </summary>
    private int BodyWait()
    {
        long now = Environment.TickCount64;
        return (int)Math.Clamp(BodyDeadline(_bodyStarted, _bodyReceived, now) - now, 0, int.MaxValue);
    }
}
