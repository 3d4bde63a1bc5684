using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using EventMpm.Serving;
using EventMpm.Contract;
using EventMpm.Configuration;
using EventMpm.Handlers;
using EventMpm.Hosting;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>Says hello with what the request carried.</summary>
public sealed class HelloHandler : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        response.ContentType = "text/plain; charset=utf-8";
        response.SetHeader("X-Handler", "hello");
        response.Write("hello " + request.Method + " " + request.Path + " q=" + request.Query + " ua=" + request.Header("user-agent") + " " + request.Protocol);
    }
}

/// <summary>Answers with the body it read, its length, and the declared length.</summary>
public sealed class EchoHandler : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        string body = request.ReadBodyAsText();
        response.Status = 201;
        response.Write(request.Method + " " + body.Length + " " + (request.ContentLength?.ToString() ?? "chunked") + " " + body);
    }
}

/// <summary>Fails: before anything is sent with ?early, after the head is out otherwise.</summary>
public sealed class FailingHandler : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        response.Write("partial");
        if (request.Query != "early") response.Flush();
        throw new InvalidOperationException("handler bug");
    }
}

/// <summary>Streams ?n pieces, flushing each.</summary>
public sealed class StreamHandler : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        int n = int.Parse(request.Query.Length == 0 ? "3" : request.Query);
        for (int i = 0; i < n; i++)
        {
            response.Write("piece " + i + "\n");
            response.Flush();
        }
    }
}

/// <summary>A body far larger than the socket buffers, written whole: a reader that stalls must not hold the worker.</summary>
public sealed class BigHandler : IRequestHandler
{
    public void Handle(Request request, Response response) => response.Write(new byte[TestServer<HandlerConfig>.BigSize]);
}

/// <summary>Ignores the body it was sent.</summary>
public sealed class IgnoringHandler : IRequestHandler
{
    public void Handle(Request request, Response response) => response.Status = 204;
}

/// <summary>One worker, a small LimitRequestBody, and C# handlers beside files and a Require.</summary>
public struct HandlerConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 10_000;
    public static long LimitRequestBody => 1000;
    public static IReadOnlyList<LocationSpec> Locations => new[]
    {
        new LocationSpec("/api", typeof(HelloHandler).FullName!),
        new LocationSpec("/api/echo", typeof(EchoHandler).FullName!),
        new LocationSpec("/api/fail", typeof(FailingHandler).FullName!),
        new LocationSpec("/api/stream", typeof(StreamHandler).FullName!),
        new LocationSpec("/api/big", typeof(BigHandler).FullName!),
        new LocationSpec("/api/ignore", typeof(IgnoringHandler).FullName!),
        new LocationSpec("/api/static", "default-handler"),
        new LocationSpec("/api/private", "", "all denied"),
    };

    public static IRequestHandler? CreateHandler(string typeName) => typeName switch
    {
        "EventMpm.Runtime.Tests.Event.HelloHandler" => new HelloHandler(),
        "EventMpm.Runtime.Tests.Event.EchoHandler" => new EchoHandler(),
        "EventMpm.Runtime.Tests.Event.FailingHandler" => new FailingHandler(),
        "EventMpm.Runtime.Tests.Event.StreamHandler" => new StreamHandler(),
        "EventMpm.Runtime.Tests.Event.BigHandler" => new BigHandler(),
        "EventMpm.Runtime.Tests.Event.IgnoringHandler" => new IgnoringHandler(),
        _ => null,
    };
}

/// <summary>C# handlers over real sockets: the request they see, the responses they write, and the worker they hold.</summary>
public sealed class HandlerTests : IClassFixture<HandlerTests.Site>
{
    public sealed class Site : IDisposable
    {
        public TestServer<HandlerConfig> Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private readonly TestServer<HandlerConfig> _server;

    public HandlerTests(Site site) => _server = site.Server;

    private (int Status, string Head, string Body) Exchange(string request)
    {
        using Socket s = _server.Connect();
        Wire.Send(s, request);
        var r = Wire.ReadOne(s);
        return (r.Status, r.Head, Encoding.UTF8.GetString(r.Body));
    }

    [Fact]
    public void A_handler_sees_the_method_path_query_fields_and_protocol()
    {
        var (status, head, body) = Exchange("GET /api/hello%20there?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: probe/1\r\n\r\n");
        Assert.Equal(200, status);
        Assert.Equal("hello GET /api/hello there q=x=1 ua=probe/1 HTTP/1.1", body);
        Assert.Contains("X-Handler: hello", head);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", head);
        Assert.Contains("Server: ", head);
        Assert.Contains("Date: ", head);
    }

    [Fact]
    public void Sections_merge_as_httpd_merges_them()
    {
        Assert.Equal(200, Exchange(Wire.Get("/api")).Status); // the section's own path
        Assert.Equal(404, Exchange(Wire.Get("/apix")).Status); // not at a segment boundary: files
        Assert.StartsWith("GET 0 0 ", Exchange(Wire.Get("/api/echo/deeper")).Body.Replace("201", "")); // the longest section wins
        Assert.Equal(404, Exchange(Wire.Get("/api/static/none.txt")).Status); // default-handler: files again
        Assert.Equal(403, Exchange(Wire.Get("/api/private/x")).Status); // Require from a later section, handler inherited
        Assert.Equal(200, Exchange(Wire.Get("/hello.txt")).Status);
    }

    [Fact]
    public void Bodies_reach_the_handler_by_content_length_and_chunked()
    {
        var (status, _, body) = Exchange("POST /api/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world");
        Assert.Equal(201, status);
        Assert.Equal("POST 11 11 hello world", body);

        (status, _, body) = Exchange("PUT /api/echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n");
        Assert.Equal(201, status);
        Assert.Equal("PUT 11 chunked hello world", body);
    }

    [Fact]
    public void A_chunked_body_over_LimitRequestBody_is_a_413()
    {
        string chunk = new string('a', 600);
        var (status, head, _) = Exchange("POST /api/echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
        Assert.Equal(413, status);
        Assert.Contains("Connection: close", head);
        Assert.Equal(413, Exchange("POST /api/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n").Status); // refused before the handler runs
    }

    [Fact]
    public void Expect_100_continue_is_answered_when_the_handler_reads()
    {
        using Socket s = _server.Connect();
        Wire.Send(s, "POST /api/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        var interim = new byte[64];
        int n = s.Receive(interim);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(interim, 0, n));
        Wire.Send(s, "ping");
        var r = Wire.ReadOne(s);
        Assert.Equal("POST 4 4 ping", Encoding.ASCII.GetString(r.Body));

        // A body small enough to hold is awaited in the pollset before any handler runs, so the
        // 100 goes out then, whether or not the handler reads it; a client that never sends the
        // body holds its connection only, no worker.
        using Socket t = _server.Connect();
        Wire.Send(t, "POST /api/ignore HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        n = t.Receive(interim);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(interim, 0, n));
        Wire.WaitFor(() => _server.Server.IdleWorkers == 1, "the only worker to be free while the body is awaited");
        using Socket other = _server.Connect();
        Wire.Send(other, Wire.Get("/api"));
        Assert.Equal(200, Wire.ReadOne(other).Status);
        Wire.Send(t, "ping");
        var answer = Wire.ReadOne(t);
        Assert.Equal(204, answer.Status);
        Assert.DoesNotContain("Connection: close", answer.Head);
    }

    [Theory]
    [InlineData("Content-Length: 20\r\n", "0123456789", "abcdefghij", "POST 20 20 0123456789abcdefghij")]
    [InlineData("Transfer-Encoding: chunked\r\n", "a\r\n0123456789\r\n", "a\r\nabcdefghij\r\n0\r\n\r\n", "POST 20 chunked 0123456789abcdefghij")]
    public void A_body_on_its_way_to_a_handler_waits_in_the_pollset_not_in_the_only_worker(string framing, string first, string rest, string echoed)
    {
        using Socket slow = _server.Connect();
        Wire.Send(slow, "POST /api/echo HTTP/1.1\r\nHost: h\r\n" + framing + "\r\n" + first);
        Wire.WaitFor(() => _server.Server.IdleWorkers == 1 && _server.Server.OpenConnections == 1, "the half body to be parked");
        using Socket other = _server.Connect();
        Wire.Send(other, Wire.Get("/api"));
        Assert.Equal(200, Wire.ReadOne(other).Status); // served by the one worker meanwhile
        Wire.Send(slow, rest);
        var r = Wire.ReadOne(slow);
        Assert.Equal(201, r.Status);
        Assert.Equal(echoed, Encoding.ASCII.GetString(r.Body));
    }

    [Fact]
    public void An_unread_body_is_drained_and_the_connection_kept()
    {
        using Socket s = _server.Connect();
        Wire.Send(s, "POST /api/ignore HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabcde" + Wire.Get("/api/x?after"));
        byte[] leftover = Array.Empty<byte>();
        Assert.Equal(204, Wire.Read(s, ref leftover)!.Value.Status);
        var next = Wire.Read(s, ref leftover)!.Value;
        Assert.Equal(200, next.Status);
        Assert.Contains("q=after", Encoding.ASCII.GetString(next.Body));
    }

    [Fact]
    public void Pipelined_requests_to_handlers_are_answered_in_order()
    {
        using Socket s = _server.Connect();
        Wire.Send(s, Wire.Get("/api/a?1") + "POST /api/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok" + Wire.Get("/hello.txt") + Wire.Get("/api/b?3"));
        byte[] leftover = Array.Empty<byte>();
        Assert.Contains("/api/a q=1", Encoding.ASCII.GetString(Wire.Read(s, ref leftover)!.Value.Body));
        Assert.Equal("POST 2 2 ok", Encoding.ASCII.GetString(Wire.Read(s, ref leftover)!.Value.Body));
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Wire.Read(s, ref leftover)!.Value.Body));
        Assert.Contains("/api/b q=3", Encoding.ASCII.GetString(Wire.Read(s, ref leftover)!.Value.Body));
    }

    [Fact]
    public void A_handler_that_throws_gets_a_500_and_the_server_serves_on()
    {
        var log = new System.IO.StringWriter();
        System.IO.TextWriter before = EventMpm.Logging.ErrorLog.Writer;
        EventMpm.Logging.ErrorLog.Writer = System.IO.TextWriter.Synchronized(log);
        try
        {
            var (status, head, _) = Exchange(Wire.Get("/api/fail?early"));
            Assert.Equal(500, status);
            Assert.Contains("Connection: close", head);
        }
        finally
        {
            EventMpm.Logging.ErrorLog.Writer = before;
        }
        Assert.Equal(200, Exchange(Wire.Get("/api/x")).Status);
        // The log says who asked what, what was thrown, and where.
        string text = log.ToString();
        Assert.Matches(@"\[eventmpm:error\] \[pid \d+:tid \d+\] \[client 127\.0\.0\.1\] handler [\w.]+FailingHandler failed for ""GET /api/fail\?early HTTP/1\.1"": System\.InvalidOperationException: ", text);
        Assert.Matches(@"\[client 127\.0\.0\.1\]   at [\w.]+FailingHandler\.Handle\(", text);
    }

    [Fact]
    public void A_handler_that_throws_mid_stream_cuts_the_response()
    {
        using Socket s = _server.Connect();
        Wire.Send(s, Wire.Get("/api/fail"));
        string text = ReadToClose(s);
        Assert.StartsWith("HTTP/1.1 200 OK", text);
        Assert.Contains("Transfer-Encoding: chunked", text);
        Assert.Contains("7\r\npartial\r\n", text);
        Assert.DoesNotContain("0\r\n\r\n", text); // no last chunk: the client knows the response is incomplete
        Assert.Equal(200, Exchange(Wire.Get("/api/x")).Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_streamed_response_is_chunked_for_HTTP_1_1_and_read_whole_by_HttpClient()
    {
        using var client = new HttpClient();
        HttpResponseMessage response = await client.GetAsync("http://127.0.0.1:" + _server.Port + "/api/stream?5");
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(string.Concat(Enumerable.Range(0, 5).Select(i => "piece " + i + "\n")), await response.Content.ReadAsStringAsync());
        // The connection stays usable after the last chunk.
        Assert.Equal("hello GET /api/y q= ua= HTTP/1.1", await client.GetStringAsync("http://127.0.0.1:" + _server.Port + "/api/y"));
    }

    [Fact]
    public void A_streamed_response_to_HTTP_1_0_ends_with_the_connection()
    {
        using Socket s = _server.Connect();
        Wire.Send(s, "GET /api/stream?2 HTTP/1.0\r\n\r\n");
        string text = ReadToClose(s);
        Assert.DoesNotContain("Transfer-Encoding", text);
        Assert.Contains("Connection: close", text);
        Assert.EndsWith("\r\n\r\npiece 0\npiece 1\n", text);
    }

    /// <summary>Everything the server sends until it closes the connection.</summary>
    private static string ReadToClose(Socket s)
    {
        var received = new System.IO.MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = s.Receive(buffer)) > 0) received.Write(buffer, 0, n);
        return Encoding.ASCII.GetString(received.ToArray());
    }

    [Fact]
    public void HEAD_gets_the_length_without_the_body()
    {
        using Socket s = _server.Connect();
        Wire.Send(s, "HEAD /api/z HTTP/1.1\r\nHost: h\r\n\r\n");
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && s.Receive(one) == 1) head.Append((char)one[0]);
        Assert.Contains("Content-Length: " + "hello HEAD /api/z q= ua= HTTP/1.1".Length, head.ToString());
        // No body followed: the next response on the connection starts where the head ended.
        Wire.Send(s, Wire.Get("/api/z"));
        Assert.Equal("hello GET /api/z q= ua= HTTP/1.1", Encoding.ASCII.GetString(Wire.ReadOne(s).Body));
    }

    [Fact]
    public void Other_methods_reach_handlers_only()
    {
        Assert.Equal(405, Exchange("POST /hello.txt HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").Status);
        Assert.Equal(405, Exchange("DELETE /api/static/x HTTP/1.1\r\nHost: h\r\n\r\n").Status);
        Assert.Equal(201, Exchange("DELETE /api/echo HTTP/1.1\r\nHost: h\r\n\r\n").Status);
        Assert.Equal(501, Exchange("BREW /api/echo HTTP/1.1\r\nHost: h\r\n\r\n").Status);
    }

    [Fact]
    public void A_whole_response_to_a_stalled_reader_leaves_the_only_worker_free()
    {
        using Socket stalled = _server.Connect();
        Wire.Send(stalled, Wire.Get("/api/big"));
        // The one worker made 32 MiB and handed what the socket would not take to write completion.
        Assert.True(stalled.Receive(new byte[16], SocketFlags.Peek) > 0);
        Wire.WaitFor(() => _server.Server.IdleWorkers == 1, "the worker to be free");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(200, Exchange(Wire.Get("/api/other")).Status);
        Assert.True(clock.ElapsedMilliseconds < 2000, "the second request waited for the stalled one");
        // And the stalled client still gets every byte.
        var r = Wire.ReadOne(stalled);
        Assert.Equal(TestServer<HandlerConfig>.BigSize, r.Body.Length);
    }
}

/// <summary>A handler whose constructor fails, as one that cannot reach its database at start.</summary>
public sealed class BrokenHandler : IRequestHandler
{
    public BrokenHandler() => throw new InvalidOperationException("no database");

    public void Handle(Request request, Response response) { }
}

public struct BrokenHandlerConfig : IServerConfig
{
    public static IReadOnlyList<LocationSpec> Locations => new[] { new LocationSpec("/api", typeof(BrokenHandler).FullName!) };

    public static IRequestHandler? CreateHandler(string typeName) => typeName == typeof(BrokenHandler).FullName ? new BrokenHandler() : null;
}

public sealed class HandlerStartTests
{
    [Fact]
    public void A_handler_whose_constructor_fails_stops_the_start_with_the_reason()
    {
        var deployment = new DeploymentSettings { DocumentRoot = System.IO.Path.GetTempPath(), Listen = new EquatableArray<ListenAddress>(new[] { new ListenAddress("127.0.0.1", 0) }) };
        var e = Assert.Throws<ServerStartException>(() => Server<BrokenHandlerConfig>.Open(deployment, new ServerPaths(deployment, System.IO.Path.GetTempPath())));
        Assert.Contains("a handler could not be made: InvalidOperationException: no database", e.Message);
    }
}

/// <summary>Catches the body's failure and answers anyway, as a handler may.</summary>
public sealed class ForgivingHandler : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        try
        {
            request.ReadBodyAsText();
            response.Write("read");
        }
        catch (RequestBodyException e)
        {
            response.Status = 422;
            response.Write("body failed with " + e.Status);
        }
    }
}

public struct ForgivingConfig : IServerConfig
{
    public static long LimitRequestBody => 10;
    public static int TimeoutMilliseconds => 10_000;
    public static IReadOnlyList<LocationSpec> Locations => new[] { new LocationSpec("/f", typeof(ForgivingHandler).FullName!), new LocationSpec("/n", typeof(IgnoringHandler).FullName!) };

    public static IRequestHandler? CreateHandler(string typeName)
        => typeName == typeof(ForgivingHandler).FullName ? new ForgivingHandler() : typeName == typeof(IgnoringHandler).FullName ? new IgnoringHandler() : null;
}

/// <summary>Streams 1 MiB pieces, flushing each, until 64 MiB: far more than the socket buffers hold.</summary>
public sealed class FloodHandler : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        var piece = new byte[1024 * 1024];
        for (int i = 0; i < 64; i++)
        {
            response.Write(piece);
            response.Flush();
        }
    }
}

/// <summary>One worker and a short Timeout, for a streamed response nobody reads.</summary>
public struct FloodConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 1500;
    public static IReadOnlyList<LocationSpec> Locations => new[] { new LocationSpec("/flood", typeof(FloodHandler).FullName!), new LocationSpec("/hello", typeof(HelloHandler).FullName!) };

    public static IRequestHandler? CreateHandler(string typeName)
        => typeName == typeof(FloodHandler).FullName ? new FloodHandler() : typeName == typeof(HelloHandler).FullName ? new HelloHandler() : null;
}

public sealed class HandlerStalledReaderTests
{
    [Fact]
    public void A_streamed_response_nobody_reads_is_cut_after_Timeout_and_the_one_worker_serves_the_next_client()
    {
        using var server = new TestServer<FloodConfig>();
        using Socket stalled = server.Connect();
        stalled.ReceiveBufferSize = 4096;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Wire.Send(stalled, Wire.Get("/flood")); // and never read
        Wire.WaitFor(() => server.Server.IdleWorkers == 0, "the handler to hold the worker");

        // The handler's blocking write waits Timeout for the socket to drain, then the
        // connection is cut and the worker goes back to the pool.
        using Socket next = server.Connect();
        Wire.Send(next, Wire.Get("/hello"));
        var r = Wire.ReadOne(next);
        Assert.Equal(200, r.Status);
        Assert.InRange(clock.ElapsedMilliseconds, 1300, 6000);
        Wire.WaitFor(() => server.Server.OpenConnections == 1, "the stalled connection to be closed"); // only `next` is left
    }
}

public sealed class HandlerBodyFailureTests
{
    [Fact]
    public void A_handler_that_swallows_a_body_failure_is_answered_and_the_connection_closes()
    {
        using var server = new TestServer<ForgivingConfig>();
        using Socket s = server.Connect();
        Wire.Send(s, "POST /f HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + new string('x', 32) + "\r\n0\r\n\r\n");
        var r = Wire.ReadOne(s);
        Assert.Equal(422, r.Status);
        Assert.Equal("body failed with 413", Encoding.ASCII.GetString(r.Body));
        Assert.Contains("Connection: close", r.Head); // the rest of that body is not read as a next request
        Assert.True(Wire.ClosesWithin(s, 3000));
    }

    [Fact]
    public void No_content_carries_no_Content_Length_and_keeps_the_connection()
    {
        using var server = new TestServer<ForgivingConfig>();
        using Socket s = server.Connect();
        Wire.Send(s, Wire.Get("/n"));
        var r = Wire.ReadOne(s);
        Assert.Equal(204, r.Status);
        Assert.DoesNotContain("Content-Length", r.Head);
        Wire.Send(s, Wire.Get("/n")); // and the connection is still usable
        Assert.Equal(204, Wire.ReadOne(s).Status);
    }
}

/// <summary>What a handler may set on a response, checked without a connection.</summary>
public sealed class ResponseRulesTests
{
    private sealed class NoConnection : IHandlerConnection
    {
        public int ReadBody(Span<byte> destination) => 0;

        public void Stream(Response response) => response.HasStarted = true;
    }

    [Theory]
    [InlineData("Content-Length", "5")]
    [InlineData("transfer-encoding", "chunked")]
    [InlineData("Connection", "close")]
    [InlineData("Server", "other")]
    [InlineData("Bad Name", "x")]
    [InlineData("X-Split", "a\r\nInjected: yes")]
    [InlineData("X-Nul", "a\0b")]
    public void Framing_fields_bad_names_and_control_characters_are_refused(string name, string value)
    {
        var response = new Response(new NoConnection());
        Assert.Throws<ArgumentException>(() => response.SetHeader(name, value));
        Assert.Throws<ArgumentException>(() => response.AddHeader(name, value));
        Assert.Empty(response.Headers);
    }

    [Fact]
    public void SetHeader_replaces_whatever_the_case_AddHeader_adds_and_the_head_is_fixed_once_sent()
    {
        var response = new Response(new NoConnection());
        response.SetHeader("X-Kind", "a");
        response.SetHeader("x-kind", "b");
        response.AddHeader("Set-Cookie", "a=1");
        response.AddHeader("Set-Cookie", "b=2");
        Assert.Equal(new[] { "x-kind: b", "Set-Cookie: a=1", "Set-Cookie: b=2" }, response.Headers.Select(h => h.Key + ": " + h.Value));
        Assert.Throws<ArgumentOutOfRangeException>(() => response.Status = 101); // no interim or upgrade responses from a handler
        response.Flush();
        Assert.Throws<InvalidOperationException>(() => response.Status = 404);
        Assert.Throws<InvalidOperationException>(() => response.SetHeader("X-Late", "1"));
    }
}
