using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using EventMpm.Contract;
using EventMpm.Hosting;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>mod_reqtimeout with short times: header=1-2,MinRate=500 body=1,MinRate=500; a C# handler that reads its body at /echo.</summary>
public struct ShortReadTimeoutConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int RequestReadHeaderTimeout => 1;
    public static int RequestReadHeaderMaxTimeout => 2;
    public static int RequestReadHeaderMinRate => 500;
    public static int RequestReadBodyTimeout => 1;
    public static int RequestReadBodyMinRate => 500;
    public static System.Collections.Generic.IReadOnlyList<EventMpm.Configuration.LocationSpec> Locations => [new("/echo", typeof(EchoHandler).FullName!)];
    public static EventMpm.Handlers.IRequestHandler? CreateHandler(string typeName) => typeName == typeof(EchoHandler).FullName ? new EchoHandler() : null;
}

/// <summary>Slow clients over real sockets: they wait in the pollset, never in a worker, until their time is up.</summary>
public sealed class SlowClientTests
{
    [Fact]
    public void A_slow_head_does_not_hold_the_only_worker()
    {
        using var server = new TestServer<OneWorkerConfig>();
        using Socket slow = server.Connect();
        Wire.Send(slow, "GET /hello.txt HTTP/1.1\r\nHost: loc");
        Wire.WaitFor(() => server.Server.OpenConnections == 1 && server.Server.IdleWorkers == 1, "the partial head to be parked");

        using Socket other = server.Connect();
        Wire.Send(other, Wire.Get("/hello.txt"));
        Assert.Equal(200, Wire.ReadOne(other).Status); // served by the one worker while the head is incomplete

        Wire.Send(slow, "alhost\r\n\r\n");
        var r = Wire.ReadOne(slow);
        Assert.Equal(200, r.Status);
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(r.Body));
    }

    [Fact]
    public void A_head_byte_by_byte_is_assembled_across_many_wake_ups()
    {
        using var server = new TestServer<OneWorkerConfig>();
        using Socket slow = server.Connect();
        slow.NoDelay = true;
        foreach (char ch in Wire.Get("/sub/index.html"))
        {
            slow.Send(new[] { (byte)ch });
            System.Threading.Thread.Sleep(2);
        }
        Assert.Equal(200, Wire.ReadOne(slow).Status);
    }

    [Fact]
    public void A_head_that_stops_arriving_gets_408_when_the_header_time_is_up()
    {
        using var server = new TestServer<ShortReadTimeoutConfig>();
        using Socket slow = server.Connect();
        var clock = Stopwatch.StartNew();
        Wire.Send(slow, "GET /hello.txt HTTP/1.1\r\n");
        var r = Wire.ReadOne(slow);
        Assert.Equal(408, r.Status);
        Assert.Contains("Connection: close", r.Head);
        Assert.InRange(clock.ElapsedMilliseconds, 900, 2900); // header=1, checked at least once a second
        Assert.True(Wire.ClosesWithin(slow, 3000));
    }

    [Fact]
    public void Bytes_received_extend_the_header_time_by_MinRate_up_to_the_maximum()
    {
        using var server = new TestServer<ShortReadTimeoutConfig>();
        using Socket slow = server.Connect();
        var clock = Stopwatch.StartNew();
        // 600 bytes at MinRate 500 extend header=1 by 1.2 s, capped by the maximum of 2 s.
        Wire.Send(slow, "GET /hello.txt HTTP/1.1\r\nX-Pad: " + new string('a', 560) + "\r\n");
        Assert.Equal(408, Wire.ReadOne(slow).Status);
        Assert.InRange(clock.ElapsedMilliseconds, 1900, 3900);
    }

    [Fact]
    public void A_body_a_handler_reads_that_stops_arriving_gets_408_when_the_body_time_is_up()
    {
        using var server = new TestServer<ShortReadTimeoutConfig>();
        using Socket slow = server.Connect();
        var clock = Stopwatch.StartNew();
        Wire.Send(slow, "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n0123456789");
        var r = Wire.ReadOne(slow);
        Assert.Equal(408, r.Status);
        Assert.InRange(clock.ElapsedMilliseconds, 900, 2900);
    }

    [Theory]
    [InlineData("POST", 405)]
    [InlineData("GET", 200)]
    public void Bodies_that_stop_arriving_at_files_are_answered_at_once_and_hold_no_worker(string method, int status)
    {
        // One worker, twenty clients that promise 4 KiB and send 10 bytes: each is answered at
        // once with Connection: close (a file takes no body), lingering close drains what comes
        // later in the listener, and the worker stays free for everyone else.
        using var server = new TestServer<OneWorkerConfig>();
        var slow = new Socket[20];
        try
        {
            for (int i = 0; i < slow.Length; i++)
            {
                slow[i] = server.Connect();
                Wire.Send(slow[i], method + " /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4096\r\n\r\n0123456789");
            }
            foreach (Socket s in slow)
            {
                var r = Wire.ReadOne(s);
                Assert.Equal(status, r.Status);
                Assert.Contains("Connection: close", r.Head);
            }
            Wire.WaitFor(() => server.Server.IdleWorkers == 1, "the worker to be idle while the bodies are drained");
            using Socket other = server.Connect();
            Wire.Send(other, Wire.Get("/hello.txt"));
            Assert.Equal(200, Wire.ReadOne(other).Status);
        }
        finally
        {
            foreach (Socket? s in slow) s?.Dispose();
        }
    }

    [Fact]
    public void Expect_100_continue_at_a_file_is_answered_without_asking_for_the_body()
    {
        using var server = new TestServer<OneWorkerConfig>();
        using Socket c = server.Connect();
        Wire.Send(c, "PUT /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n");
        var r = Wire.ReadOne(c);
        Assert.Equal(405, r.Status); // not 100: the body is not wanted
        Assert.Contains("Connection: close", r.Head);
    }

    [Fact]
    public void A_reader_taking_a_byte_at_a_time_is_cut_off_by_Timeout_without_holding_a_worker()
    {
        using var server = new TestServer<QuickConfig>(); // Timeout 3 s
        using Socket slow = server.Connect();
        slow.ReceiveBufferSize = 4096;
        Wire.Send(slow, Wire.Get("/big.bin"));
        var clock = Stopwatch.StartNew();
        Wire.WaitFor(() => server.Server.WaitingToWrite == 1 && server.Server.IdleWorkers == 4, "the worker to hand the response to write completion");
        var one = new byte[1];
        // One byte every 100 ms: the socket never drains far enough to take more, so the server
        // closes it when Timeout passes without progress. (The client still has the kernel's
        // buffered bytes to read after that, so the server's side is what is watched.)
        while (server.Server.OpenConnections > 0 && clock.ElapsedMilliseconds < 10_000)
        {
            slow.Receive(one);
            System.Threading.Thread.Sleep(100);
        }
        Assert.Equal(0, server.Server.OpenConnections);
        Assert.InRange(clock.ElapsedMilliseconds, 2500, 6000);
    }

    [Fact]
    public void Connections_still_reading_their_head_do_not_close_admission()
    {
        using var server = new TestServer<AdmissionConfig>();
        Wire.WaitFor(() => server.Server.IdleWorkers == 2);
        // ThreadsPerChild 2 + AsyncRequestWorkerFactor 2 x 2 idle workers = 6 connections would
        // stop accepting; 10 slow heads do not count against it.
        var slow = Enumerable.Range(0, 10).Select(_ => server.Connect()).ToList();
        try
        {
            foreach (Socket s in slow) Wire.Send(s, "GET / HTTP/1.1\r\n");
            Wire.WaitFor(() => server.Server.OpenConnections == 10 && server.Server.IdleWorkers == 2, "10 parked heads");
            Assert.True(server.Server.Accepting);
            using Socket fresh = server.Connect();
            Wire.Send(fresh, Wire.Get("/hello.txt"));
            Assert.Equal(200, Wire.ReadOne(fresh).Status);
        }
        finally
        {
            foreach (Socket s in slow) s.Dispose();
        }
    }
}
