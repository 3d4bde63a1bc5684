using System;
using EventMpm.Hosting;
using EventMpm.Http;
using EventMpm.Native;
using EventMpm.Scoreboard;
using Tmds.Linux;

namespace EventMpm.Event;

/// <summary>
/// A worker's HTTP/1.1 side: reads requests from the connection it owns, answers them from
/// DocumentRoot, answers pipelined requests in order without going back to the pollset, and
/// hands the connection back to the engine to wait (keep-alive, write completion) or to close.
/// One per worker thread, so its buffers are reused and nothing is allocated per request.
/// </summary>
internal sealed unsafe partial class HttpSession<TConfig> where TConfig : struct, IServerConfig
{
    /// <summary>The receive buffer: a request head must fit (httpd's defaults allow 8190 per line).</summary>
    private const int ReceiveSize = 64 * 1024;

    /// <summary>Response heads and the small bodies of error responses.</summary>
    private const int SendSize = 16 * 1024;

    /// <summary>The longest chunk-size line or trailer field accepted in a chunked body.</summary>
    private const int MaxChunkLine = 4096;

    private static readonly HeadLimits s_limits = new(TConfig.LimitRequestLine, TConfig.LimitRequestFieldSize, TConfig.LimitRequestFields);

    private readonly ChildEngine<TConfig> _engine;
    private readonly HttpSite _site;
    private readonly byte[] _in = GC.AllocateArray<byte>(ReceiveSize, pinned: true);
    private readonly byte[] _out = GC.AllocateArray<byte>(SendSize, pinned: true);
    private readonly HttpRequest _request = new();
    private readonly WorkerBatchState _batch;
    private readonly WorkerScore* _score;
    private long _requestStarted;
    private readonly Logging.LineBuffer[] _logLines;
    /// <summary>The head for the access log when reading the body may overwrite the receive buffer.</summary>
    private ReadOnlyMemory<byte>? _headCopy;

    /// <summary>Lines are handed to the log writer in blocks about this large (or when the worker goes idle).</summary>
    private const int LogBlock = 32 * 1024;
    private long _bodyStarted, _bodyReceived;

    /// <param name="score">This worker's scoreboard slot: its status letter and what it served.</param>
    public HttpSession(ChildEngine<TConfig> engine, HttpSite site, WorkerBatchState batch, WorkerScore* score)
    {
        _engine = engine;
        _site = site;
        _batch = batch;
        _score = score;
        _logLines = Array.ConvertAll(site.Logs, _ => new Logging.LineBuffer(LogBlock + 4096));
    }

    /// <summary>Hands the lines formatted so far to the log writers; the worker calls it before it waits for work.</summary>
    public void FlushLogs()
    {
        for (int i = 0; i < _logLines.Length; i++)
        {
            if (_logLines[i].Length != 0) HandOver(i);
        }
    }

    private void HandOver(int log)
    {
        _site.Logs[log].Submit(_logLines[log].Written);
        _logLines[log].Clear();
    }

    /// <summary>One access log line per CustomLog for a request answered; the head is at the start of the receive buffer.</summary>
    private void LogRequest(Connection c, ReadOnlySpan<byte> head, int status, long bodyBytes, long sentBytes, long receivedBytes, bool keepAlive, long microseconds)
    {
        if (_logLines.Length == 0) return;
        c.Client ??= Sys.PeerAddress(c.Fd);
        var facts = new Logging.RequestFacts
        {
            Head = head,
            Client = c.Client,
            Status = status,
            BodyBytes = bodyBytes,
            SentBytes = sentBytes,
            ReceivedBytes = receivedBytes,
            Microseconds = microseconds,
            KeepAlive = keepAlive,
            KeepAliveCount = Math.Max(0, c.Served - 1),
            ServerName = _site.VHost,
        };
        for (int i = 0; i < _logLines.Length; i++)
        {
            _site.Logs[i].Format.Append(_logLines[i], facts);
            if (_logLines[i].Length >= LogBlock) HandOver(i);
        }
    }

    private enum Sent { Done, Blocked, Failed }

    /// <summary>A response ready to go: its head (and small body) in <see cref="_out"/>, maybe a file range after it.</summary>
    private struct Plan
    {
        public int Status;
        public int Length;
        /// <summary>A body from the file cache, sent after the head with one writev.</summary>
        public byte[]? Body;
        public int BodyOffset, BodyLength;
        /// <summary>Or a file range, sent with sendfile; from a shared descriptor when <see cref="FileOwner"/> is set.</summary>
        public int File;
        public SharedDescriptor? FileOwner;
        public long FileOffset, FileLength;
        /// <summary>The file is a <see cref="PreparedResponse"/>: it begins with the head, which is sent with the body in one sendfile.</summary>
        public bool HeadInFile;
        public bool KeepAlive;
        /// <summary>What a streaming handler sent before the plan: all bytes, and the body's share.</summary>
        public long StreamedBytes, StreamedBody;
    }

    /// <summary>The status <see cref="MakePlan"/> gives a request a C# handler answers (the plan is made after it runs).</summary>
    private const int CodeHandlerStatus = -1;


    public void Serve(Connection c)
    {
        if (c.Served == 0 && !c.HasPendingOutput)
        {
            _score->ConnectionCount = 0;
            _score->ConnectionBytes = 0;
        }
        _score->Status = c.HasPendingOutput ? WorkerStatus.Write : WorkerStatus.Read;
        if (c.HasPendingOutput)
        {
            switch (ContinuePending(c))
            {
                case Sent.Blocked: _engine.ParkForWrite(c); return;
                case Sent.Failed: _engine.Close(c); return;
            }
            if (c.CloseAfterPending)
            {
                _engine.StartLinger(c, shortLinger: false);
                return;
            }
        }
        int have = 0;
        if (c.PendingInput is byte[] pending)
        {
            pending.CopyTo(_in, 0);
            have = pending.Length;
            c.PendingInput = null;
        }
        else
        {
            // A new head starts: a first request's time counts from the accept (mod_reqtimeout).
            c.HeadStartedAt = c.Served == 0 ? c.AcceptedAt : Environment.TickCount64;
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
                        if (!Respond(c, ref have)) return;
                        c.HeadStartedAt = Environment.TickCount64; // a pipelined head starts now
                        continue;
                    }
                    if (result == ParseResult.Error)
                    {
                        SendError(c, status);
                        return;
                    }
                    if (have == _in.Length)
                    {
                        SendError(c, 400);
                        return;
                    }
                }
                long n = Sys.Recv(c.Fd, buffer + have, _in.Length - have);
                if (n > 0)
                {
                    have += (int)n;
                    continue;
                }
                if (n == 0 || !Sys.WouldBlock(Sys.Errno))
                {
                    _engine.Close(c); // the client closed, or the connection failed
                    return;
                }
                if (have == 0)
                {
                    _engine.ParkForRead(c);
                    return;
                }
                // Part of a head has come: the rest is awaited in the pollset, not in this worker.
                c.PendingInput = _in.AsSpan(0, have).ToArray();
                _score->Status = WorkerStatus.Ready;
                _engine.ParkForHead(c, have);
                return;
            }
        }
    }

    /// <summary>Answers the parsed request; true when the connection stays with this worker for a pipelined request.</summary>
    private bool Respond(Connection c, ref int have)
    {
        HttpRequest r = _request;
        _requestStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        _score->Status = WorkerStatus.Write; // httpd's 'W' covers the handler's run, not only the sending
        if (TConfig.ExtendedStatus) RecordRequest(c, r);
        int consumed = r.HeadLength;
        bool hasBody = (r.Framing == BodyFraming.ContentLength && r.ContentLength > 0) || r.Framing == BodyFraming.Chunked;
        long limit = TConfig.LimitRequestBody;
        if (hasBody && r.Framing == BodyFraming.ContentLength && limit > 0 && r.ContentLength > limit)
        {
            SendError(c, 413); // known too large: refused before reading; lingering close drains it
            return false;
        }

        Plan plan = MakePlan(c, r);
        if (plan.Status == CodeHandlerStatus) return RunHandler(c, ref have, consumed);
        if (hasBody)
        {
            if (r.ExpectContinue)
            {
                if (plan.Status >= 400)
                {
                    // The client waits for our word before sending the body: answer and close.
                    plan.KeepAlive = false;
                    return Finish(c, ref plan, ref have, consumed: have);
                }
                SendInterimContinue(c);
            }
            if (_logLines.Length != 0) _headCopy = _in.AsSpan(0, r.HeadLength).ToArray(); // reading the body may move it
            int status = ConsumeBody(c, r, ref have, ref consumed);
            if (status != 0)
            {
                if (plan.File >= 0) SharedDescriptor.EndUse(plan.File, plan.FileOwner);
                if (status > 0) SendError(c, status);
                else _engine.Close(c);
                return false;
            }
        }
        return Finish(c, ref plan, ref have, consumed);
    }

    private bool Finish(Connection c, ref Plan plan, ref int have, int consumed)
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
            case Sent.Failed:
                _engine.Close(c);
                return false;
            case Sent.Blocked:
                c.CloseAfterPending = !plan.KeepAlive;
                if (have > 0 && plan.KeepAlive) c.PendingInput = _in.AsSpan(0, have).ToArray();
                _engine.ParkForWrite(c);
                return false;
        }
        if (!plan.KeepAlive)
        {
            _score->Status = WorkerStatus.Closing;
            _engine.StartLinger(c, shortLinger: false);
            return false;
        }
        if (have == 0)
        {
            _score->Status = WorkerStatus.KeepAlive;
            _engine.ParkForRead(c);
            return false;
        }
        _score->Status = WorkerStatus.Read;
        return true;
    }

    // ------------------------------------------------------------------ the scoreboard

    /// <summary>Counts a finished request in this worker's slot: single writer, no lock (as scoreboard.c: ap_increment_counts()).</summary>
    /// <returns>How long the request took, in microseconds, for the access log too.</returns>
    private long RecordServed(long bodyBytes)
    {
        long micros = (long)System.Diagnostics.Stopwatch.GetElapsedTime(_requestStarted).TotalMicroseconds;
        WorkerScore* w = _score;
        w->AccessCount++;
        w->MyAccessCount++;
        w->BytesServed += bodyBytes;
        w->MyBytesServed += bodyBytes;
        w->ConnectionBytes += bodyBytes;
        w->ConnectionCount++;
        w->LastDuration = micros;
        w->Duration += micros;
        w->LastUsed = ScoreboardImage.UnixMicroseconds;
        return micros;
    }

    /// <summary>ExtendedStatus: the request line (its first 63 bytes, as httpd keeps), the client and the protocol.</summary>
    private void RecordRequest(Connection c, HttpRequest r)
    {
        ReadOnlySpan<byte> head = _in.AsSpan(0, r.HeadLength);
        int end = head.IndexOfAny((byte)'\r', (byte)'\n');
        ScoreboardImage.Store(_score->Request, WorkerScore.RequestSize, end < 0 ? head : head.Slice(0, end));
        ScoreboardImage.Store(_score->Protocol, WorkerScore.ProtocolSize, r.IsHttp11 ? "HTTP/1.1"u8 : "HTTP/1.0"u8);
        c.Client ??= Sys.PeerAddress(c.Fd);
        ScoreboardImage.Store(_score->Client, WorkerScore.ClientSize, c.Client);
        ScoreboardImage.Store(_score->VHost, WorkerScore.VHostSize, _site.VHost);
    }

    // ------------------------------------------------------------------ deciding the response

    private Plan MakePlan(Connection c, HttpRequest r)
    {
        if (r.Method == HttpMethod.Unknown) return ErrorPlan(c, r, 501);
        bool readOnly = r.Method is HttpMethod.Get or HttpMethod.Head;
        if (!readOnly && !_site.Routes.HasCode) return ErrorPlan(c, r, 405); // only C# handlers take other methods

        ReadOnlySpan<byte> target = _in.AsSpan(r.TargetStart, r.TargetLength);
        int queryAt = target.IndexOf((byte)'?');
        ReadOnlySpan<byte> path = queryAt < 0 ? target : target.Slice(0, queryAt);
        bool plain = path.Length > 0 && path[0] == (byte)'/' && RequestPath.IsPlain(path);
        ReadOnlySpan<byte> query = queryAt < 0 ? default : target.Slice(queryAt + 1);
        if (plain)
        {
            if (!_site.Routes.IsEmpty && Located(c, r, path, query) is Plan located) return located;
            if (!readOnly) return ErrorPlan(c, r, 405);
            if (_site.Cache.Find(path) is CachedFile cached) return CachedPlan(c, r, cached);
        }

        int status = RequestPath.Resolve(target, out string relative, out bool trailingSlash);
        if (status != 0) return ErrorPlan(c, r, status);
        if (!plain && !_site.Routes.IsEmpty && Located(c, r, System.Text.Encoding.UTF8.GetBytes("/" + relative), query) is Plan decoded) return decoded;
        if (!readOnly) return ErrorPlan(c, r, 405);
        status = _site.Root.Open(relative, out OpenedFile file);
        if (status != 0) return ErrorPlan(c, r, status);
        if (file.IsDirectory)
        {
            Sys.Close(file.Fd);
            if (!trailingSlash) return RedirectToDirectory(c, r, target);
            status = 403; // httpd without Options Indexes
            foreach (string index in _site.DirectoryIndex)
            {
                string candidate = relative.Length == 0 ? index : relative + "/" + index;
                if (_site.Root.Open(candidate, out OpenedFile indexFile) != 0) continue;
                if (indexFile.IsRegular)
                {
                    file = indexFile;
                    relative = candidate;
                    status = 0;
                    break;
                }
                Sys.Close(indexFile.Fd);
            }
            if (status != 0) return ErrorPlan(c, r, status);
        }
        else if (!file.IsRegular)
        {
            Sys.Close(file.Fd);
            return ErrorPlan(c, r, 403);
        }
        if (plain && file.Size <= FileCache.MaxFileSize
            && _site.Cache.Add(System.Text.Encoding.ASCII.GetString(path), relative, file, _site.Types.For(relative)) is CachedFile added)
        {
            Sys.Close(file.Fd);
            return CachedPlan(c, r, added);
        }
        return FilePlan(c, r, file, relative);
    }

    private Plan CachedPlan(Connection c, HttpRequest r, CachedFile file)
    {
        Plan plan = FileHead(c, r, file.Facts, file.Validators.ETag, file.Validators.LastModified, file.ContentType, out FileAnswer answer);
        if (r.Method == HttpMethod.Get && answer.Status is 200 or 206 && answer.Length > 0)
        {
            if (!file.HasDescriptor)
            {
                plan.Body = file.Body;
                plan.BodyOffset = (int)answer.Offset;
                plan.BodyLength = (int)answer.Length;
            }
            else if (answer.Status == 200 && file.AcquirePrepared(_out.AsSpan(0, plan.Length), out int preparedFd) is PreparedResponse prepared)
            {
                plan.File = preparedFd; // held until the response has been sent
                plan.FileOwner = prepared;
                plan.FileOffset = 0;
                plan.FileLength = answer.Length;
                plan.HeadInFile = true;
            }
            else if (file.TryAcquire(out int fd))
            {
                plan.File = fd; // held until the response has been sent
                plan.FileOwner = file;
                plan.FileOffset = answer.Offset;
                plan.FileLength = answer.Length;
            }
            else
            {
                // The entry was replaced between the lookup and now (the file changed): open it again.
                int status = _site.Root.Open(file.Relative, out OpenedFile opened);
                if (status != 0) return ErrorPlan(c, r, status);
                if (opened.IsRegular) return FilePlan(c, r, opened, file.Relative);
                Sys.Close(opened.Fd);
                return ErrorPlan(c, r, 403);
            }
        }
        return plan;
    }

    private Plan FilePlan(Connection c, HttpRequest r, OpenedFile file, string relative)
    {
        var facts = new FileFacts(file.Size, file.ModifiedSeconds, file.ModifiedMicroseconds);
        var validators = new FileValidators(facts); // a file served uncached already costs an open and a stat
        Plan plan = FileHead(c, r, facts, validators.ETag, validators.LastModified, _site.Types.For(relative), out FileAnswer answer);
        if (r.Method == HttpMethod.Get && answer.Status is 200 or 206 && answer.Length > 0)
        {
            plan.File = file.Fd;
            plan.FileOffset = answer.Offset;
            plan.FileLength = answer.Length;
        }
        else
        {
            Sys.Close(file.Fd);
        }
        return plan;
    }

    /// <summary>The head of a file's response, after its conditions and Range are decided.</summary>
    private Plan FileHead(Connection c, HttpRequest r, in FileFacts facts, ReadOnlySpan<byte> etag, ReadOnlySpan<byte> lastModified,
                          byte[]? contentType, out FileAnswer answer)
    {
        answer = FileRules.Decide(_in, r, facts, etag);
        var plan = new Plan { Status = answer.Status, File = -1 };
        plan.KeepAlive = KeepsAlive(c, r, answer.Status, out int left);
        var w = new HeadWriter(_out);
        w.StatusLine(answer.Status);
        CommonFields(ref w);
        if (answer.Status != 412)
        {
            w.Field("Last-Modified"u8, lastModified);
            w.Field("ETag"u8, etag);
        }
        if (answer.Status is 200 or 206)
        {
            w.Field("Accept-Ranges"u8, "bytes"u8);
            w.Field("Content-Length"u8, answer.Length);
            if (contentType is not null) w.Field("Content-Type"u8, contentType);
            if (answer.Status == 206) w.ContentRange(answer.Offset, answer.Length, facts.Size);
        }
        else if (answer.Status == 416)
        {
            w.ContentRange(0, 0, facts.Size);
            w.Field("Content-Length"u8, 0);
        }
        else if (answer.Status == 412)
        {
            w.Field("Content-Length"u8, 0);
        }
        KeepAliveFields(ref w, r, plan.KeepAlive, left);
        w.End();
        plan.Length = w.Length;
        return plan;
    }

    /// <summary>
    /// What the <c>&lt;Location&gt;</c> sections say of a (decoded) path: 403 when Require does not
    /// grant the client's address, the status or metrics page, a C# handler to run
    /// (<see cref="CodeHandlerStatus"/>), else null (files).
    /// </summary>
    private Plan? Located(Connection c, HttpRequest r, ReadOnlySpan<byte> path, ReadOnlySpan<byte> query)
    {
        Route route = _site.Routes.Find(path);
        if (route.Rules is not null && !route.Rules.Allows(c.Peer ??= Sys.PeerAddress16(c.Fd))) return ErrorPlan(c, r, 403);
        if (route.Handler is LocationHandler.ServerStatus or LocationHandler.Metrics && r.Method is not (HttpMethod.Get or HttpMethod.Head)) return ErrorPlan(c, r, 405);
        switch (route.Handler)
        {
            case LocationHandler.ServerStatus: return StatusPlan(c, r, query);
            case LocationHandler.Metrics: return MetricsPlan(c, r);
            case LocationHandler.Code:
                _route = route;
                _routePath = System.Text.Encoding.UTF8.GetString(path);
                return new Plan { Status = CodeHandlerStatus, File = -1 };
            default: return null;
        }
    }

    /// <summary>mod_status's page for this request's query (?auto, ?refresh=N, ?notable).</summary>
    private Plan StatusPlan(Connection c, HttpRequest r, ReadOnlySpan<byte> query)
    {
        StatusQuery options = StatusQuery.Parse(query);
        StatusSnapshot snapshot = Snapshot(out ProcessTimes cpu);
        string name = _site.ServerName.Length != 0 ? _site.ServerName
            : r.HostStart >= 0 ? HostName(_in.AsSpan(r.HostStart, r.HostLength)) : "localhost";
        string text = options.Auto ? StatusPage.Auto(snapshot, _site.Status, name, cpu)
            : StatusPage.Html(snapshot, _site.Status, name, cpu, options.NoTable);
        return PagePlan(c, r, System.Text.Encoding.Latin1.GetBytes(text), options.Auto ? StatusPage.TextType : StatusPage.HtmlType, options.Refresh);
    }

    /// <summary>The metrics handler's page: the same counts in the OpenMetrics format.</summary>
    private Plan MetricsPlan(Connection c, HttpRequest r)
    {
        StatusSnapshot snapshot = Snapshot(out ProcessTimes cpu);
        return PagePlan(c, r, System.Text.Encoding.UTF8.GetBytes(MetricsPage.Render(snapshot, _site.Status, cpu)), MetricsPage.ContentType, refresh: 0);
    }

    private StatusSnapshot Snapshot(out ProcessTimes cpu)
    {
        StatusSnapshot snapshot = StatusSnapshot.Take(_engine.Board, _site.Status.MaxRequestWorkers / _site.Status.ThreadsPerChild, _site.Status.ThreadsPerChild);
        cpu = _site.Status.ExtendedStatus ? ProcessTimes.Read(snapshot) : default;
        return snapshot;
    }

    /// <summary>A generated page as a 200 response (a HEAD gets the head alone).</summary>
    private Plan PagePlan(Connection c, HttpRequest r, byte[] body, string contentType, int refresh)
    {
        var plan = new Plan { Status = 200, File = -1 };
        plan.KeepAlive = KeepsAlive(c, r, 200, out int left);
        var w = new HeadWriter(_out);
        w.StatusLine(200);
        CommonFields(ref w);
        if (refresh > 0) w.Field("Refresh"u8, refresh);
        w.Field("Content-Length"u8, body.Length);
        w.Field("Content-Type"u8, contentType);
        KeepAliveFields(ref w, r, plan.KeepAlive, left);
        w.End();
        plan.Length = w.Length;
        if (r.Method == HttpMethod.Get)
        {
            plan.Body = body;
            plan.BodyLength = body.Length;
        }
        return plan;
    }

    /// <summary>The host part of a Host field: without the port, brackets kept for IPv6.</summary>
    private static string HostName(ReadOnlySpan<byte> host)
    {
        int colon = host.LastIndexOf((byte)':');
        if (colon > 0 && host.IndexOf((byte)']') < colon) host = host.Slice(0, colon);
        return System.Text.Encoding.ASCII.GetString(host);
    }

    private Plan ErrorPlan(Connection c, HttpRequest r, int status)
    {
        var plan = new Plan { Status = status, File = -1 };
        plan.KeepAlive = KeepsAlive(c, r, status, out int left);
        byte[] body = _site.ErrorBody(status);
        var w = new HeadWriter(_out);
        w.StatusLine(status);
        CommonFields(ref w);
        if (status == 405) w.Field("Allow"u8, "GET, HEAD"u8);
        w.Field("Content-Length"u8, body.Length);
        w.Field("Content-Type"u8, "text/html; charset=utf-8"u8);
        KeepAliveFields(ref w, r, plan.KeepAlive, left);
        w.End();
        if (r.Method != HttpMethod.Head) w.Append(body);
        plan.Length = w.Length;
        return plan;
    }

    /// <summary>mod_dir's redirect of "/dir" to "/dir/", keeping the query.</summary>
    private Plan RedirectToDirectory(Connection c, HttpRequest r, ReadOnlySpan<byte> target)
    {
        var plan = new Plan { Status = 301, File = -1 };
        plan.KeepAlive = KeepsAlive(c, r, 301, out int left);
        int query = target.IndexOf((byte)'?');
        ReadOnlySpan<byte> path = query < 0 ? target : target.Slice(0, query);
        if (path.Length > 0 && path[0] != (byte)'/')
        {
            int scheme = path.IndexOf("://"u8);
            int slash = scheme < 0 ? -1 : path.Slice(scheme + 3).IndexOf((byte)'/');
            path = slash < 0 ? "/"u8 : path.Slice(scheme + 3 + slash);
        }
        var w = new HeadWriter(_out);
        w.StatusLine(301);
        CommonFields(ref w);
        w.Append("Location: "u8);
        w.Append(path);
        w.Append("/"u8);
        if (query >= 0) w.Append(target.Slice(query));
        w.Append("\r\n"u8);
        w.Field("Content-Length"u8, 0);
        KeepAliveFields(ref w, r, plan.KeepAlive, left);
        w.End();
        plan.Length = w.Length;
        return plan;
    }

    /// <summary>httpd's keep-alive decision for this response, with the compiled KeepAlive settings.</summary>
    private bool KeepsAlive(Connection c, HttpRequest r, int status, out int left)
        => KeepAlivePolicy.Decide(r, status, TConfig.KeepAlive, TConfig.KeepAliveTimeoutMilliseconds, TConfig.MaxKeepAliveRequests, c.Served, _engine.Stopping, out left);

    private void CommonFields(ref HeadWriter w)
    {
        w.Field("Date"u8, DateCache.Now);
        w.Field("Server"u8, _site.ServerHeader);
    }

    /// <summary>httpd names keep-alive only to a client that asked for it by name; otherwise it only says close.</summary>
    private static void KeepAliveFields(ref HeadWriter w, HttpRequest r, bool keepAlive, int left)
    {
        if (!keepAlive)
        {
            w.Field("Connection"u8, "close"u8);
            return;
        }
        if (!r.ConnectionKeepAlive) return;
        w.Append("Keep-Alive: timeout="u8);
        w.Number(Math.Max(1, TConfig.KeepAliveTimeoutMilliseconds / 1000));
        if (TConfig.MaxKeepAliveRequests > 0)
        {
            w.Append(", max="u8);
            w.Number(left);
        }
        w.Append("\r\nConnection: Keep-Alive\r\n"u8);
    }

    // ------------------------------------------------------------------ errors while reading

    /// <summary>Answers a request that could not be read, then closes with lingering (the rest of it is drained).</summary>
    private void SendError(Connection c, int status, bool shortLinger = false)
    {
        byte[] body = _site.ErrorBody(status);
        var w = new HeadWriter(_out);
        w.StatusLine(status);
        CommonFields(ref w);
        w.Field("Content-Length"u8, body.Length);
        w.Field("Content-Type"u8, "text/html; charset=utf-8"u8);
        w.Field("Connection"u8, "close"u8);
        w.End();
        w.Append(body);
        var plan = new Plan { Status = status, Length = w.Length, File = -1 };
        c.Served++;
        if (_logLines.Length != 0)
        {
            LogRequest(c, _headCopy is { } copy ? copy.Span : default, status, body.Length, w.Length, 0, keepAlive: false, microseconds: 0);
            _headCopy = null;
        }
        switch (Send(c, ref plan))
        {
            case Sent.Failed:
                _engine.Close(c);
                return;
            case Sent.Blocked:
                c.CloseAfterPending = true;
                _engine.ParkForWrite(c);
                return;
        }
        _engine.StartLinger(c, shortLinger);
    }

    private void SendInterimContinue(Connection c)
    {
        ReadOnlySpan<byte> line = "HTTP/1.1 100 Continue\r\n\r\n"u8;
        fixed (byte* p = line) Sys.Send(c.Fd, p, line.Length); // a few bytes on a fresh socket; a short write only delays the client
    }

    // ------------------------------------------------------------------ request bodies

    /// <summary>
    /// Reads the request body to its end and drops it (static files take none), so the next
    /// request on the connection is found where it starts. Returns 0, a status to answer
    /// (400 for a broken chunked body, 413 over LimitRequestBody), or -1 when the client went away.
    /// </summary>
    private int ConsumeBody(Connection c, HttpRequest r, ref int have, ref int position)
    {
        StartBody(r);
        while (true)
        {
            long n = NextBody(c, ref have, ref position, default, out int failure);
            if (n <= 0) return n == 0 ? 0 : failure;
        }
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
            while (name < rest.Length && RequestParser.IsTokenChar(rest[name])) name++;
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
                while (value < rest.Length && RequestParser.IsTokenChar(rest[value])) value++;
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
            fixed (byte* p = _in) n = Sys.Recv(c.Fd, p + have, (int)max);
            if (n > 0)
            {
                have += (int)n;
                _bodyReceived += n;
                return (int)n;
            }
            if (n == 0 || !Sys.WouldBlock(Sys.Errno)) return 0;
            _engine.ReleaseBatch(_batch);
            int wait = BodyWait();
            if (wait <= 0 || !Poll.Readable(c.Fd, wait)) return -1;
        }
    }

    /// <summary>
    /// How long the body may still take (mod_reqtimeout's body stage: body seconds from its start
    /// plus a second per MinRate bytes received, at most the body maximum); without
    /// RequestReadTimeout, Timeout for each read. A worker waits for a body, as httpd's does.
    /// </summary>
    private int BodyWait()
    {
        if (TConfig.RequestReadBodyTimeout <= 0) return TConfig.TimeoutMilliseconds;
        long deadline = _bodyStarted + TConfig.RequestReadBodyTimeout * 1000L;
        if (TConfig.RequestReadBodyMinRate > 0) deadline += _bodyReceived * 1000L / TConfig.RequestReadBodyMinRate;
        if (TConfig.RequestReadBodyMaxTimeout > 0) deadline = Math.Min(deadline, _bodyStarted + TConfig.RequestReadBodyMaxTimeout * 1000L);
        return (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
    }

    // ------------------------------------------------------------------ sending

    /// <summary>Writes until done or the socket is full; a full socket leaves the rest with the connection.</summary>
    private Sent Send(Connection c, ref Plan plan)
    {
        int headSent = plan.HeadInFile ? plan.Length : 0, bodySent = 0;
        fixed (byte* head = _out)
        fixed (byte* body = plan.Body)
        {
            while (headSent < plan.Length || bodySent < plan.BodyLength)
            {
                long n;
                if (plan.Body is not null)
                {
                    Sys.IoVec* vectors = stackalloc Sys.IoVec[2];
                    int count = 0;
                    if (headSent < plan.Length) vectors[count++] = new Sys.IoVec { Base = head + headSent, Length = (nuint)(plan.Length - headSent) };
                    vectors[count++] = new Sys.IoVec { Base = body + plan.BodyOffset + bodySent, Length = (nuint)(plan.BodyLength - bodySent) };
                    n = Sys.WriteV(c.Fd, vectors, count);
                }
                else
                {
                    n = Sys.Send(c.Fd, head + headSent, plan.Length - headSent, plan.File >= 0 ? LibC.MSG_MORE : 0);
                }
                if (n > 0)
                {
                    int toHead = (int)Math.Min(n, plan.Length - headSent);
                    headSent += toHead;
                    bodySent += (int)n - toHead;
                    continue;
                }
                if (n < 0 && Sys.WouldBlock(Sys.Errno)) break;
                if (plan.File >= 0) SharedDescriptor.EndUse(plan.File, plan.FileOwner);
                return Sent.Failed;
            }
        }
        if (headSent < plan.Length)
        {
            c.PendingHead = _out.AsSpan(headSent, plan.Length - headSent).ToArray();
            c.PendingHeadOffset = 0;
        }
        if (bodySent < plan.BodyLength)
        {
            c.PendingBody = plan.Body;
            c.PendingBodyOffset = plan.BodyOffset + bodySent;
            c.PendingBodyRemaining = plan.BodyLength - bodySent;
        }
        if (plan.File >= 0)
        {
            c.PendingFile = plan.File;
            c.PendingFileOwner = plan.FileOwner;
            c.PendingFileOffset = plan.FileOffset;
            c.PendingFileRemaining = plan.FileLength + (plan.HeadInFile ? plan.Length : 0); // a prepared file begins with the head
        }
        return c.HasPendingOutput ? ContinuePending(c) : Sent.Done;
    }

    /// <summary>Write completion: what is left of the head, then the file with sendfile.</summary>
    private static Sent ContinuePending(Connection c)
    {
        if (c.PendingHead is byte[] head)
        {
            fixed (byte* p = head)
            {
                while (c.PendingHeadOffset < head.Length)
                {
                    long n = Sys.Send(c.Fd, p + c.PendingHeadOffset, head.Length - c.PendingHeadOffset, c.PendingFileRemaining > 0 ? LibC.MSG_MORE : 0);
                    if (n > 0)
                    {
                        c.PendingHeadOffset += (int)n;
                        continue;
                    }
                    return n < 0 && Sys.WouldBlock(Sys.Errno) ? Sent.Blocked : Sent.Failed;
                }
            }
            c.PendingHead = null;
        }
        if (c.PendingBody is byte[] pendingBody)
        {
            fixed (byte* p = pendingBody)
            {
                while (c.PendingBodyRemaining > 0)
                {
                    long n = Sys.Send(c.Fd, p + c.PendingBodyOffset, c.PendingBodyRemaining, 0);
                    if (n > 0)
                    {
                        c.PendingBodyOffset += (int)n;
                        c.PendingBodyRemaining -= (int)n;
                        continue;
                    }
                    return n < 0 && Sys.WouldBlock(Sys.Errno) ? Sent.Blocked : Sent.Failed;
                }
            }
            c.PendingBody = null;
        }
        while (c.PendingFileRemaining > 0)
        {
            long n = Sys.SendFile(c.Fd, c.PendingFile, ref c.PendingFileOffset, c.PendingFileRemaining);
            if (n > 0)
            {
                c.PendingFileRemaining -= n;
                continue;
            }
            if (n < 0 && Sys.WouldBlock(Sys.Errno)) return Sent.Blocked;
            return Sent.Failed; // an error, or the file shrank under us
        }
        if (c.PendingFile >= 0)
        {
            SharedDescriptor.EndUse(c.PendingFile, c.PendingFileOwner);
            c.PendingFile = -1;
            c.PendingFileOwner = null;
        }
        return Sent.Done;
    }
}
