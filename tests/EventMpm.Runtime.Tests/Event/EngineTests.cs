using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using EventMpm.Serving;
using EventMpm.Contract;
using EventMpm.Hosting;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>Short timeouts so expiry is seen within a test; a small body limit for the 413 case.</summary>
public struct QuickConfig : IServerConfig
{
    public static int ThreadsPerChild => 4;
    public static int KeepAliveTimeoutMilliseconds => 600;
    public static int TimeoutMilliseconds => 3000;
    public static long LimitRequestBody => 1000;
}

/// <summary>One worker: proves write completion frees it.</summary>
public struct OneWorkerConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int TimeoutMilliseconds => 10_000;
}

/// <summary>AcceptFilter http none: a connection is accepted as soon as its handshake completes.</summary>
public struct AcceptAtOnceConfig : IServerConfig
{
    public static bool DeferAccept => false;
}

/// <summary>The admission case of the issue: ThreadsPerChild 2, AsyncRequestWorkerFactor 2.</summary>
public struct AdmissionConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int AsyncRequestWorkerFactor => 2;
    public static int KeepAliveTimeoutMilliseconds => 30_000;
}

/// <summary>The engine over real loopback sockets and real epoll.</summary>
public sealed class EngineTests
{
    [Fact]
    public void A_kept_alive_connection_is_parked_then_expires_after_KeepAliveTimeout()
    {
        using var server = new TestServer<QuickConfig>();
        using Socket s = server.Connect();

        Wire.Send(s, Wire.Get("/hello.txt"));
        var first = Wire.ReadOne(s);
        Assert.Equal(200, first.Status);
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(first.Body));
        Assert.DoesNotContain("Connection:", first.Head); // HTTP/1.1 without the keep-alive token: no keep-alive fields

        Thread.Sleep(200); // parked, well within KeepAliveTimeout
        Wire.Send(s, Wire.Get("/sub/"));
        Assert.Equal(200, Wire.ReadOne(s).Status);

        var clock = Stopwatch.StartNew();
        Assert.True(Wire.ClosesWithin(s, 3000), "the idle connection was not closed");
        Assert.InRange(clock.ElapsedMilliseconds, 500, 2500);
    }

    [Fact]
    public void Keep_alive_fields_are_sent_only_to_a_client_that_asked()
    {
        using var server = new TestServer<QuickConfig>();
        using Socket s = server.Connect();
        Wire.Send(s, "GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var r = Wire.ReadOne(s);
        Assert.Contains("Keep-Alive: timeout=1, max=100", r.Head); // 600 ms rounds to httpd's whole seconds, at least 1
        Assert.Contains("Connection: Keep-Alive", r.Head);

        Wire.Send(s, "GET /hello.txt HTTP/1.0\r\n\r\n");
        Assert.Contains("Connection: close", Wire.ReadOne(s).Head);
        Assert.True(Wire.ClosesWithin(s, 2000));
    }

    [Fact]
    public void Pipelined_requests_are_answered_in_order()
    {
        using var server = new TestServer<QuickConfig>();
        using Socket s = server.Connect();
        Wire.Send(s, Wire.Get("/hello.txt") + Wire.Get("/nope") + Wire.Get("/sub/index.html") + "HEAD /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        byte[] leftover = Array.Empty<byte>();
        int[] statuses = Enumerable.Range(0, 3).Select(_ => Wire.Read(s, ref leftover)!.Value.Status).ToArray();
        Assert.Equal(new[] { 200, 404, 200 }, statuses);
        var sink = new byte[4096];
        int n = leftover.Length > 0 ? leftover.Length : s.Receive(sink);
        string last = Encoding.ASCII.GetString(leftover.Length > 0 ? leftover : sink[..n]);
        Assert.StartsWith("HTTP/1.1 200 OK", last);
        Assert.Contains("Content-Length: 14", last);
        Assert.EndsWith("\r\n\r\n", last); // HEAD: no body
        Assert.True(Wire.ClosesWithin(s, 2000));
    }

    [Fact]
    public void A_client_that_stops_reading_does_not_hold_the_only_worker()
    {
        using var server = new TestServer<OneWorkerConfig>();
        using Socket stalled = server.Connect();
        Wire.Send(stalled, Wire.Get("/big.bin"));
        // The worker fills the socket, hands the rest to write completion and is idle again.
        Wire.WaitFor(() => server.Server.WaitingToWrite == 1 && server.Server.IdleWorkers == 1, "the response to wait in write completion");

        using Socket other = server.Connect();
        var clock = Stopwatch.StartNew();
        Wire.Send(other, Wire.Get("/hello.txt"));
        Assert.Equal(200, Wire.ReadOne(other).Status);
        Assert.True(clock.ElapsedMilliseconds < 2000, "the second request waited for the stalled one");

        var big = Wire.ReadOne(stalled);
        Assert.Equal(200, big.Status);
        Assert.Equal(TestServer<OneWorkerConfig>.BigSize, big.Body.Length);
        Assert.Equal(System.IO.File.ReadAllBytes(System.IO.Path.Combine(server.Root, "big.bin")), big.Body);
    }

    [Fact]
    public void A_413_after_a_streamed_body_reaches_the_client_without_a_reset()
    {
        // httpd-tests pr35292: the body over LimitRequestBody is refused, and lingering close
        // drains what the client still sends, so the client reads the 413 instead of a reset.
        using var server = new TestServer<QuickConfig>();
        using Socket s = server.Connect();
        const int BodySize = 1024 * 1024;
        Wire.Send(s, "POST /hello.txt HTTP/1.1\r\nHost: a\r\nContent-Length: " + BodySize + "\r\n\r\n");
        var body = new byte[BodySize];
        int sent = 0;
        while (sent < BodySize) sent += s.Send(body, sent, Math.Min(65536, BodySize - sent), SocketFlags.None);
        var r = Wire.ReadOne(s);
        Assert.Equal(413, r.Status);
        Assert.Contains("Connection: close", r.Head);
    }

    [Fact]
    public void A_client_that_asked_to_close_is_closed_at_once_and_one_whose_body_may_still_come_lingers()
    {
        using var server = new TestServer<QuickConfig>();
        // Connection: close and nothing more: the answer, FIN, and the server keeps nothing
        // though the client has not closed its end (a lingering close would wait 30 s for it).
        using Socket asked = server.Connect();
        Wire.Send(asked, "GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.Equal(200, Wire.ReadOne(asked).Status);
        Assert.Equal(0, asked.Receive(new byte[1]));
        Wire.WaitFor(() => server.Server.OpenConnections == 0, "the closed connection to be gone");

        // The same, but a body was promised and only part has come: the rest may still be in
        // flight, so the server sends FIN and drains what comes until the client closes.
        using Socket body = server.Connect();
        Wire.Send(body, "POST /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 100\r\n\r\n0123");
        Assert.Equal(405, Wire.ReadOne(body).Status);
        Assert.Equal(0, body.Receive(new byte[1]));
        Assert.Equal(1, server.Server.OpenConnections); // lingering: it waits for the client's end
        body.Send(new byte[96]); // the rest of the body is drained, not answered with a reset
        body.Shutdown(SocketShutdown.Send);
        Wire.WaitFor(() => server.Server.OpenConnections == 0, "the lingering connection to end at the client's FIN");
    }

    [Fact]
    public void Relative_symbolic_links_are_followed_only_inside_DocumentRoot()
    {
        using var server = new TestServer<QuickConfig>();
        string outside = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eventmpm-outside-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.File.WriteAllText(outside, "secret\n");
        try
        {
            System.IO.File.CreateSymbolicLink(System.IO.Path.Combine(server.Root, "inside-link.txt"), "hello.txt");
            System.IO.File.CreateSymbolicLink(System.IO.Path.Combine(server.Root, "sub", "up-link.txt"), "../hello.txt");
            System.IO.File.CreateSymbolicLink(System.IO.Path.Combine(server.Root, "absolute-link.txt"), System.IO.Path.Combine(server.Root, "hello.txt"));
            System.IO.File.CreateSymbolicLink(System.IO.Path.Combine(server.Root, "outside-link.txt"), outside);
            System.IO.Directory.CreateSymbolicLink(System.IO.Path.Combine(server.Root, "etc"), "/etc");
            using Socket s = server.Connect();
            Wire.Send(s, Wire.Get("/inside-link.txt"));
            Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Wire.ReadOne(s).Body));
            Wire.Send(s, Wire.Get("/sub/up-link.txt"));
            Assert.Equal(200, Wire.ReadOne(s).Status);
            // An absolute link is not followed, even to a file inside (the kernel's RESOLVE_BENEATH).
            Wire.Send(s, Wire.Get("/absolute-link.txt"));
            Assert.Equal(404, Wire.ReadOne(s).Status);
            Wire.Send(s, Wire.Get("/outside-link.txt"));
            Assert.Equal(404, Wire.ReadOne(s).Status);
            Wire.Send(s, Wire.Get("/etc/passwd"));
            Assert.Equal(404, Wire.ReadOne(s).Status);
        }
        finally
        {
            System.IO.File.Delete(outside);
        }
    }

    [Fact]
    public void A_chunked_body_over_LimitRequestBody_is_refused_with_413()
    {
        using var server = new TestServer<QuickConfig>();
        using Socket s = server.Connect();
        string chunk = new string('x', 800);
        Wire.Send(s, "POST /hello.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
        var r = Wire.ReadOne(s);
        Assert.Equal(413, r.Status);
        Assert.Contains("Connection: close", r.Head);
    }

    [Fact]
    public void A_chunked_body_is_read_and_the_connection_goes_on()
    {
        using var server = new TestServer<QuickConfig>();
        using Socket s = server.Connect();
        Wire.Send(s, "POST /hello.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n" + Wire.Get("/hello.txt"));
        byte[] leftover = Array.Empty<byte>();
        var first = Wire.Read(s, ref leftover)!.Value;
        Assert.Equal(405, first.Status);
        Assert.Contains("Allow: GET, HEAD", first.Head);
        Assert.DoesNotContain("Connection: close", first.Head); // the body was here whole: dropped, the connection kept
        Assert.Equal(200, Wire.Read(s, ref leftover)!.Value.Status);
    }

    [Fact]
    public void A_malformed_request_is_refused_and_others_are_still_served()
    {
        using var server = new TestServer<QuickConfig>();
        using Socket bad = server.Connect();
        Wire.Send(bad, "GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n");
        var r = Wire.ReadOne(bad);
        Assert.Equal(400, r.Status);
        Assert.Contains("Connection: close", r.Head);
        Assert.True(Wire.ClosesWithin(bad, 3000));

        using Socket good = server.Connect();
        Wire.Send(good, Wire.Get("/hello.txt"));
        Assert.Equal(200, Wire.ReadOne(good).Status);
    }

    [Fact]
    public void Admission_stops_accepting_at_the_computed_limit_and_resumes_with_hysteresis()
    {
        using var server = new TestServer<AdmissionConfig>();
        Wire.WaitFor(() => server.Server.IdleWorkers == 2);
        // ThreadsPerChild 2 + AsyncRequestWorkerFactor 2 x 2 idle workers = 6 connections,
        // each answered once and then held in keep-alive.
        // Each is opened once both workers are idle again: the client has its answer a moment before
        // the worker counts itself idle, and a connection accepted in between meets a lower limit.
        var held = new List<Socket>();
        for (int i = 0; i < 6; i++)
        {
            Wire.WaitFor(() => server.Server.IdleWorkers == 2);
            Socket s = server.Connect();
            held.Add(s);
            Wire.Send(s, Wire.Get("/hello.txt"));
            Assert.Equal(200, Wire.ReadOne(s).Status);
        }
        Wire.WaitFor(() => server.Server.OpenConnections == 6);

        using Socket waiting = server.Connect(); // completes in the kernel backlog
        Wire.Send(waiting, Wire.Get("/hello.txt"));
        Wire.WaitFor(() => !server.Server.Accepting);
        Thread.Sleep(300);
        Assert.Equal(6, server.Server.OpenConnections);
        Assert.Equal(0, waiting.Available);

        // Re-enabling needs one idle worker's worth more room: below 2 + 2 x (2 - 1) = 4 open.
        held[0].Dispose();
        held[1].Dispose();
        Wire.WaitFor(() => server.Server.OpenConnections == 4);
        Thread.Sleep(300);
        Assert.False(server.Server.Accepting);
        held[2].Dispose();

        Assert.Equal(200, Wire.ReadOne(waiting).Status);
        Assert.True(server.Server.Accepting);
        foreach (Socket s in held) s.Dispose();
    }

    [Fact]
    public void Small_files_come_from_memory_and_a_change_is_seen_within_a_second()
    {
        using var server = new TestServer<QuickConfig>();
        string file = System.IO.Path.Combine(server.Root, "page.txt");
        System.IO.File.WriteAllText(file, "first version\n");
        using Socket s = server.Connect();
        Wire.Send(s, Wire.Get("/page.txt"));
        var first = Wire.ReadOne(s);
        Assert.Equal("first version\n", Encoding.ASCII.GetString(first.Body));

        // The cached entry's validators (formatted once) are those of the file read afresh: an
        // encoded path is never looked up in the cache.
        static string Field((int Status, string Head, byte[] Body) r, string name) => r.Head.Split("\r\n").Single(l => l.StartsWith(name + ": ")).Substring(name.Length + 2);
        Wire.Send(s, Wire.Get("/%70age.txt"));
        var uncached = Wire.ReadOne(s);
        Assert.Equal(Field(uncached, "ETag"), Field(first, "ETag"));
        Assert.Equal(Field(uncached, "Last-Modified"), Field(first, "Last-Modified"));
        Assert.Equal(System.IO.File.GetLastWriteTimeUtc(file).ToString("r"), Field(first, "Last-Modified"));

        // The cached copy answers conditions and ranges exactly as the file does.
        string etag = Field(first, "ETag");
        Wire.Send(s, Wire.Get("/page.txt", "If-None-Match: " + etag + "\r\n"));
        Assert.Equal(304, Wire.ReadOne(s).Status);
        Wire.Send(s, Wire.Get("/page.txt", "Range: bytes=6-12\r\n"));
        var part = Wire.ReadOne(s);
        Assert.Equal((206, "version"), (part.Status, Encoding.ASCII.GetString(part.Body)));

        System.IO.File.WriteAllText(file, "second, longer version\n");
        System.IO.File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        Thread.Sleep(1100);
        using Socket again = server.Connect(); // the first one has expired (KeepAliveTimeout 600 ms)
        Wire.Send(again, Wire.Get("/page.txt"));
        Assert.Equal("second, longer version\n", Encoding.ASCII.GetString(Wire.ReadOne(again).Body));
    }

    [Fact]
    public void Listen_without_an_address_serves_IPv4_and_IPv6()
    {
        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eventmpm-dual-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(root);
        System.IO.File.WriteAllText(System.IO.Path.Combine(root, "index.html"), "dual\n");
        var deployment = new EventMpm.Configuration.DeploymentSettings
        {
            DocumentRoot = root,
            Listen = new EventMpm.Configuration.EquatableArray<EventMpm.Configuration.ListenAddress>(new[] { new EventMpm.Configuration.ListenAddress("", 0) }),
        };
        try
        {
            using var server = Server<QuickConfig>.Open(deployment, new ServerPaths(deployment, root));
            server.Start();
            foreach (var address in new[] { System.Net.IPAddress.Loopback, System.Net.IPAddress.IPv6Loopback })
            {
                using var s = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000 };
                s.Connect(address, server.Ports[0]);
                Wire.Send(s, Wire.Get("/"));
                Assert.Equal("dual\n", Encoding.ASCII.GetString(Wire.ReadOne(s).Body));
            }
        }
        finally
        {
            System.IO.Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_silent_connection_is_accepted_only_when_its_request_arrives()
    {
        using var server = new TestServer<QuickConfig>(); // AcceptFilter http data, the default
        using Socket silent = server.Connect();
        Thread.Sleep(300);
        Assert.Equal(0, server.Server.OpenConnections); // still the kernel's, however long it stays silent (up to 30 s)

        Wire.Send(silent, Wire.Get("/hello.txt"));
        Assert.Equal(200, Wire.ReadOne(silent).Status);
        Assert.Equal(1, server.Server.OpenConnections);
    }

    [Fact]
    public void With_AcceptFilter_none_a_silent_connection_is_accepted_at_once()
    {
        using var server = new TestServer<AcceptAtOnceConfig>();
        using Socket silent = server.Connect();
        Wire.WaitFor(() => server.Server.OpenConnections == 1, "the silent connection to be accepted");
        Wire.Send(silent, Wire.Get("/hello.txt"));
        Assert.Equal(200, Wire.ReadOne(silent).Status);
    }

    [Fact]
    public void Stop_closes_idle_connections_and_returns()
    {
        var server = new TestServer<QuickConfig>();
        using Socket idle = server.Connect();
        Wire.Send(idle, Wire.Get("/hello.txt"));
        Assert.Equal(200, Wire.ReadOne(idle).Status);

        var clock = Stopwatch.StartNew();
        server.Dispose();
        Assert.True(clock.ElapsedMilliseconds < 3000, "stopping took " + clock.ElapsedMilliseconds + " ms");
        Assert.True(Wire.ClosesWithin(idle, 1000));
    }
}
