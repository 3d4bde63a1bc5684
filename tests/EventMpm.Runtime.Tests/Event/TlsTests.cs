using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Contract;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>Echoes as <see cref="EchoHandler"/>, reading the body as it arrives.</summary>
public sealed class StreamingEchoHandler : EventMpm.Handlers.IStreamingBodyHandler
{
    private readonly EchoHandler _echo = new();

    public void Handle(EventMpm.Handlers.Request request, EventMpm.Handlers.Response response) => _echo.Handle(request, response);
}

/// <summary>One worker, SSLEngine on, and handlers that echo bodies (held until whole, or read as they arrive).</summary>
public struct TlsConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 5_000;
    public static bool SSLEngine => true;
    public static IReadOnlyList<LocationSpec> Locations =>
        [new("/echo", typeof(EchoHandler).FullName!), new("/stream-echo", typeof(StreamingEchoHandler).FullName!)];
    public static EventMpm.Handlers.IRequestHandler? CreateHandler(string typeName)
        => typeName == typeof(EchoHandler).FullName ? new EchoHandler() : typeName == typeof(StreamingEchoHandler).FullName ? new StreamingEchoHandler() : null;
}

/// <summary>
/// TLS on an https listener over real sockets, with OpenSSL on the server and .NET's TLS (also
/// OpenSSL, through SslStream) as the client: requests, keep-alive, a large file through write
/// completion, and handshakes and bodies that stall without holding the one worker.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventmpm-tls-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly TestServer<TlsConfig> _server;

    public TlsTests()
    {
        Directory.CreateDirectory(_folder);
        var (certificate, key) = EventMpm.Tests.TestCertificate.WriteTo(_folder);
        _server = new TestServer<TlsConfig>(d => d with
        {
            Listen = new EquatableArray<ListenAddress>([new ListenAddress("127.0.0.1", 0, "https")]),
            SSLCertificateFile = new EquatableArray<string>([certificate]),
            SSLCertificateKeyFile = new EquatableArray<string>([key]),
        });
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private SslStream Connect(out Socket socket)
    {
        socket = _server.Connect();
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        tls.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return tls;
    }

    /// <summary>One Content-Length response off the stream.</summary>
    internal static (int Status, string Head, byte[] Body) Read(Stream s)
    {
        var head = new List<byte>();
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            int b = s.ReadByte();
            if (b < 0) throw new IOException("the server closed before the head's end");
            head.Add((byte)b);
        }
        string text = Encoding.ASCII.GetString(head.ToArray());
        int length = 0;
        foreach (string line in text.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line[15..].Trim());
        }
        var body = new byte[length];
        s.ReadExactly(body);
        return (int.Parse(text.Substring(9, 3)), text, body);
    }

    [Fact]
    public void Requests_over_TLS_are_answered_on_one_kept_alive_connection_with_TLS_1_2_or_1_3()
    {
        using SslStream tls = Connect(out Socket socket);
        using (socket)
        {
            Assert.True(tls.SslProtocol is SslProtocols.Tls13 or SslProtocols.Tls12, tls.SslProtocol.ToString());
            for (int i = 0; i < 3; i++)
            {
                tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt")));
                var r = Read(tls);
                Assert.Equal(200, r.Status);
                Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(r.Body));
                Assert.DoesNotContain("Connection: close", r.Head);
            }
            // Two requests in one write (one TLS record): both answered, in order.
            tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt") + "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nping"));
            Assert.Equal(200, Read(tls).Status);
            Assert.Equal("POST 4 4 ping", Encoding.ASCII.GetString(Read(tls).Body));
        }
    }

    [Fact]
    public void A_large_file_left_to_write_completion_arrives_whole_over_TLS()
    {
        using SslStream tls = Connect(out Socket socket);
        using (socket)
        {
            socket.ReceiveBufferSize = 64 * 1024;
            tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/big.bin")));
            // Nothing is read yet: the server fills the socket and leaves the rest to write completion.
            Wire.WaitFor(() => _server.Server.WaitingToWrite == 1 && _server.Server.IdleWorkers == 1, "the file to wait in write completion with the worker free");
            var r = Read(tls);
            Assert.Equal(200, r.Status);
            Assert.Equal(File.ReadAllBytes(Path.Combine(_server.Root, "big.bin")), r.Body);
            tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt"))); // and the connection goes on
            Assert.Equal(200, Read(tls).Status);
        }
    }

    /// <summary>A head and a file's range share the first record: the range's bytes start where they must.</summary>
    [Fact]
    public void A_range_of_a_file_arrives_exact_over_TLS()
    {
        using SslStream tls = Connect(out Socket socket);
        using (socket)
        {
            byte[] file = File.ReadAllBytes(Path.Combine(_server.Root, "big.bin"));
            foreach (var (from, to) in new[] { (100_000, 299_999), (0, 10), (TestServer<TlsConfig>.BigSize - 5, TestServer<TlsConfig>.BigSize - 1) })
            {
                tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/big.bin", $"Range: bytes={from}-{to}\r\n")));
                var r = Read(tls);
                Assert.Equal(206, r.Status);
                Assert.Equal(file.AsSpan(from, to - from + 1).ToArray(), r.Body);
            }
        }
    }

    [Fact]
    public void A_stalled_handshake_and_a_stalled_body_wait_in_the_pollset_while_the_only_worker_serves_others()
    {
        using Socket stalledHello = _server.Connect();
        stalledHello.Send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]); // a record header promising a 512-byte ClientHello, and its first byte
        using SslStream slowBody = Connect(out Socket bodySocket);
        using (bodySocket)
        {
            slowBody.Write(Encoding.ASCII.GetBytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\nhalf"));
            Wire.WaitFor(() => _server.Server.IdleWorkers == 1 && _server.Server.OpenConnections == 2, "the handshake and the body to be parked");
            using (SslStream other = Connect(out Socket otherSocket))
            using (otherSocket)
            {
                other.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt")));
                Assert.Equal(200, Read(other).Status);
            }
            slowBody.Write(Encoding.ASCII.GetBytes("done"));
            Assert.Equal("POST 8 8 halfdone", Encoding.ASCII.GetString(Read(slowBody).Body));
        }
    }

    [Fact]
    public void A_request_left_decrypted_inside_TLS_is_served_not_stranded()
    {
        using SslStream tls = Connect(out Socket socket);
        using (socket)
        {
            tls.Write(Encoding.ASCII.GetBytes("POST /stream-echo HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\nhalf"));
            Wire.WaitFor(() => _server.Server.IdleWorkers == 0, "the streaming handler to wait for the rest of its body");
            // The body's end and the next request in one record: the handler's read asks for the
            // body's 4 bytes only, so the request stays decrypted inside OpenSSL, where the pollset
            // cannot see it. Parked there, it would wait for Timeout (the read below would fail).
            tls.Write(Encoding.ASCII.GetBytes("done" + Wire.Get("/hello.txt")));
            Assert.Equal("POST 8 8 halfdone", Encoding.ASCII.GetString(Read(tls).Body));
            Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Read(tls).Body));
        }
    }

    /// <summary>Holds what is written while <see cref="Holding"/>, then sends it in one write: records that arrive together.</summary>
    private sealed class JoiningStream(Socket socket) : Stream
    {
        private readonly MemoryStream _held = new();

        public bool Holding { get; set; }

        public void Release()
        {
            Holding = false;
            socket.Send(_held.ToArray());
            _held.SetLength(0);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Holding) _held.Write(buffer, offset, count);
            else socket.Send(buffer, offset, count, SocketFlags.None);
        }

        public override int Read(byte[] buffer, int offset, int count) => socket.Receive(buffer, offset, count, SocketFlags.None);
        public override void Flush() { }
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    [Fact]
    public void Requests_in_records_read_ahead_together_are_all_served_not_stranded()
    {
        using Socket socket = _server.Connect();
        var joined = new JoiningStream(socket);
        using var tls = new SslStream(joined, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        tls.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Get(tls)));
        // Three requests, a record each, in one TCP segment: OpenSSL's read-ahead takes all three
        // at the first read and hands back the first record only. The others wait undecrypted in
        // its buffer, where the pollset cannot see them; parked there, they would wait for Timeout.
        joined.Holding = true;
        for (int i = 0; i < 3; i++) tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt")));
        joined.Release();
        for (int i = 0; i < 3; i++) Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(Read(tls).Body));

        static byte[] Get(SslStream tls)
        {
            tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt")));
            return Read(tls).Body;
        }
    }

    [Fact]
    public void Plain_HTTP_to_the_TLS_port_is_answered_400_in_plain_HTTP_and_closed()
    {
        using Socket s = _server.Connect();
        Wire.Send(s, Wire.Get("/hello.txt"));
        var (status, head, body) = Wire.ReadOne(s);
        Assert.Equal(400, status);
        Assert.Contains("Connection: close", head);
        Assert.Contains("This port speaks HTTPS", Encoding.ASCII.GetString(body));
        Assert.True(Wire.ClosesWithin(s, 3000));
        Wire.WaitFor(() => _server.Server.OpenConnections == 0, "the connection to be closed");
        // A TLS client on the same port is served as ever.
        using SslStream tls = Connect(out Socket socket);
        using (socket)
        {
            tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt")));
            Assert.Equal(200, Read(tls).Status);
        }
    }

    /// <summary>
    /// 2,000 handshakes that never finish (a ClientHello's record header and one byte of it) wait
    /// in the pollset: the one worker serves fresh TLS clients meanwhile, and every stalled
    /// connection is still open, unanswered, at the end (RequestReadTimeout's 20 s is not up).
    /// </summary>
    [Fact]
    public void Two_thousand_stalled_handshakes_hold_no_worker_and_the_only_worker_serves_fresh_TLS_clients()
    {
        var stalled = new List<Socket>();
        try
        {
            for (int i = 0; i < 2000; i++)
            {
                Socket s = _server.Connect();
                stalled.Add(s);
                s.Send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]);
            }
            Wire.WaitFor(() => _server.Server.OpenConnections >= 2000 && _server.Server.IdleWorkers == 1, "the stalled handshakes to be accepted and parked");
            for (int i = 0; i < 50; i++)
            {
                using SslStream tls = Connect(out Socket socket);
                using (socket)
                {
                    tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt")));
                    Assert.Equal(200, Read(tls).Status);
                }
            }
            Assert.All(stalled, s => Assert.False(s.Poll(0, SelectMode.SelectRead), "a stalled handshake was answered or closed"));
            Assert.True(_server.Server.OpenConnections >= 2000);
        }
        finally
        {
            foreach (Socket s in stalled) s.Dispose();
        }
    }
}
