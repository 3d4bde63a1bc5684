using System;
using EventMpm.Contract;
using EventMpm.Event;
using EventMpm.Http;
using EventMpm.Scoreboard;
using EventMpm.Site;

namespace EventMpm.Http1;

/// <summary>
/// HTTP/1.1 on one worker: reads requests from the connection the engine lends it, answers them
/// (StaticFilePath.cs, BuiltInPages.cs, HandlerExchange.cs), answers pipelined requests in order
/// without going back to the pollset, and returns what the connection waits for next. One per
/// worker thread, so its buffers are reused and nothing is allocated per request.
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig> : IConnectionProtocol where TConfig : struct, IServerConfig
{
    /// <summary>The receive buffer: a request head must fit (httpd's defaults allow 8190 per line).</summary>
    private const int ReceiveSize = 64 * 1024;

    /// <summary>Response heads and the small bodies of error responses.</summary>
    private const int SendSize = 16 * 1024;

    private static readonly HeadLimits s_limits = new(TConfig.LimitRequestLine, TConfig.LimitRequestFieldSize, TConfig.LimitRequestFields);

    private readonly Worker _worker;
    private readonly HttpSite _site;
    private readonly byte[] _in = GC.AllocateArray<byte>(ReceiveSize, pinned: true);
    private readonly byte[] _out = GC.AllocateArray<byte>(SendSize, pinned: true);
    private readonly HttpRequest _request = new();
    private readonly WorkerScore* _score;

    /// <summary>Where the connection goes once a step below has handed it back (it returned false).</summary>
    private NextStep _next;

    /// <summary>Where bodies too large to hold are spooled; null when no file can be made there.</summary>
    private readonly Native.TemporaryDirectory? _temporary;

    public Http1Session(Worker worker, HttpSite site, Native.TemporaryDirectory? temporary)
    {
        _worker = worker;
        _site = site;
        _temporary = temporary;
        _score = worker.Score;
        _logLines = Array.ConvertAll(site.Logs, _ => new Logging.LineBuffer(LogBlock + 4096));
    }

    public NextStep Serve(Connection c)
    {
        if (c.Served == 0)
        {
            _score->ConnectionCount = 0;
            _score->ConnectionBytes = 0;
        }
        _score->Status = WorkerStatus.Read;
        int have = 0;
        if (c.ProtocolState is ProxyExchange exchange)
        {
            // A proxied request goes on where it waited (for the backend, the client's body, or write completion).
            if (!ContinueProxy(c, exchange, ref have)) return _next;
            c.HeadStartedAt = Environment.TickCount64; // a pipelined head starts now
        }
        else if (c.PendingInput is byte[] pending)
        {
            pending.CopyTo(_in, 0);
            have = pending.Length;
            c.PendingInput = null;
            if (have == 0) c.HeadStartedAt = FirstHeadStart(c); // back from a handshake, which may have ended now
        }
        else
        {
            // A new head starts: a first request's time counts from the accept (mod_reqtimeout).
            c.HeadStartedAt = c.Served > 0 ? Environment.TickCount64 : FirstHeadStart(c);
        }
        fixed (byte* buffer = _in)
        {
            while (true)
            {
                if (have > 0)
                {
                    ParseResult result = RequestParser.Parse(_in.AsSpan(0, have), s_limits, _request, out int status);
                    if (result == ParseResult.Complete)
                    {
                        if (!Respond(c, ref have)) return _next;
                        c.HeadStartedAt = Environment.TickCount64; // a pipelined head starts now
                        continue;
                    }
                    if (result == ParseResult.Error) return SendError(c, status);
                    if (have == _in.Length) return SendError(c, 400);
                }
                long n = c.Transport.Receive(c, buffer + have, _in.Length - have);
                if (n > 0)
                {
                    have += (int)n;
                    continue;
                }
                if (n != ITransport.WouldBlock) return NextStep.Close; // the client closed, or the connection failed
                // A handshake under way is awaited as part of a head is, until its own deadline:
                // parked as a new connection, its timeout would restart at every byte.
                bool handshaking = have == 0 && c.Served == 0 && c.Transport.IsHandshaking(c);
                if (have == 0 && !handshaking) return NextStep.AwaitInput;
                // Part of a head has come: the rest is awaited in the pollset, not in this worker.
                c.PendingInput = _in.AsSpan(0, have).ToArray();
                c.InputDeadline = handshaking && TConfig.RequestReadHandshakeTimeout > 0
                    ? c.AcceptedAt + TConfig.RequestReadHandshakeTimeout * 1000L : HeadDeadline(c, have);
                _score->Status = WorkerStatus.Ready;
                return NextStep.AwaitRest;
            }
        }
    }

    /// <summary>
    /// mod_reqtimeout's header stage for a first request starts at the accept, which covers a
    /// TLS handshake too; with a handshake stage of its own (handshake=), at the handshake's end.
    /// </summary>
    private static long FirstHeadStart(Connection c)
        => TConfig.RequestReadHandshakeTimeout > 0 ? Math.Max(c.AcceptedAt, c.TransportReadyAt) : c.AcceptedAt;

    /// <summary>
    /// When the rest of a head must have come: mod_reqtimeout's header stage, header seconds from
    /// the head's start plus a second per MinRate bytes received, at most the header maximum;
    /// without RequestReadTimeout, Timeout from now.
    /// </summary>
    private static long HeadDeadline(Connection c, int received)
    {
        if (TConfig.RequestReadHeaderTimeout <= 0) return Environment.TickCount64 + TConfig.TimeoutMilliseconds;
        long deadline = c.HeadStartedAt + TConfig.RequestReadHeaderTimeout * 1000L;
        if (TConfig.RequestReadHeaderMinRate > 0) deadline += received * 1000L / TConfig.RequestReadHeaderMinRate;
        if (TConfig.RequestReadHeaderMaxTimeout > 0) deadline = Math.Min(deadline, c.HeadStartedAt + TConfig.RequestReadHeaderMaxTimeout * 1000L);
        return deadline;
    }

    /// <summary>The place (its &lt;Location&gt; sections merged) of the request being answered: its Header rules, ErrorDocuments and mod_expires policy.</summary>
    private Site.Route _place;

    /// <summary>
    /// The mod_expires policy and Header rules of the request's place, applied to the fields written so far (the status
    /// line's and the connection's excepted); <paramref name="error"/>: this server's own error
    /// answer, which only "Header always" rules change (mod_headers' err_headers_out).
    /// </summary>
    private void ApplyHeaders(ref HeadWriter w, bool error)
    {
        // mod_expires first, so a Header rule may still change what it wrote.
        if (!error && _place.Expires is ExpiresPolicy expires)
        {
            w.SetLength(expires.Apply(w.Buffer, w.FieldsStart, w.Length, w.Buffer.Length - HeadRoom, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        }
        if (_place.Headers is not { HasResponse: true } rules) return;
        w.SetLength(rules.Response(w.Buffer, w.FieldsStart, w.Length, w.Buffer.Length - HeadRoom, error));
    }

    /// <summary>What the connection fields and the blank line after the rewritten fields may need.</summary>
    private const int HeadRoom = 256;

    /// <summary>Answers the parsed request; true when the connection stays with this worker for a pipelined request.</summary>
    private bool Respond(Connection c, ref int have)
    {
        HttpRequest r = _request;
        _place = _site.Routes.Root; // until a section's route is found for the path
        _requestStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        _score->Status = WorkerStatus.Write; // httpd's 'W' covers the handler's run, not only the sending
        if (TConfig.ExtendedStatus) RecordRequest(c, r);
        int consumed = r.HeadLength;
        bool hasBody = r.HasBody;
        long limit = TConfig.LimitRequestBody;
        if (hasBody && r.Framing == BodyFraming.ContentLength && limit > 0 && r.ContentLength > limit)
        {
            _next = SendError(c, 413); // known too large: refused before reading; lingering close drains it
            return false;
        }

        if (_site.Proxy is not null && (TConfig.TraceEnable || r.Method != HttpMethod.Trace) // TraceEnable Off: mod_proxy refuses TRACE too
            && ProxyTarget(r, out string proxiedPath, out int matched, out string? rest) is Proxy.ProxyDestination destination)
        {
            return Proxy(c, destination, proxiedPath, matched, rest, ref have, consumed);
        }

        // A file, a page or an error takes no body, and no worker waits for one (nginx discards
        // it in its event loop; httpd's worker reads it). One already here is dropped; one still
        // on its way, or held back for 100-continue (never asked for then), makes the answer say
        // Connection: close, and lingering close drains the rest in the listener.
        int bodyEnd = consumed;
        int body = !hasBody ? 0 : r.ExpectContinue || c.ProtocolState is not null ? BodyNotHere : BufferedBodyEnd(c, r, have, consumed, out bodyEnd);
        _closing = body == BodyNotHere;
        ResponsePlan plan = MakePlan(c, r);
        _closing = false;
        if (plan.Status == ResponsePlan.CodeHandler)
        {
            // Its body is awaited in the pollset, unless the handler reads it as it comes.
            if (hasBody && _route.Code!.Instance is not Handlers.IStreamingBodyHandler && !HandlerBodyInHand(c, r, ref have, ref consumed)) return false;
            return RunHandler(c, ref have, consumed);
        }
        if (body == BodyNotHere) return Finish(c, ref plan, ref have, consumed: have);
        if (body != 0)
        {
            if (plan.File >= 0) SharedDescriptor.EndUse(plan.File, plan.FileOwner);
            _next = SendError(c, body);
            return false;
        }
        consumed = bodyEnd;
        return Finish(c, ref plan, ref have, consumed);
    }

    /// <summary>Logs and sends a planned response; true when a pipelined request follows on this worker.</summary>
    private bool Finish(Connection c, ref ResponsePlan plan, ref int have, int consumed)
    {
        c.Served++;
        long body = plan.BodyLength + plan.FileLength + plan.StreamedBody;
        long micros = RecordServed(body);
        if (_logLines.Length != 0)
        {
            HttpRequest r = _request;
            LogRequest(c, _headCopy is { } copy ? copy.Span : _in.AsSpan(0, r.HeadLength), plan.Status, body, plan.Length + plan.BodyLength + plan.FileLength + plan.StreamedBytes,
                r.HeadLength + (r.Framing == BodyFraming.ContentLength ? r.ContentLength : 0), plan.KeepAlive, micros);
            _headCopy = null;
        }
        have -= consumed;
        if (have > 0) Buffer.BlockCopy(_in, consumed, _in, 0, have);
        switch (Send(c, ref plan))
        {
            case WriteResult.Failed:
                _next = NextStep.Close;
                return false;
            case WriteResult.Blocked:
                c.Output.CloseAfter = !plan.KeepAlive;
                if (have > 0 && plan.KeepAlive) c.PendingInput = _in.AsSpan(0, have).ToArray();
                _next = NextStep.AwaitWrite;
                return false;
        }
        if (!plan.KeepAlive)
        {
            _score->Status = WorkerStatus.Closing;
            _next = ClientClosesToo(c, _request, have) ? NextStep.CloseAfterFin : NextStep.Linger;
            return false;
        }
        if (have == 0)
        {
            _score->Status = WorkerStatus.KeepAlive;
            _next = NextStep.AwaitInput;
            return false;
        }
        _score->Status = WorkerStatus.Read;
        return true;
    }

    /// <summary>
    /// Whether the client itself ends the connection after this answer (Connection: close, or
    /// HTTP/1.0 without keep-alive), sent no body (one may still be on its way), and nothing it
    /// sent is left unread: not after the request in the buffer, not inside the transport, not
    /// in the kernel. Then no lingering close is needed: what it protects against, a reset that
    /// destroys an answer the client has not read yet, comes only from closing on unread input,
    /// and this client sends no more.
    /// </summary>
    private static bool ClientClosesToo(Connection c, HttpRequest r, int have)
    {
        if (!r.ClientCloses || r.HasBody || have > 0 || c.Transport.HasBufferedInput(c)) return false;
        byte next;
        return Native.Sys.Peek(c.Fd, &next, 1) < 0 && Native.Sys.WouldBlock(Native.Sys.Errno);
    }

    /// <summary>Set while a response is planned that must close the connection (its request's body is left unread).</summary>
    private bool _closing;

    /// <summary>httpd's keep-alive decision for this response, with the compiled KeepAlive settings.</summary>
    private bool KeepsAlive(Connection c, HttpRequest r, int status, out int left)
        => KeepAlivePolicy.Decide(r, status, TConfig.KeepAlive, TConfig.KeepAliveTimeoutMilliseconds, TConfig.MaxKeepAliveRequests, c.Served, _worker.Stopping, out left)
           && !_closing;

    /// <summary>An error page as the answer to a request that was read (it may keep the connection).</summary>
    private ResponsePlan ErrorPlan(Connection c, HttpRequest r, int status)
    {
        var plan = new ResponsePlan(status);
        plan.KeepAlive = KeepsAlive(c, r, status, out int left);
        string host = TConfig.ServerSignature && r.HostStart >= 0 ? System.Text.Encoding.Latin1.GetString(_in.AsSpan(r.HostStart, r.HostLength)) : "";
        HeadWriter w = ErrorHead(c, ref plan.Status, out byte[] body, host);
        ResponseHead<TConfig>.End(ref w, r, plan.KeepAlive, left);
        if (r.Method != HttpMethod.Head) w.Append(body);
        plan.Length = w.Length;
        return plan;
    }

    /// <summary>Answers a request that could not be read, then closes with lingering (the rest of it is drained).</summary>
    private NextStep SendError(Connection c, int status)
    {
        HeadWriter w = ErrorHead(c, ref status, out byte[] body, host: "");
        ResponseHead<TConfig>.EndClosing(ref w);
        w.Append(body);
        var plan = new ResponsePlan(status) { Length = w.Length };
        c.Served++;
        if (_logLines.Length != 0)
        {
            LogRequest(c, _headCopy is { } copy ? copy.Span : default, status, body.Length, plan.Length, 0, keepAlive: false, microseconds: 0);
            _headCopy = null;
        }
        switch (Send(c, ref plan))
        {
            case WriteResult.Failed:
                return NextStep.Close;
            case WriteResult.Blocked:
                c.Output.CloseAfter = true;
                return NextStep.AwaitWrite;
        }
        return NextStep.Linger;
    }

    private void SendInterimContinue(Connection c)
    {
        ReadOnlySpan<byte> line = ResponseHead<TConfig>.Continue;
        fixed (byte* p = line) c.Transport.Send(c, p, line.Length); // a few bytes on a fresh socket; a short write only delays the client
    }

    /// <summary>Writes until done or the socket is full; a full socket leaves the rest with the connection (write completion).</summary>
    private WriteResult Send(Connection c, ref ResponsePlan plan)
    {
        ITransport t = c.Transport;
        int headSent = plan.HeadInFile ? plan.Length : 0, bodySent = 0;
        fixed (byte* head = _out)
        fixed (byte* body = plan.Body)
        {
            while (headSent < plan.Length || bodySent < plan.BodyLength)
            {
                long n = plan.Body is not null
                    ? t.Send(c, head + headSent, plan.Length - headSent, body + plan.BodyOffset + bodySent, plan.BodyLength - bodySent)
                    : t.Send(c, head + headSent, plan.Length - headSent, more: plan.File >= 0);
                if (n > 0)
                {
                    int toHead = (int)Math.Min(n, plan.Length - headSent);
                    headSent += toHead;
                    bodySent += (int)n - toHead;
                    continue;
                }
                if (n == ITransport.WouldBlock) break;
                if (plan.File >= 0) SharedDescriptor.EndUse(plan.File, plan.FileOwner);
                return WriteResult.Failed;
            }
        }
        if (headSent == plan.Length && bodySent == plan.BodyLength && plan.File < 0) return WriteResult.Done; // the common case: all sent
        // A prepared file begins with the head.
        long fileRemaining = plan.File >= 0 ? plan.FileLength + (plan.HeadInFile ? plan.Length : 0) : 0;
        c.Output.Keep(_out.AsSpan(headSent, plan.Length - headSent), plan.Body, plan.BodyOffset + bodySent, plan.BodyLength - bodySent,
            plan.File, plan.FileOwner, plan.FileOffset, fileRemaining);
        return c.Output.HasData ? WriteCompletion.Continue(c) : WriteResult.Done;
    }
}
