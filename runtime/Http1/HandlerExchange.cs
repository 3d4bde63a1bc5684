using System;
using EventMpm.Event;
using EventMpm.Handlers;
using EventMpm.Http;
using EventMpm.Native;
using EventMpm.Site;

namespace EventMpm.Http1;

/// <summary>
/// The worker's side of a C# handler (<see cref="IRequestHandler"/>): it lends the handler the
/// connection's body as a stream, runs it on this thread, and sends what it wrote. A response
/// written whole goes through <see cref="Finish"/> like a file's, so a slow reader is left to
/// the listener's write completion; a streamed one is written here, waiting up to Timeout
/// whenever the socket is full, as httpd's handlers write.
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig> : IHandlerConnection
{
    private Request? _handlerRequest;
    private Response? _handlerResponse;
    private Route _route;
    private string _routePath = "";

    // The connection and receive-buffer positions while a handler runs (it reads the body through them).
    private Connection? _handlerConnection;
    private int _handlerHave, _handlerPosition;
    private int _bodyFailure;
    private bool _continueSent;

    // A streamed response: what has gone out, and whether it is chunked.
    private long _streamedBytes, _streamedBody;
    private bool _streamChunked, _streamKeepAlive;

    /// <summary>Runs the route's handler for the parsed request; true when a pipelined request follows on this worker.</summary>
    private bool RunHandler(Connection c, ref int have, int consumed)
    {
        HttpRequest r = _request;
        Request request = _handlerRequest ??= new Request(this);
        Response response = _handlerResponse ??= new Response(this);
        // The handler may take long: the events this worker took with the connection go back first.
        _worker.BeforeBlocking();

        ReadOnlySpan<byte> head = _in.AsSpan(0, r.HeadLength);
        ReadOnlySpan<byte> target = _in.AsSpan(r.TargetStart, r.TargetLength);
        int queryAt = target.IndexOf((byte)'?');
        c.Client ??= Sys.PeerAddress(c.Fd);
        request.Reset(head, System.Text.Encoding.ASCII.GetString(head.Slice(0, head.IndexOf((byte)' '))),
            System.Text.Encoding.Latin1.GetString(target), _routePath,
            queryAt < 0 ? "" : System.Text.Encoding.Latin1.GetString(target.Slice(queryAt + 1)),
            r.IsHttp11, System.Text.Encoding.ASCII.GetString(c.Client),
            r.Framing == BodyFraming.Chunked ? null : r.Framing == BodyFraming.ContentLength ? r.ContentLength : 0, c.PeerCertificate);
        response.Reset();
        if (r.Framing != BodyFraming.None) _headCopy = request.Head; // the request's copy: reading the body may move the buffer's

        StartBody(r);
        if (_spool is not null) _bodyStage = BodyStage.Done; // the body is in its file, and the buffer is past it
        _handlerConnection = c;
        _handlerHave = have;
        _handlerPosition = consumed;
        _bodyFailure = 0;
        _continueSent = c.ContinueSent; // told while its body was awaited in the pollset
        c.ContinueSent = false;
        c.BodyStartedAt = 0;
        _streamedBytes = _streamedBody = 0;
        Exception? failure = null;
        try
        {
            _route.Code!.Instance!.Handle(request, response);
        }
        catch (Exception e)
        {
            failure = e;
        }
        ReleaseSpool();
        have = _handlerHave;
        consumed = _handlerPosition;
        _handlerConnection = null;

        if (failure is not null) return Failed(c, request, response, failure);

        // The rest of the body is read and dropped so that the next request is found, unless the
        // client still waits for 100-continue: then it never sent the body, and the connection closes.
        bool bodyUnsent = r.ExpectContinue && !_continueSent && _bodyStage != BodyStage.Done;
        if (!bodyUnsent && _bodyFailure == 0)
        {
            while (true)
            {
                long n = NextBody(c, ref have, ref consumed, default, out int bodyFailure);
                if (n == 0) break;
                if (n > 0) continue;
                _next = bodyFailure > 0 && !response.HasStarted ? SendError(c, bodyFailure) : NextStep.Close;
                return false;
            }
        }

        if (response.HasStarted) return FinishStream(c, response, ref have, consumed, keepAlive: !bodyUnsent && _bodyFailure == 0);

        var plan = new ResponsePlan(response.Status);
        // A body the handler gave up on (it caught the RequestBodyException) leaves the connection's
        // input unknown: answer, then close.
        plan.KeepAlive = KeepsAlive(c, r, response.Status, out int left) && !bodyUnsent && _bodyFailure == 0;
        bool bodyAllowed = response.Status is not (204 or 304); // RFC 9110 §15.3.5, §15.4.5: no content, no Content-Length
        HeadWriter w = ResponseHead<TConfig>.Begin(_out, response.Status, _site.ServerHeader);
        foreach (var field in response.Headers) w.Field(field.Key, field.Value);
        if (bodyAllowed) w.Field("Content-Length"u8, response.Length);
        ApplyHeaders(ref w, error: false);
        ResponseHead<TConfig>.End(ref w, r, plan.KeepAlive, left);
        plan.Length = w.Length;
        if (r.Method != HttpMethod.Head && bodyAllowed && response.Length > 0)
        {
            plan.Body = response.Buffer;
            plan.BodyLength = response.Length;
        }
        bool pipelined = Finish(c, ref plan, ref have, consumed);
        if (plan.Body is not null && ReferenceEquals(c.Output.Body, plan.Body)) response.DetachBuffer(); // write completion sends from it
        return pipelined;
    }

    /// <summary>A handler threw: a 500 if nothing was sent yet (the server keeps serving), else the connection is cut.</summary>
    private bool Failed(Connection c, Request request, Response response, Exception failure)
    {
        if (failure is RequestBodyException body)
        {
            // The body could not be read: answer as a static request would (400, 408, 413), or close when the client left.
            _next = body.Status > 0 && !response.HasStarted ? SendError(c, body.Status) : NextStep.Close;
            return false;
        }
        if (failure is not System.IO.IOException || !response.HasStarted)
        {
            // As httpd logs a request's error: the client first, then what failed and for which
            // request line; the stack follows, a line per frame, for the developer who must fix it.
            string client = "[client " + request.RemoteAddress + "] ";
            string line = request.Method + " " + request.Target + " " + request.Protocol;
            Logging.ErrorLog.Error("eventmpm", "", client + "handler " + _route.Code!.Name + " failed for \"" + line + "\": "
                + failure.GetType().FullName + ": " + failure.Message);
            foreach (string frame in (failure.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Logging.ErrorLog.Error("eventmpm", "", client + "  " + frame);
            }
        }
        // Once the response has begun, the client sees it end early, not a complete one.
        _next = response.HasStarted ? NextStep.Close : SendError(c, 500);
        return false;
    }

    /// <summary>The end of a streamed response: the last bytes and, for chunked framing, the last chunk.</summary>
    private bool FinishStream(Connection c, Response response, ref int have, int consumed, bool keepAlive)
    {
        try
        {
            Stream(c, response);
            if (_streamChunked && _request.Method != HttpMethod.Head) SendAll(c, "0\r\n\r\n"u8);
        }
        catch (System.IO.IOException)
        {
            _next = NextStep.Close;
            return false;
        }
        var plan = new ResponsePlan(response.Status)
        {
            KeepAlive = keepAlive && _streamKeepAlive,
            StreamedBytes = _streamedBytes,
            StreamedBody = _streamedBody,
        };
        return Finish(c, ref plan, ref have, consumed);
    }

    int IHandlerConnection.ReadBody(Span<byte> destination)
    {
        Connection c = _handlerConnection ?? throw new InvalidOperationException("The request body can be read only while the handler runs.");
        if (_bodyFailure != 0) throw BodyFailure(_bodyFailure);
        if (_spool is { } spool) return ReadSpool(spool, destination);
        if (_request.ExpectContinue && !_continueSent && _bodyStage != BodyStage.Done)
        {
            SendInterimContinue(c); // the client waits for our word before sending the body (RFC 9110 §10.1.1)
            _continueSent = true;
        }
        long n = NextBody(c, ref _handlerHave, ref _handlerPosition, destination, out int failure);
        if (n >= 0) return (int)n;
        _bodyFailure = failure;
        throw BodyFailure(failure);
    }

    private static RequestBodyException BodyFailure(int failure) => failure switch
    {
        400 => new RequestBodyException(400, "The request body's chunked framing is malformed."),
        408 => new RequestBodyException(408, "The request body did not arrive in time."),
        413 => new RequestBodyException(413, "The request body is larger than LimitRequestBody."),
        _ => new RequestBodyException(0, "The client closed the connection before the body's end."),
    };

    void IHandlerConnection.Stream(Response response)
        => Stream(_handlerConnection ?? throw new InvalidOperationException("A response can be sent only while its handler runs."), response);

    /// <summary>Sends the head once (chunked for HTTP/1.1, else delimited by the close) and the buffered body as a chunk.</summary>
    private void Stream(Connection c, Response response)
    {
        HttpRequest r = _request;
        bool hasBody = r.Method != HttpMethod.Head && response.Status is not (204 or 304);
        if (!response.HasStarted)
        {
            _streamChunked = r.IsHttp11 && hasBody;
            // HTTP/1.0 has no chunks: the end of the body is the end of the connection.
            _streamKeepAlive = KeepsAlive(c, r, response.Status, out int left) && (_streamChunked || !hasBody);
            HeadWriter w = ResponseHead<TConfig>.Begin(_out, response.Status, _site.ServerHeader);
            foreach (var field in response.Headers) w.Field(field.Key, field.Value);
            if (_streamChunked || (r.Method == HttpMethod.Head && r.IsHttp11)) w.Field("Transfer-Encoding"u8, "chunked"u8);
            ApplyHeaders(ref w, error: false);
            ResponseHead<TConfig>.End(ref w, r, _streamKeepAlive, left);
            response.HasStarted = true;
            SendAll(c, _out.AsSpan(0, w.Length), more: response.Length > 0);
        }
        int length = response.Length;
        response.Length = 0;
        if (length == 0 || !hasBody) return;
        ReadOnlySpan<byte> data = response.Buffer.AsSpan(0, length);
        if (_streamChunked)
        {
            Span<byte> size = stackalloc byte[18];
            System.Buffers.Text.Utf8Formatter.TryFormat(length, size, out int digits, new System.Buffers.StandardFormat('x'));
            size[digits++] = (byte)'\r';
            size[digits++] = (byte)'\n';
            SendAll(c, size.Slice(0, digits), more: true);
            SendAll(c, data, more: true);
            SendAll(c, "\r\n"u8);
        }
        else
        {
            SendAll(c, data);
        }
        _streamedBody += length;
    }

    /// <summary>Writes every byte, waiting up to Timeout each time the socket is full (httpd's blocking writes in a handler).</summary>
    private void SendAll(Connection c, ReadOnlySpan<byte> bytes, bool more = false)
    {
        fixed (byte* p = bytes)
        {
            int sent = 0;
            while (sent < bytes.Length)
            {
                long n = c.Transport.Send(c, p + sent, bytes.Length - sent, more);
                if (n > 0)
                {
                    sent += (int)n;
                    _streamedBytes += n;
                    continue;
                }
                if (n == ITransport.WouldBlock)
                {
                    if (!c.Transport.WaitWritable(c, TConfig.TimeoutMilliseconds)) throw new System.IO.IOException("The client did not read the response for Timeout (" + TConfig.TimeoutMilliseconds / 1000 + " s).");
                    continue;
                }
                throw new System.IO.IOException("The client closed the connection.");
            }
        }
    }
}
