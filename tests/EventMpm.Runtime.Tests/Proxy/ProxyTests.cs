using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Runtime.Tests.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Proxy;

/// <summary>One worker, and a backend's answer awaited for at most a second.</summary>
public struct ProxyConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 5_000;
    public static int ProxyTimeoutMilliseconds => 1_000;
    public static long LimitRequestBody => 10_000_000;
    public static IReadOnlyList<LocationSpec> Locations => [new("/server-status", "server-status")];
}

/// <summary>
/// The reverse proxy over real sockets: a request goes to the backend mapped as ProxyPass says and
/// its answer comes back framed for the client; keep-alive to the backend; the waits for the
/// backend hold no worker; and each failure answers as mod_proxy does.
/// </summary>
public sealed class ProxyTests : IDisposable
{
    private readonly TestBackend _backend = new(r => TestBackend.Response(200, "backend says hi"));
    private readonly TestServer<ProxyConfig> _proxy;

    /// <summary>/app goes to the backend (its /base), /app/private stays here, /down goes to a port nobody listens on, /slow waits 10 s for the backend.</summary>
    public ProxyTests()
    {
        int deadPort;
        using (var dead = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            dead.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // nobody listens on it once it is closed
            deadPort = ((IPEndPoint)dead.LocalEndPoint!).Port;
        }
        string backend = "http://127.0.0.1:" + _backend.Port + "/base";
        _proxy = new TestServer<ProxyConfig>(d => d with
        {
            ProxyPass = new EquatableArray<ProxyRoute>([new("/app/private", "!"), new("/app", backend, Retry: 0), new("/down", "http://127.0.0.1:" + deadPort + "/", Retry: 0),
                new("/slow", backend + "/slow", Timeout: 10_000), new("/ws", backend + "/ws", Upgrade: "websocket")]),
            ProxyPassReverse = new EquatableArray<ProxyReverse>([new("/app", backend)]),
        });
    }

    public void Dispose()
    {
        _proxy.Dispose();
        _backend.Dispose();
    }

    private (int Status, string Head, byte[] Body) Get(string path, string extra = "")
    {
        using Socket s = _proxy.Connect();
        Wire.Send(s, Wire.Get(path, extra));
        return Wire.ReadOne(s);
    }

    [Fact]
    public void A_request_goes_to_the_backend_with_its_path_mapped_and_the_answer_comes_back_without_hop_by_hop_fields()
    {
        _backend.Answer = _ => Encoding.ASCII.GetBytes("HTTP/1.1 200 Fine\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nKeep-Alive: timeout=5\r\n"
            + "Connection: keep-alive, X-Hop\r\nX-Hop: only for the proxy\r\nX-End: kept\r\n\r\nok");
        var r = Get("/app/some%20where/x?q=1&r=%2F", "X-Forwarded-For: 10.0.0.1\r\nConnection: X-Private\r\nX-Private: hop\r\nTE: trailers\r\n");

        Assert.Equal(200, r.Status);
        Assert.Equal("ok", Encoding.ASCII.GetString(r.Body));
        Assert.StartsWith("HTTP/1.1 200 Fine\r\n", r.Head + "\r\n");
        Assert.Contains("X-End: kept", r.Head);
        Assert.DoesNotContain("X-Hop", r.Head);
        Assert.DoesNotContain("timeout=5", r.Head);

        BackendRequest sent = Assert.Single(_backend.Requests);
        Assert.Equal("GET /base/some%20where/x?q=1&r=%2F HTTP/1.1", sent.RequestLine);
        Assert.Equal("127.0.0.1:" + _backend.Port, sent.Field("Host"));
        Assert.Equal("10.0.0.1, 127.0.0.1", sent.Field("X-Forwarded-For"));
        Assert.Equal("localhost", sent.Field("X-Forwarded-Host"));
        Assert.Null(sent.Field("X-Private")); // named by the client's Connection: this hop's only
        Assert.Null(sent.Field("TE"));
        Assert.Null(sent.Field("Connection"));
    }

    [Fact]
    public void Connections_to_the_backend_are_kept_and_reused_for_the_next_requests()
    {
        for (int connection = 0; connection < 2; connection++)
        {
            using Socket s = _proxy.Connect();
            for (int i = 0; i < 3; i++)
            {
                Wire.Send(s, Wire.Get("/app/n" + i));
                var r = Wire.ReadOne(s);
                Assert.Equal(200, r.Status);
                Assert.Equal("backend says hi", Encoding.ASCII.GetString(r.Body));
            }
        }
        Assert.Equal(6, _backend.Requests.Count);
        Assert.Equal(1, _backend.Connections);
    }

    [Fact]
    public void A_pooled_connection_is_not_used_once_the_backends_advertised_keep_alive_time_is_nearly_over()
    {
        _backend.Answer = _ => TestBackend.Response(200, "ok", "Keep-Alive: timeout=2\r\n");
        Assert.Equal(200, Get("/app/1").Status);
        Thread.Sleep(1_200); // past the pool's limit for this backend: its timeout less a second
        Assert.Equal(200, Get("/app/2").Status);
        Assert.Equal(200, Get("/app/3").Status); // well within it
        Assert.Equal(new[] { 1, 2, 2 }, _backend.Requests.Select(r => r.Connection).ToArray());
    }

    [Fact]
    public void Chunked_answers_and_uploads_of_either_framing_are_relayed_whole()
    {
        _backend.Answer = r => r.Head.StartsWith("GET", StringComparison.Ordinal)
            ? Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
            : TestBackend.Response(201, "got " + r.Body.Length);
        using Socket s = _proxy.Connect();
        Wire.Send(s, Wire.Get("/app/chunks"));
        string answer = ReadUntil(s, "0\r\nX-Trailer: t\r\n\r\n");
        Assert.Contains("Transfer-Encoding: chunked", answer);
        Assert.EndsWith("\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n", answer);

        byte[] upload = new byte[300 * 1024];
        new Random(3).NextBytes(upload);
        s.Send(Encoding.ASCII.GetBytes("POST /app/up HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + upload.Length + "\r\n\r\n"));
        s.Send(upload);
        var r1 = Wire.ReadOne(s);
        Assert.Equal(201, r1.Status);
        Assert.Equal("got " + upload.Length, Encoding.ASCII.GetString(r1.Body));

        s.Send(Encoding.ASCII.GetBytes("POST /app/up HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"));
        foreach (int size in new[] { 1000, 70_000, 5 })
        {
            s.Send(Encoding.ASCII.GetBytes(size.ToString("x") + "\r\n"));
            s.Send(upload.AsSpan(0, size).ToArray());
            s.Send("\r\n"u8.ToArray());
        }
        s.Send("0\r\n\r\n"u8.ToArray());
        var r2 = Wire.ReadOne(s);
        Assert.Equal("got 71005", Encoding.ASCII.GetString(r2.Body));

        // HTTP/1.0 has no chunks: the data alone, ended by the close.
        using (Socket old = _proxy.Connect())
        {
            Wire.Send(old, "GET /app/chunks HTTP/1.0\r\nHost: localhost\r\n\r\n");
            string answer10 = ReadUntil(old, "\u0000"); // to the close
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer10);
            Assert.DoesNotContain("Transfer-Encoding", answer10);
            Assert.Contains("Connection: close", answer10);
            Assert.EndsWith("\r\n\r\nhello world", answer10);
        }

        // LimitRequestBody counts a chunked upload's data as it comes: past it, 413 and the connection closes.
        using (Socket big = _proxy.Connect())
        {
            big.Send(Encoding.ASCII.GetBytes("POST /app/up HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"));
            var chunk = Encoding.ASCII.GetBytes("100000\r\n").Concat(new byte[0x100000]).Concat("\r\n"u8.ToArray()).ToArray();
            var sender = new Thread(() =>
            {
                try
                {
                    for (int i = 0; i < 11; i++) big.Send(chunk); // 11 MiB of data against a 10 MB limit
                }
                catch (SocketException)
                {
                    // refused and closed: the rest has nowhere to go
                }
            });
            sender.Start();
            Assert.Equal(413, Wire.ReadOne(big).Status);
            sender.Join(10_000);
        }

        BackendRequest[] seen = _backend.Requests.ToArray();
        Assert.Equal(upload, seen[1].Body); // seen[3] is the HTTP/1.0 client's GET
        Assert.Equal(upload.AsSpan(0, 1000).ToArray().Concat(upload.AsSpan(0, 70_000).ToArray()).Concat(upload.AsSpan(0, 5).ToArray()), seen[2].Body);
        Assert.Equal("chunked", seen[2].Field("Transfer-Encoding"));
    }

    [Fact]
    public void A_slow_backend_holds_no_worker_and_the_only_worker_serves_others_meanwhile()
    {
        using var release = new ManualResetEventSlim();
        _backend.Answer = r =>
        {
            if (!r.RequestLine.Contains("/slow")) return TestBackend.Response(200, "backend says hi");
            release.Wait(10_000);
            return TestBackend.Response(200, "slow done");
        };
        using Socket slow = _proxy.Connect();
        Wire.Send(slow, Wire.Get("/slow"));
        Wire.WaitFor(() => _backend.Requests.Count == 1, "the slow request to reach the backend");
        Wire.WaitFor(() => _proxy.Server.IdleWorkers == 1, "the worker to be free while the backend thinks");
        // mod_status's page counts it as waiting on its backend (the listener publishes within a second).
        Wire.WaitFor(() => Status().Contains("ProxyWaitingOnBackend: 1\nProxyInProgress: 1\n"), "the status page to count the waiting request");

        var file = Get("/hello.txt"); // the one worker answers a file meanwhile
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(file.Body));
        var proxied = Get("/app/other"); // and another proxied request, on a second backend connection
        Assert.Equal("backend says hi", Encoding.ASCII.GetString(proxied.Body));

        release.Set();
        var r = Wire.ReadOne(slow);
        Assert.Equal("slow done", Encoding.ASCII.GetString(r.Body));
        Wire.WaitFor(() => Status().Contains("ProxyWaitingOnBackend: 0\nProxyInProgress: 0\n"), "the status page to count it done");
    }

    [Fact]
    public void A_backend_that_refuses_is_503_one_that_does_not_answer_in_time_is_504_and_garbage_is_502()
    {
        Assert.Equal(503, Get("/down/x").Status);

        using var never = new ManualResetEventSlim();
        _backend.Answer = r => r.RequestLine.Contains("/hang") ? Hang(never) : Encoding.ASCII.GetBytes("HELLO there\r\n\r\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(504, Get("/app/hang").Status);
        Assert.InRange(clock.ElapsedMilliseconds, 900, 4_000); // ProxyTimeout 1 s
        never.Set();

        Assert.Equal(502, Get("/app/garbage").Status);
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Get("/hello.txt").Body)); // and the server goes on
    }

    [Fact]
    public void A_request_whose_pooled_connection_the_backend_closed_is_sent_again_once_on_a_new_one_unless_it_is_a_POST()
    {
        // The backend answers the first request on each connection and closes the connection on
        // the next one without answering: the race of a keep-alive timeout meeting a request.
        _backend.Answer = r => _backend.Requests.Count(q => q.Connection == r.Connection) == 1 ? TestBackend.Response(200, "first on " + r.Connection) : null;
        Assert.Equal("first on 1", Encoding.ASCII.GetString(Get("/app/a").Body));
        var again = Get("/app/b");
        Assert.Equal(200, again.Status);
        Assert.Equal("first on 2", Encoding.ASCII.GetString(again.Body)); // sent on connection 1, lost, sent again on 2
        Assert.Equal(3, _backend.Requests.Count);

        using Socket s = _proxy.Connect();
        Wire.Send(s, "POST /app/c HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi");
        Assert.Equal(502, Wire.ReadOne(s).Status); // not idempotent: never sent twice
    }

    [Fact]
    public void A_backend_that_answers_before_reading_the_upload_has_its_answer_relayed_and_the_client_connection_closes()
    {
        _backend.BeforeBody = r => TestBackend.Response(413, "too big for me", "Connection: close\r\n");
        using Socket s = _proxy.Connect();
        byte[] upload = new byte[8 * 1024 * 1024];
        s.Send(Encoding.ASCII.GetBytes("POST /app/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + upload.Length + "\r\n\r\n"));
        var sender = new Thread(() =>
        {
            try
            {
                s.Send(upload);
            }
            catch (SocketException)
            {
                // the proxy closed after answering: the rest of the upload has nowhere to go
            }
        });
        sender.Start();
        var r = Wire.ReadOne(s);
        Assert.Equal(413, r.Status);
        Assert.Equal("too big for me", Encoding.ASCII.GetString(r.Body));
        Assert.Contains("Connection: close", r.Head);
        sender.Join(10_000);
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Get("/hello.txt").Body));
    }

    [Fact]
    public void A_backend_that_answers_while_the_client_is_slow_to_send_its_body_is_heard_at_once()
    {
        _backend.BeforeBody = r =>
        {
            Thread.Sleep(300); // the backend thinks: the proxy is waiting for the client by then
            return TestBackend.Response(413, "no", "Connection: close\r\n");
        };
        using Socket s = _proxy.Connect();
        Wire.Send(s, "POST /app/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\nx"); // and no more
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(413, Wire.ReadOne(s).Status);
        Assert.True(clock.ElapsedMilliseconds < 3_000, clock.ElapsedMilliseconds + " ms: the answer waited for the body's timeout"); // the body stage waits 20 s
    }

    [Fact]
    public void A_WebSocket_upgrade_opens_a_tunnel_that_holds_no_worker_relays_both_ways_and_ends_with_either_side()
    {
        _backend.Answer = r => r.Field("Upgrade") == "websocket"
            ? Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
            : TestBackend.Response(200, "plain");
        const string upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

        // Where the route does not allow it, the switch is not passed on: a plain answer.
        Assert.Equal("plain", Encoding.ASCII.GetString(Get("/app/chat", upgrade).Body));
        Assert.Null(_backend.Requests.Single().Field("Upgrade"));

        using Socket s = _proxy.Connect();
        Wire.Send(s, Wire.Get("/ws/chat", upgrade));
        string head = ReadUntil(s, "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", head);
        Assert.Contains("\r\nUpgrade: websocket\r\n", head);
        Assert.Contains("\r\nConnection: Upgrade\r\n", head);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head);
        BackendRequest sent = _backend.Requests.Last();
        Assert.Equal("GET /base/ws/chat HTTP/1.1", sent.RequestLine);
        Assert.Equal("websocket", sent.Field("Upgrade"));
        Assert.Equal("Upgrade", sent.Field("Connection"));
        Assert.Equal("dGhlIHNhbXBsZSBub25jZQ==", sent.Field("Sec-WebSocket-Key"));

        // An idle tunnel holds no worker: the only one answers others.
        Wire.WaitFor(() => _proxy.Server.IdleWorkers == 1, "the worker to be free while the tunnel is idle");
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Get("/hello.txt").Body));

        for (int i = 0; i < 3; i++)
        {
            byte[] frame = Encoding.ASCII.GetBytes("frame " + i);
            s.Send(frame);
            Assert.Equal(frame, Receive(s, frame.Length));
        }
        // More than the relay buffer, both ways at once.
        byte[] burst = new byte[3 * 1024 * 1024];
        new Random(9).NextBytes(burst);
        var sender = new Thread(() => s.Send(burst));
        sender.Start();
        Assert.Equal(burst, Receive(s, burst.Length));
        sender.Join();

        // The client closes: so does the backend's side.
        int closedBefore = _backend.Closed;
        s.Shutdown(SocketShutdown.Both);
        s.Close();
        Wire.WaitFor(() => _backend.Closed > closedBefore, "the backend's connection to close with the tunnel");
    }

    [Fact]
    public void A_tunnel_ends_when_the_backend_closes()
    {
        _backend.Answer = _ => Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        using Socket s = _proxy.Connect();
        Wire.Send(s, Wire.Get("/ws/chat", "Upgrade: websocket\r\nConnection: Upgrade\r\n"));
        Assert.StartsWith("HTTP/1.1 101", ReadUntil(s, "\r\n\r\n"));
        s.Send("ping"u8.ToArray());
        Assert.Equal("ping"u8.ToArray(), Receive(s, 4));
        _backend.CloseIdleConnections(); // the backend ends it
        Assert.True(Wire.ClosesWithin(s, 3_000), "the client's side to close after the backend's");
    }

    private static byte[] Receive(Socket s, int length)
    {
        var data = new byte[length];
        for (int have = 0; have < length;)
        {
            int n = s.Receive(data, have, length - have, SocketFlags.None);
            if (n == 0) throw new InvalidOperationException("closed after " + have + " of " + length + " bytes");
            have += n;
        }
        return data;
    }

    [Fact]
    public void ProxyPassReverse_puts_this_server_in_the_backends_redirects_and_an_excluded_path_stays_here()
    {
        _backend.Answer = _ => Encoding.ASCII.GetBytes("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + _backend.Port + "/base/next?x=1\r\nContent-Length: 0\r\n\r\n");
        var r = Get("/app/old");
        Assert.Equal(302, r.Status);
        Assert.Contains("Location: http://localhost/app/next?x=1", r.Head);

        Assert.Equal(404, Get("/app/private/thing").Status); // ProxyPass /app/private !: DocumentRoot's, which has none
        Assert.Single(_backend.Requests);
    }

    [Fact]
    public void A_large_answer_to_a_client_that_does_not_read_waits_in_write_completion_with_the_worker_free()
    {
        byte[] big = new byte[16 * 1024 * 1024];
        new Random(5).NextBytes(big);
        _backend.Answer = _ => [.. Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: " + big.Length + "\r\n\r\n"), .. big];
        using Socket s = _proxy.Connect();
        s.ReceiveBufferSize = 64 * 1024;
        Wire.Send(s, Wire.Get("/app/big"));
        Wire.WaitFor(() => _proxy.Server.WaitingToWrite == 1 && _proxy.Server.IdleWorkers == 1, "the answer to wait for the client with the worker free");
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Get("/hello.txt").Body));
        var r = Wire.ReadOne(s);
        Assert.Equal(big, r.Body);
    }

    private string Status() => Encoding.ASCII.GetString(Get("/server-status?auto").Body);

    /// <summary>A backend that takes the request and never answers (until the test ends).</summary>
    private static byte[]? Hang(ManualResetEventSlim never)
    {
        never.Wait(5_000);
        return null;
    }

    private static string ReadUntil(Socket s, string end)
    {
        var text = new StringBuilder();
        var chunk = new byte[4096];
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            int n = s.Receive(chunk);
            if (n == 0) break;
            text.Append(Encoding.Latin1.GetString(chunk, 0, n));
        }
        return text.ToString();
    }
}
