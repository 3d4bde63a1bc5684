using System;
using System.Text;
using EventMpm.Event;
using EventMpm.Http;
using EventMpm.Native;
using EventMpm.Proxy;
using EventMpm.Scoreboard;

namespace EventMpm.Http1;

/// <summary>
/// The reverse proxy on the HTTP/1.1 session (mod_proxy_http's exchange, with nginx's engine):
/// the request goes to the backend and the response comes back through the pollset. Every wait
/// (the connect, a full backend socket, the response head, the next body bytes from either side,
/// a slow client) returns the connection to the engine with the <see cref="ProxyExchange"/> in
/// its <see cref="Connection.ProtocolState"/>, so no worker is held while anybody thinks; the
/// relay buffer is bounded (64 KiB), and a slow client stops the reads from the backend until
/// it has taken what was read (write completion, then the next read).
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig>
{
    /// <summary>
    /// The request's path as ProxyPass matches it (decoded, dot-segments resolved), and the
    /// backend it goes to; null when it is not proxied. A plain path (nothing to decode, the
    /// common case) is matched as it stands, so a request that is not proxied costs no string.
    /// </summary>
    private ProxyDestination? ProxyTarget(HttpRequest r, out string path, out int matched, out string? rest)
    {
        ReadOnlySpan<byte> target = _in.AsSpan(r.TargetStart, r.TargetLength);
        int query = target.IndexOf((byte)'?');
        ReadOnlySpan<byte> raw = query < 0 ? target : target.Slice(0, query);
        if (raw.Length > 0 && raw.Length <= 1024 && raw[0] == (byte)'/' && RequestPath.IsPlain(raw))
        {
            Span<char> chars = stackalloc char[raw.Length];
            for (int i = 0; i < raw.Length; i++) chars[i] = (char)raw[i];
            ProxyDestination? found = _site.Proxy!.Find(chars, out matched, out rest);
            path = found is null ? "" : new string(chars);
            return found;
        }
        path = "";
        matched = 0;
        rest = null;
        if (RequestPath.Resolve(target, out string relative, out bool trailingSlash) != 0) return null;
        path = "/" + relative + (trailingSlash && relative.Length > 0 ? "/" : "");
        return _site.Proxy!.Find(path, out matched, out rest);
    }

    /// <summary>Starts a proxied request; true when a pipelined request follows on this worker.</summary>
    private bool Proxy(Connection c, ProxyDestination destination, string path, int matched, string? rest, ref int have, int consumed)
    {
        HttpRequest r = _request;
        if (!_site.Routes.IsEmpty)
        {
            Site.Route route = _site.Routes.Find(Encoding.UTF8.GetBytes(path));
            _place = route;
            if (route.Rules is not null && !route.Rules.Allows(c.Peer ??= Sys.PeerAddress16(c.Fd))) return Refuse(c, 403, ref have, consumed);
        }
        if (destination.Pick(Environment.TickCount64) is not Backend backend)
        {
            if (destination.Balancer is Balancer balancer) Logging.ErrorLog.Error("proxy", "AH01170", balancer.Name + ": All workers are in error state");
            else Logging.ErrorLog.Error("proxy", "AH00940", "HTTP: disabled connection for (" + destination.Single!.Url.Host + ":" + destination.Single.Url.Port + ") until its retry time has passed");
            return Refuse(c, 503, ref have, consumed);
        }
        var x = new ProxyExchange(destination, backend, _site.Proxy!)
        {
            Started = _requestStarted,
            ClientHttp11 = r.IsHttp11,
            ClientAskedKeepAlive = r.ConnectionKeepAlive,
            MethodHead = r.Method == HttpMethod.Head,
            // RFC 9110 §9.2.2: a request that may be sent twice to the same effect.
            Retriable = r.Method is HttpMethod.Get or HttpMethod.Head or HttpMethod.Options or HttpMethod.Trace or HttpMethod.Put or HttpMethod.Delete,
            ExpectContinue = r.ExpectContinue,
            Secure = c.TransportReadyAt != 0,
            LogHead = _logLines.Length != 0 ? _in.AsSpan(0, r.HeadLength).ToArray() : Array.Empty<byte>(),
            Place = _place,
        };
        x.ClientMayKeepAlive = KeepsAlive(c, r, 200, out x.KeepAliveLeft);

        ReadOnlySpan<byte> target = _in.AsSpan(r.TargetStart, r.TargetLength);
        int query = target.IndexOf((byte)'?');
        if (backend.Upgrade.Length > 0) x.Upgrade = UpgradeAsked(_in.AsSpan(0, r.HeadLength), backend.Upgrade);
        string clientHost = r.HostStart >= 0 ? Encoding.Latin1.GetString(_in.AsSpan(r.HostStart, r.HostLength)) : "";
        x.ClientHost = clientHost;
        c.Client ??= Sys.PeerAddress(c.Fd);
        x.PathRest = rest ?? path.Substring(matched);
        x.Query = query < 0 ? "" : Encoding.Latin1.GetString(target.Slice(query));
        var facts = new ProxyRequestFacts(
            Target: MapTarget(destination.TargetPath(backend), x.PathRest, x.Query),
            Host: TConfig.ProxyPreserveHost && clientHost.Length > 0 ? clientHost : backend.Url.Authority,
            ClientAddress: Encoding.ASCII.GetString(c.Client),
            ForwardedHost: clientHost,
            ForwardedServer: _site.ServerName.Length > 0 ? _site.ServerName : r.HostStart >= 0 ? HostName(_in.AsSpan(r.HostStart, r.HostLength)) : "",
            AddForwarded: TConfig.ProxyAddHeaders,
            Framing: r.Framing,
            ContentLength: r.ContentLength,
            Upgrade: x.Upgrade);
        // A balancer may move the request to another member before it is sent: the member's
        // Host and path go into the head, which is then written again from the client's.
        if (destination.Balancer is { Members.Length: > 1 })
        {
            x.ClientHead = _in.AsSpan(0, r.HeadLength).ToArray();
            x.Facts = facts;
        }

        // The body bytes that came with the head go with it; the rest is relayed as it comes.
        int available = have - consumed, bodyHere = 0;
        if (r.Framing == BodyFraming.ContentLength)
        {
            bodyHere = (int)Math.Min(available, r.ContentLength);
            x.BodyLeft = r.ContentLength - bodyHere;
        }
        else if (r.Framing == BodyFraming.Chunked)
        {
            bodyHere = x.BodyChunks.Scan(_in.AsSpan(consumed, available));
            if (bodyHere < 0 || (TConfig.LimitRequestBody > 0 && x.BodyChunks.Data > TConfig.LimitRequestBody))
            {
                x.Dispose();
                return Refuse(c, bodyHere < 0 ? 400 : 413, ref have, consumed);
            }
            x.BodyChunked = !x.BodyChunks.Done;
        }
        // The request is written into the exchange's buffer, free until the response comes; one
        // that came with much of its body takes a larger buffer (the head grows by what is added).
        int room = r.HeadLength + facts.Target.Length + facts.Host.Length + facts.ClientAddress.Length + facts.ForwardedHost.Length + facts.ForwardedServer.Length + 256 + bodyHere;
        if (room > x.Buffer.Length) x.Grow(room);
        int headLength = WriteBackendHead(x, _in.AsSpan(0, r.HeadLength), facts, x.Buffer.AsSpan(0, x.Buffer.Length - bodyHere));
        if (headLength < 0)
        {
            // A head near the receive buffer's size, with what the proxy adds, does not fit the relay buffer.
            x.Dispose();
            return Refuse(c, 400, ref have, consumed);
        }
        _in.AsSpan(consumed, bodyHere).CopyTo(x.Buffer.AsSpan(headLength));
        x.HeadLength = headLength;
        x.RequestLength = headLength + bodyHere;
        x.ReceivedBytes = r.HeadLength + bodyHere;
        consumed += bodyHere;
        if (have > consumed) x.Pipelined = _in.AsSpan(consumed, have - consumed).ToArray(); // only once the body is whole
        have = 0;
        c.ProtocolState = x;
        return ContinueProxy(c, x, ref have);
    }

    /// <summary>Answers a proxied path without the backend (403, 400, 503); true when a pipelined request follows.</summary>
    private bool Refuse(Connection c, int status, ref int have, int consumed)
    {
        HttpRequest r = _request;
        _closing = r.HasBody; // its body is not read: the connection closes after the answer
        ResponsePlan plan = ErrorPlan(c, r, status);
        _closing = false;
        return Finish(c, ref plan, ref have, r.HasBody ? have : consumed);
    }

    /// <summary>
    /// Drives the exchange as far as it goes now; true when it ended with the connection kept and
    /// a pipelined request in <paramref name="have"/> bytes of the receive buffer, else
    /// <see cref="_next"/> says where the connection waits.
    /// </summary>
    private bool ContinueProxy(Connection c, ProxyExchange x, ref int have)
    {
        _score->Status = WorkerStatus.Write;
        _place = x.Place; // a later turn: the worker may have answered others meanwhile
        c.Upstream = -1; // each wait names what it waits on
        c.UpstreamEvents = 0;
        if (Drive(c, x) is NextStep next)
        {
            _next = next;
            return false;
        }
        c.ProtocolState = null;
        x.Dispose();
        if (x.Pipelined is byte[] pipelined)
        {
            pipelined.CopyTo(_in, 0);
            have = pipelined.Length;
            return true;
        }
        _score->Status = WorkerStatus.KeepAlive;
        _next = NextStep.AwaitInput;
        return false;
    }

    /// <summary>One step after another until something must be waited for (a <see cref="NextStep"/>), or the exchange ends with the connection kept (null).</summary>
    private NextStep? Drive(Connection c, ProxyExchange x)
    {
        byte[] buffer = x.Buffer;
        while (true)
        {
            switch (x.Step)
            {
                case ProxyStep.Connecting:
                {
                    if (x.Link is null)
                    {
                        long now = Environment.TickCount64;
                        if (!x.Retried && x.Backend.TakeIdle(now) is BackendLink idle)
                        {
                            x.Link = idle;
                            x.Reused = true;
                            x.Step = ProxyStep.SendingRequest;
                            continue;
                        }
                        int fd = BackendSocket.Connect(x.Backend.Address, x.Backend.KeepAlive, out bool pending);
                        if (fd < 0) return ConnectFailed(c, x, -fd);
                        System.Threading.Interlocked.Increment(ref x.Backend.Opened);
                        x.Link = new BackendLink(fd, now);
                        x.Reused = false;
                        if (pending) return AwaitBackend(c, x, Epoll.Out, x.Backend.ConnectTimeout);
                    }
                    else if (BackendSocket.ConnectResult(x.Link.Fd) is int failed and not 0)
                    {
                        return ConnectFailed(c, x, failed);
                    }
                    x.Step = ProxyStep.SendingRequest;
                    continue;
                }
                case ProxyStep.SendingRequest:
                {
                    if (SendToBackend(c, x, ref x.RequestSent, x.RequestLength) is NextStep waitToSend) return waitToSend;
                    x.Link!.Requests++;
                    if (x.BodyLeft > 0 || x.BodyChunked)
                    {
                        x.Step = ProxyStep.StreamingBody;
                        x.Have = x.Sent = 0;
                        x.Retriable = false; // the body is the client's and is not kept: it cannot be sent again
                        if (x.ExpectContinue)
                        {
                            SendInterimContinue(c); // the client waits for our word before sending the body (RFC 9110 §10.1.1)
                            x.ExpectContinue = false;
                        }
                    }
                    else
                    {
                        // The backend has not answered a request it got microseconds ago: wait for
                        // its answer in the pollset rather than ask the socket first (nginx waits too).
                        x.Step = ProxyStep.ReadingHead;
                        x.Have = 0;
                        return AwaitBackend(c, x, Epoll.In, x.Backend.Timeout);
                    }
                    continue;
                }
                case ProxyStep.StreamingBody:
                {
                    if (x.Sent == x.Have)
                    {
                        if (x.BodyLeft == 0 && !x.BodyChunked)
                        {
                            x.Step = ProxyStep.ReadingHead;
                            x.Have = x.Sent = 0;
                            continue;
                        }
                        x.Have = x.Sent = 0;
                        // The backend may have answered already (a 413 from the head alone) or given up.
                        switch (BackendSocket.Pending(x.Link!.Fd))
                        {
                            case > 0:
                                if (EarlyAnswer(x)) continue;
                                break;
                            case 0:
                                return BackendFailed(c, x, "AH01084", "pass request body failed to " + x.Backend.Address + ": the backend closed the connection");
                        }
                        long n;
                        fixed (byte* p = buffer)
                        {
                            int want = x.BodyChunked ? buffer.Length : (int)Math.Min(buffer.Length, x.BodyLeft);
                            n = c.Transport.Receive(c, p, want);
                        }
                        if (n == ITransport.WouldBlock)
                        {
                            // The client is slow to send its body: it is awaited in the pollset
                            // (mod_reqtimeout's body stage), and so is the backend's early answer.
                            c.InputDeadline = Environment.TickCount64 + (TConfig.RequestReadBodyTimeout > 0 ? TConfig.RequestReadBodyTimeout * 1000L : TConfig.TimeoutMilliseconds);
                            c.Upstream = x.Link.Fd;
                            c.UpstreamEvents = Epoll.In;
                            _score->Status = WorkerStatus.Ready;
                            return NextStep.AwaitRest;
                        }
                        if (n <= 0) return NextStep.Close; // the client left mid-body: the backend's connection goes with the exchange
                        x.ReceivedBytes += n;
                        int body = (int)n;
                        if (x.BodyChunked)
                        {
                            body = x.BodyChunks.Scan(buffer.AsSpan(0, (int)n));
                            if (body < 0) return ProxyError(c, x, 400, null, null);
                            // LimitRequestBody counts a chunked body's data as it comes (a known length was checked before).
                            if (TConfig.LimitRequestBody > 0 && x.BodyChunks.Data > TConfig.LimitRequestBody) return ProxyError(c, x, 413, null, null);
                            x.BodyChunked = !x.BodyChunks.Done;
                            if (body < n) x.Pipelined = buffer.AsSpan(body, (int)n - body).ToArray();
                        }
                        else
                        {
                            x.BodyLeft -= n;
                        }
                        x.Have = body;
                    }
                    if (SendToBackend(c, x, ref x.Sent, x.Have) is NextStep waitToRelay) return waitToRelay;
                    continue;
                }
                case ProxyStep.ReadingHead:
                {
                    if (!x.Unparsed)
                    {
                        long n;
                        fixed (byte* p = buffer) n = Sys.Recv(x.Link!.Fd, p + x.Have, buffer.Length - x.Have);
                        if (n < 0 && Sys.WouldBlock(Sys.Errno)) return AwaitBackend(c, x, Epoll.In, x.Backend.Timeout);
                        if (n <= 0)
                        {
                            // Closed (or reset) before a whole head: on a reused connection with nothing
                            // received, the backend closed it as the request went out (its keep-alive
                            // timeout): a request that may be sent again is, once, on a new connection.
                            if (x.Have == 0 && x.Reused && x.Retriable && !x.Retried) return Retry(c, x);
                            return BackendFailed(c, x, "AH01102", "error reading status line from remote server " + x.Backend.Address);
                        }
                        x.Have += (int)n;
                    }
                    x.Unparsed = false;
                    while (true)
                    {
                        int parsed = x.Response.Parse(buffer.AsSpan(0, x.Have), x.MethodHead);
                        if (parsed == 0)
                        {
                            if (x.Have == buffer.Length) return BackendFailed(c, x, "AH01102", "the response head from " + x.Backend.Address + " is larger than " + buffer.Length + " bytes");
                            break;
                        }
                        if (parsed < 0) return BackendFailed(c, x, "AH01102", "error reading status line from remote server " + x.Backend.Address + ": malformed response head");
                        if (x.Response.Status >= 200)
                        {
                            if (TConfig.ProxyErrorOverride && x.Response.Status >= 400 && Overridden(x.Response.Status)) return OverrideError(c, x);
                            if (SendResponseHead(c, x) is NextStep stop) return stop;
                            break; // on to Relaying
                        }
                        // An interim answer (100, 103): the client is not told; the final one follows.
                        if (x.Response.Status == 101)
                        {
                            if (x.Upgrade.Length > 0) return SwitchProtocols(c, x);
                            return BackendFailed(c, x, "AH01102", "the backend switched protocols the client did not ask for through this route (ProxyPass upgrade=)");
                        }
                        int rest = x.Have - x.Response.HeadLength;
                        Buffer.BlockCopy(buffer, x.Response.HeadLength, buffer, 0, rest);
                        x.Have = rest;
                    }
                    continue;
                }
                case ProxyStep.Relaying:
                {
                    if (x.Sent < x.Have)
                    {
                        if (SendBody(c, x) is NextStep wait) return wait;
                    }
                    if (BodyComplete(x)) return FinishProxy(c, x);
                    long n;
                    fixed (byte* p = buffer)
                    {
                        int want = x.Response.Framing == ResponseFraming.ContentLength ? (int)Math.Min(buffer.Length, x.ResponseLeft) : buffer.Length;
                        n = Sys.Recv(x.Link!.Fd, p, want);
                    }
                    if (n < 0 && Sys.WouldBlock(Sys.Errno)) return AwaitBackend(c, x, Epoll.In, x.Backend.Timeout);
                    if (n <= 0)
                    {
                        if (x.Response.Framing == ResponseFraming.UntilClose)
                        {
                            x.LinkSpoiled = true;
                            x.ResponseLeft = 0;
                            return FinishProxy(c, x);
                        }
                        // The backend stopped mid-body: the client must see the response cut, not complete.
                        Logging.ErrorLog.Error("proxy", "AH01110", "error reading response: the backend " + x.Backend.Address + " closed the connection before the body's end");
                        return NextStep.Close;
                    }
                    TakeBody(x, 0, (int)n);
                    if (x.Have < 0) return NextStep.Close; // malformed chunked framing from the backend: cut
                    continue;
                }
                case ProxyStep.Tunnel:
                    return Tunnel(c, x);
                default:
                    return FinishProxy(c, x);
            }
        }
    }

    /// <summary>
    /// The protocol the client asks to switch to (Upgrade, with Connection: Upgrade), when the
    /// route allows it (upgrade=websocket, or upgrade=ANY as mod_proxy_http has it); else empty.
    /// </summary>
    private static string UpgradeAsked(ReadOnlySpan<byte> head, string allowed)
    {
        ReadOnlySpan<byte> fields = head.Slice(head.IndexOf((byte)'\n') + 1);
        ReadOnlySpan<byte> asked = ProxyRequestHead.Value(fields, "Upgrade"u8);
        if (asked.IsEmpty || !ProxyRequestHead.NamedByConnection(fields, "Upgrade"u8)) return "";
        string protocol = Encoding.ASCII.GetString(asked);
        return allowed == "any" || protocol.Equals(allowed, StringComparison.OrdinalIgnoreCase) ? protocol : "";
    }

    /// <summary>
    /// 101 Switching Protocols (RFC 9110 §15.2.2): the head goes to the client with its Connection
    /// and Upgrade fields, the request is counted and logged as httpd logs it, and from here the
    /// connection is a tunnel (<see cref="Tunnel"/>); bytes the backend sent after the head go first.
    /// </summary>
    private NextStep? SwitchProtocols(Connection c, ProxyExchange x)
    {
        BackendResponse b = x.Response;
        byte[] buffer = x.Buffer;
        var w = new HeadWriter(_out);
        w.Append("HTTP/1.1 101 "u8);
        w.Append(buffer.AsSpan(b.ReasonStart, b.ReasonLength));
        w.Append("\r\n"u8);
        for (ReadOnlySpan<byte> fields = buffer.AsSpan(b.FieldsStart, b.FieldsEnd - b.FieldsStart); fields.Length > 0;)
        {
            int end = fields.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = fields.Slice(0, end);
            fields = fields.Slice(end + 2);
            ReadOnlySpan<byte> name = line.Slice(0, line.IndexOf((byte)':'));
            if (Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8) || Ascii.EqualsIgnoreCase(name, "Proxy-Connection"u8) || Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)) continue;
            if (w.Length + line.Length + 4 > _out.Length) return BackendFailed(c, x, "AH01102", "the 101 head from " + x.Backend.Address + " is too large");
            w.Append(line);
            w.Append("\r\n"u8);
        }
        w.End();
        int rest = x.Have - b.HeadLength;
        Buffer.BlockCopy(buffer, b.HeadLength, buffer, 0, rest);
        x.Have = rest;
        x.Sent = 0;
        x.UpHave = x.UpSent = 0;
        x.Step = ProxyStep.Tunnel;
        x.HeadSent = true;
        x.LinkSpoiled = true; // a tunnel's connection is never pooled
        c.Served++;
        long micros = RecordServed(0, x.Started);
        LogRequest(c, x.LogHead, 101, 0, w.Length, x.ReceivedBytes, keepAlive: false, micros);

        long sent;
        fixed (byte* head = _out)
        fixed (byte* body = buffer)
        {
            sent = c.Transport.Send(c, head, w.Length, body, x.Have);
        }
        if (sent < 0 && sent != ITransport.WouldBlock) return NextStep.Close;
        long done = Math.Max(0, sent);
        if (done >= w.Length + x.Have)
        {
            x.Sent = x.Have;
            return Tunnel(c, x);
        }
        int headSent = (int)Math.Min(done, w.Length);
        c.Output.Keep(_out.AsSpan(headSent, w.Length - headSent), buffer, (int)(done - headSent), x.Have - (int)(done - headSent), -1, null, 0, 0);
        x.Sent = x.Have;
        _score->Status = WorkerStatus.Ready;
        return NextStep.AwaitWrite;
    }

    /// <summary>
    /// A tunnel (mod_proxy_http's after an upgrade, here in the pollset): whatever either side
    /// sends is relayed to the other as it comes, each direction in its half of the buffer. A
    /// full side is waited for (write completion for the client, the backend's socket for the
    /// backend); when neither has anything, the connection waits for both in the pollset with its
    /// buffer given back, until the backend's timeout passes idle. Either side's close ends it.
    /// </summary>
    private NextStep? Tunnel(Connection c, ProxyExchange x)
    {
        x.TakeBuffer();
        int half = x.Half;
        while (true)
        {
            if (x.Sent < x.Have)
            {
                long n;
                fixed (byte* p = x.Buffer) n = c.Transport.Send(c, p + x.Sent, x.Have - x.Sent);
                if (n < 0 && n != ITransport.WouldBlock) return NextStep.Close;
                if (n > 0) x.Sent += (int)n;
                if (x.Sent < x.Have)
                {
                    c.Output.Keep(default, x.Buffer, x.Sent, x.Have - x.Sent, -1, null, 0, 0);
                    x.Sent = x.Have;
                    _score->Status = WorkerStatus.Ready;
                    return NextStep.AwaitWrite;
                }
            }
            if (x.UpSent < x.UpHave)
            {
                int sent = half + x.UpSent;
                NextStep? wait = SendToBackend(c, x, ref sent, half + x.UpHave);
                x.UpSent = sent - half;
                if (wait is NextStep step) return step == NextStep.AwaitUpstream ? step : NextStep.Close;
            }
            bool moved = false;
            long got;
            fixed (byte* p = x.Buffer) got = Sys.Recv(x.Link!.Fd, p, half);
            if (got > 0)
            {
                x.Have = (int)got;
                x.Sent = 0;
                moved = true;
            }
            else if (got == 0 || !Sys.WouldBlock(Sys.Errno))
            {
                return NextStep.Linger; // the backend closed: so does the client's side, after what it was sent
            }
            fixed (byte* p = x.Buffer) got = c.Transport.Receive(c, p + half, x.Buffer.Length - half);
            if (got > 0)
            {
                x.UpHave = (int)got;
                x.UpSent = 0;
                moved = true;
            }
            else if (got != ITransport.WouldBlock)
            {
                return NextStep.Close; // the client closed: the backend's connection closes with the exchange
            }
            if (moved) continue;
            // Both quiet: wait for either, holding neither a worker nor a buffer.
            x.ReleaseBuffer();
            c.Upstream = x.Link.Fd;
            c.UpstreamEvents = Epoll.In;
            c.InputDeadline = Environment.TickCount64 + x.Backend.Timeout;
            _score->Status = WorkerStatus.Ready;
            return NextStep.AwaitRest;
        }
    }

    /// <summary>Sends the buffer's bytes from <paramref name="sent"/> to <paramref name="end"/> to the backend; null when all went, else where the exchange waits or how it ended.</summary>
    private NextStep? SendToBackend(Connection c, ProxyExchange x, ref int sent, int end)
    {
        fixed (byte* p = x.Buffer)
        {
            while (sent < end)
            {
                long n = Sys.Send(x.Link!.Fd, p + sent, end - sent);
                if (n > 0)
                {
                    sent += (int)n;
                    continue;
                }
                if (n < 0 && Sys.WouldBlock(Sys.Errno)) return AwaitBackend(c, x, Epoll.Out, x.Backend.Timeout);
                return BackendFailed(c, x, "AH01084", "pass request body failed to " + x.Backend.Address + ": " + Sys.Describe(Sys.Errno));
            }
        }
        return null;
    }

    /// <summary>Counts <paramref name="length"/> bytes of the response body at <paramref name="start"/> of the buffer as read: what belongs to the body is what is relayed.</summary>
    private static void TakeBody(ProxyExchange x, int start, int length)
    {
        int body = length;
        switch (x.Response.Framing)
        {
            case ResponseFraming.ContentLength:
                body = (int)Math.Min(length, x.ResponseLeft);
                x.ResponseLeft -= body;
                break;
            case ResponseFraming.Chunked:
                // An HTTP/1.1 client takes the chunks as the backend framed them; an HTTP/1.0 one
                // gets their data alone, ended by the close.
                int data = 0;
                body = x.ClientHttp11 ? x.ResponseChunks.Scan(x.Buffer.AsSpan(start, length)) : x.ResponseChunks.Decode(x.Buffer.AsSpan(start, length), out data);
                if (body >= 0 && !x.ClientHttp11)
                {
                    if (body < length) x.LinkSpoiled = true;
                    if (start != 0 && data > 0) Buffer.BlockCopy(x.Buffer, start, x.Buffer, 0, data);
                    x.Sent = 0;
                    x.Have = data;
                    x.BodyBytes += data;
                    return;
                }
                if (body < 0)
                {
                    Logging.ErrorLog.Error("proxy", "AH01110", "error reading response: malformed chunked body from " + x.Backend.Address);
                    x.Have = -1;
                    return;
                }
                break;
            case ResponseFraming.None:
                body = 0;
                break;
        }
        if (body < length) x.LinkSpoiled = true; // bytes after the response: the connection is not in step any more
        if (start != 0 && body > 0) Buffer.BlockCopy(x.Buffer, start, x.Buffer, 0, body);
        x.Sent = 0;
        x.Have = body;
        x.BodyBytes += body;
    }

    private static bool BodyComplete(ProxyExchange x) => x.Response.Framing switch
    {
        ResponseFraming.None => true,
        ResponseFraming.ContentLength => x.ResponseLeft == 0,
        ResponseFraming.Chunked => x.ResponseChunks.Done,
        _ => false,
    };

    /// <summary>The client's response head from the backend's (and the body bytes that came with it); a <see cref="NextStep"/> when the client must be waited for.</summary>
    private NextStep? SendResponseHead(Connection c, ProxyExchange x)
    {
        BackendResponse b = x.Response;
        byte[] buffer = x.Buffer;
        // An answer whose end is the backend's close is relayed as such: the client's connection closes after it too.
        x.ClientKeepAlive = x.ClientMayKeepAlive && b.Framing != ResponseFraming.UntilClose && !StatusText.DropsConnection(b.Status)
            && (b.Framing != ResponseFraming.Chunked || x.ClientHttp11);
        var w = new HeadWriter(_out);
        w.Append("HTTP/1.1 "u8);
        w.Number(b.Status);
        w.Append(" "u8);
        w.Append(buffer.AsSpan(b.ReasonStart, b.ReasonLength));
        w.Append("\r\n"u8);
        if (!CopyFields(ref w, x, buffer.AsSpan(b.FieldsStart, b.FieldsEnd - b.FieldsStart)))
        {
            return BackendFailed(c, x, "AH01102", "the response head from " + x.Backend.Address + " does not fit the " + _out.Length + " bytes a head may take");
        }
        if (b.Framing == ResponseFraming.Chunked && x.ClientHttp11) w.Field("Transfer-Encoding"u8, "chunked"u8);
        ApplyHeaders(ref w, error: false); // a backend's answer, whatever its status, is not this server's error (mod_headers' onsuccess acts on it)
        ResponseHead<TConfig>.End(ref w, x.ClientAskedKeepAlive, x.ClientKeepAlive, x.KeepAliveLeft);
        x.ResponseLeft = b.Framing == ResponseFraming.ContentLength ? b.ContentLength : 0;
        x.Step = ProxyStep.Relaying;
        x.HeadSent = true;
        int rest = x.Have - b.HeadLength;
        TakeBody(x, b.HeadLength, rest);
        if (x.Have < 0) return NextStep.Close;
        if (x.MethodHead) x.Have = 0;

        // The head and the first body bytes in one write when they fit.
        int headLength = w.Length;
        long sent;
        fixed (byte* head = _out)
        fixed (byte* body = buffer)
        {
            sent = c.Transport.Send(c, head, headLength, body, x.Have);
        }
        if (sent < 0 && sent != ITransport.WouldBlock) return NextStep.Close;
        long done = Math.Max(0, sent);
        x.SentBytes += done;
        if (done >= headLength + x.Have)
        {
            x.Sent = x.Have;
            return null;
        }
        int headSent = (int)Math.Min(done, headLength);
        int bodySent = (int)(done - headSent);
        c.Output.Keep(_out.AsSpan(headSent, headLength - headSent), buffer, bodySent, x.Have - bodySent, -1, null, 0, 0);
        x.SentBytes += headLength - headSent + x.Have - bodySent; // write completion sends the rest
        x.Sent = x.Have;
        _score->Status = WorkerStatus.Ready;
        return NextStep.AwaitWrite;
    }

    /// <summary>The statuses ProxyErrorOverride names (none: every 4xx and 5xx).</summary>
    private static readonly int[] s_overridden = Array.ConvertAll(TConfig.ProxyErrorOverrideStatuses.Split(' ', StringSplitOptions.RemoveEmptyEntries), int.Parse);

    private static bool Overridden(int status) => s_overridden.Length == 0 || Array.IndexOf(s_overridden, status) >= 0;

    /// <summary>
    /// ProxyErrorOverride (mod_proxy_http.c: ap_proxy_http_process_response()): a backend's error
    /// is answered as this server's own, its status with this server's error page. The backend's
    /// body is not read, so its connection is kept only when no body follows the head.
    /// </summary>
    private NextStep? OverrideError(Connection c, ProxyExchange x)
    {
        BackendResponse b = x.Response;
        int status = b.Status;
        bool wholeInBuffer = b.Framing == ResponseFraming.None
            || (b.Framing == ResponseFraming.ContentLength && x.Have - b.HeadLength == b.ContentLength);
        x.LinkSpoiled |= !wholeInBuffer;
        x.ClientKeepAlive = x.ClientMayKeepAlive && !StatusText.DropsConnection(status);
        HeadWriter w = ErrorHead(c, ref status, out byte[] page, x.ClientHost); // httpd answers with the place's ErrorDocument
        ResponseHead<TConfig>.End(ref w, x.ClientAskedKeepAlive, x.ClientKeepAlive, x.KeepAliveLeft);
        if (!x.MethodHead)
        {
            w.Append(page);
            x.BodyBytes = page.Length;
        }
        x.HeadSent = true;
        x.Step = ProxyStep.Done;
        x.Have = x.Sent = 0;
        int length = w.Length;
        long sent;
        fixed (byte* head = _out) sent = c.Transport.Send(c, head, length);
        if (sent < 0 && sent != ITransport.WouldBlock) return NextStep.Close;
        x.SentBytes += length;
        int done = (int)Math.Max(0, sent);
        if (done == length) return FinishProxy(c, x);
        c.Output.Keep(_out.AsSpan(done, length - done), null, 0, 0, -1, null, 0, 0); // write completion sends the rest, then FinishProxy
        _score->Status = WorkerStatus.Ready;
        return NextStep.AwaitWrite;
    }

    /// <summary>
    /// The backend's fields for the client: all but the hop-by-hop ones (RFC 9110 §7.6.1) and
    /// Transfer-Encoding (written again for a chunked body), with ProxyPassReverse applied to
    /// Location, Content-Location and URI; false when they do not fit the head buffer.
    /// </summary>
    private bool CopyFields(ref HeadWriter w, ProxyExchange x, ReadOnlySpan<byte> fields)
    {
        for (ReadOnlySpan<byte> rest = fields; rest.Length > 0;)
        {
            int end = rest.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = rest.Slice(0, end);
            rest = rest.Slice(end + 2);
            int colon = line.IndexOf((byte)':');
            ReadOnlySpan<byte> name = line.Slice(0, colon);
            ReadOnlySpan<byte> value = line.Slice(colon + 1).Trim(" \t"u8);
            if (IsHopByHop(name) || ProxyRequestHead.NamedByConnection(fields, name)) continue;
            if (w.Length + line.Length + 512 > _out.Length) return false;
            if (_site.Proxy!.HasReverse && (Ascii.EqualsIgnoreCase(name, "Location"u8) || Ascii.EqualsIgnoreCase(name, "Content-Location"u8) || Ascii.EqualsIgnoreCase(name, "URI"u8))
                && _site.Proxy.ReverseMap(Encoding.Latin1.GetString(value), ClientOrigin(x)) is string mapped)
            {
                w.Field(name, mapped);
                continue;
            }
            w.Append(line);
            w.Append("\r\n"u8);
        }
        return true;
    }

    private static bool IsHopByHop(ReadOnlySpan<byte> name)
        => Ascii.EqualsIgnoreCase(name, "Connection"u8) || Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8) || Ascii.EqualsIgnoreCase(name, "Proxy-Connection"u8)
        || Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8) || Ascii.EqualsIgnoreCase(name, "Upgrade"u8) || Ascii.EqualsIgnoreCase(name, "TE"u8);

    /// <summary>scheme://host[:port] as the client reached this server (its Host, else ServerName), for ProxyPassReverse.</summary>
    private string ClientOrigin(ProxyExchange x)
        => (x.Secure ? "https://" : "http://") + (x.ClientHost.Length > 0 ? x.ClientHost : _site.ServerName.Length > 0 ? _site.ServerName : "localhost");

    /// <summary>Sends the body bytes read; a full client socket leaves them to write completion (the backend is not read meanwhile).</summary>
    private NextStep? SendBody(Connection c, ProxyExchange x)
    {
        long n;
        fixed (byte* p = x.Buffer) n = c.Transport.Send(c, p + x.Sent, x.Have - x.Sent);
        if (n < 0 && n != ITransport.WouldBlock) return NextStep.Close;
        if (n > 0)
        {
            x.Sent += (int)n;
            x.SentBytes += n;
        }
        if (x.Sent == x.Have) return null;
        c.Output.Keep(default, x.Buffer, x.Sent, x.Have - x.Sent, -1, null, 0, 0);
        x.SentBytes += x.Have - x.Sent;
        x.Sent = x.Have;
        _score->Status = WorkerStatus.Ready;
        return NextStep.AwaitWrite;
    }

    /// <summary>The backend has answered: its connection goes back to the pool when it can carry another, the request is counted and logged.</summary>
    private NextStep? FinishProxy(Connection c, ProxyExchange x)
    {
        long now = Environment.TickCount64;
        if (x.Link is BackendLink link)
        {
            if (!x.LinkSpoiled && !x.Response.Closes) x.Backend.GiveBack(link, now, x.Response.KeepAliveTimeout);
            else link.Close();
            x.Link = null;
        }
        x.Step = ProxyStep.Done;
        c.Served++;
        long micros = RecordServed(x.BodyBytes, x.Started);
        LogRequest(c, x.LogHead, x.Response.Status, x.BodyBytes, x.SentBytes, x.ReceivedBytes, x.ClientKeepAlive, micros);
        if (x.ClientKeepAlive) return null;
        _score->Status = WorkerStatus.Closing;
        return NextStep.Linger;
    }

    /// <summary>Waits for the backend socket (to connect, to take more, to answer) in the pollset, until the backend's timeout.</summary>
    private NextStep AwaitBackend(Connection c, ProxyExchange x, uint events, int timeout)
    {
        c.Upstream = x.Link!.Fd;
        c.UpstreamEvents = events;
        c.InputDeadline = Environment.TickCount64 + timeout;
        _score->Status = WorkerStatus.Ready;
        return NextStep.AwaitUpstream;
    }

    private NextStep? ConnectFailed(Connection c, ProxyExchange x, int errno)
    {
        long now = Environment.TickCount64;
        x.Backend.MarkFailed(now);
        // mod_proxy's words, and its status: a backend that cannot be reached is unavailable.
        string message = "http: attempt to connect to " + x.Backend.Address + " (" + x.Backend.Url.Host + ") failed: " + Sys.Describe(errno);
        if (x.Destination.Balancer is not Balancer balancer || x.ClientHead is null) return ProxyError(c, x, 503, "AH00957", message);

        // mod_proxy_balancer's failover: the request, not sent yet, goes to another member.
        Logging.ErrorLog.Error("proxy", "AH00957", message);
        x.Tried |= balancer.Bit(x.Backend);
        if (x.Attempts >= balancer.MaxAttempts || balancer.Pick(now, x.Tried) is not Backend next)
        {
            return ProxyError(c, x, 503, "AH01170", balancer.Name + ": All workers are in error state");
        }
        x.Attempts++;
        x.Link?.Close();
        x.Link = null;
        x.MoveTo(next);
        return RewriteHead(x) ? Drive(c, x) : ProxyError(c, x, 400, null, null);
    }

    /// <summary>The backend request's head, with the RequestHeader rules of the request's place applied to its fields; -1 when it does not fit.</summary>
    private static int WriteBackendHead(ProxyExchange x, ReadOnlySpan<byte> clientHead, in ProxyRequestFacts facts, Span<byte> destination)
    {
        int length = ProxyRequestHead.Write(clientHead, facts, destination);
        if (length < 0 || x.Place.Headers is not { HasRequest: true } rules) return length;
        int fieldsEnd = length - 2; // before the blank line
        int end = rules.Request(destination, destination.IndexOf("\r\n"u8) + 2, fieldsEnd, destination.Length - 2);
        "\r\n"u8.CopyTo(destination.Slice(end));
        return end + 2;
    }

    /// <summary>
    /// Writes the backend request's head again for the member the request moved to (its Host and
    /// path), ahead of the body bytes that came with the client's head; false when it does not fit.
    /// </summary>
    private bool RewriteHead(ProxyExchange x)
    {
        Backend backend = x.Backend;
        string upgrade = backend.Upgrade.Length > 0 ? UpgradeAsked(x.ClientHead, backend.Upgrade) : "";
        x.Upgrade = upgrade;
        x.Facts = x.Facts with
        {
            Target = MapTarget(x.Destination.TargetPath(backend), x.PathRest, x.Query),
            Host = TConfig.ProxyPreserveHost && x.ClientHost.Length > 0 ? x.ClientHost : backend.Url.Authority,
            Upgrade = upgrade,
        };
        byte[] body = x.Buffer.AsSpan(x.HeadLength, x.RequestLength - x.HeadLength).ToArray();
        int headLength = WriteBackendHead(x, x.ClientHead, x.Facts, x.Buffer.AsSpan(0, x.Buffer.Length - body.Length));
        if (headLength < 0) return false;
        body.CopyTo(x.Buffer.AsSpan(headLength));
        x.HeadLength = headLength;
        x.RequestLength = headLength + body.Length;
        x.RequestSent = 0;
        return true;
    }

    private NextStep? BackendFailed(Connection c, ProxyExchange x, string code, string message)
    {
        if (x.Step is ProxyStep.SendingRequest or ProxyStep.StreamingBody && EarlyAnswer(x)) return Drive(c, x);
        if (!x.HeadSent && x.Reused && x.Retriable && !x.Retried && x.Step is ProxyStep.SendingRequest) return Retry(c, x);
        return ProxyError(c, x, 502, code, message);
    }

    /// <summary>
    /// A backend that stopped taking the request may have answered it already (a 413 or a 401
    /// before reading the upload, then closing): what it sent is read and relayed, and the
    /// client's connection closes after it, the rest of its body unread (lingering close drains it).
    /// </summary>
    private static bool EarlyAnswer(ProxyExchange x)
    {
        long n;
        fixed (byte* p = x.Buffer) n = Sys.Recv(x.Link!.Fd, p, x.Buffer.Length);
        if (n <= 0) return false;
        x.Step = ProxyStep.ReadingHead;
        x.Have = (int)n;
        x.Sent = 0;
        x.Unparsed = true;
        x.Retriable = false;
        x.ClientMayKeepAlive = false;
        x.LinkSpoiled = true;
        return true;
    }

    /// <summary>The fix for the keep-alive race: the same request once more, on a new connection.</summary>
    private NextStep? Retry(Connection c, ProxyExchange x)
    {
        System.Threading.Interlocked.Increment(ref x.Backend.Retried);
        x.Link?.Close();
        x.Link = null;
        x.Retried = true;
        x.RequestSent = 0;
        x.Have = x.Sent = 0;
        x.Step = ProxyStep.Connecting;
        return Drive(c, x);
    }

    /// <summary>
    /// The exchange failed: before the response head, the client is answered <paramref name="status"/>
    /// and the connection closes (its request may be half-sent); after it, the response is cut.
    /// </summary>
    private NextStep ProxyError(Connection c, ProxyExchange x, int status, string? code, string? message)
    {
        if (code is not null) Logging.ErrorLog.Error("proxy", code, message!);
        c.ProtocolState = null;
        x.Dispose();
        if (x.HeadSent) return NextStep.Close;
        _headCopy = x.LogHead;
        return SendError(c, status);
    }

    /// <summary>The backend's target: its URL's path, then the rest of the client's path (encoded again, as mod_proxy's ap_proxy_canonenc()), then the client's query as sent.</summary>
    private static string MapTarget(string backendPath, string rest, string query)
    {
        var target = new StringBuilder(backendPath.Length + rest.Length + query.Length + 8);
        target.Append(backendPath);
        if (backendPath.EndsWith('/') && rest.StartsWith('/')) rest = rest.Substring(1);
        RequestPath.Escape(rest, target);
        if (target.Length == 0 || target[0] != '/') target.Insert(0, '/');
        target.Append(query);
        return target.ToString();
    }
}
