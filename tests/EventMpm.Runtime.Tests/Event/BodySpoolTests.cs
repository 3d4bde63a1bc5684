using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Handlers;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>Answers with the body's length and its FNV-1a hash, read 64 KiB at a time.</summary>
public sealed class DigestHandler : IRequestHandler
{
    public void Handle(Request request, Response response) => response.Write(BodyDigest.Of(request.Body));
}

/// <summary>Says it has started before it reads its body, which it reads as it arrives.</summary>
public sealed class StreamingDigestHandler : IStreamingBodyHandler
{
    public void Handle(Request request, Response response)
    {
        response.Write("started\n");
        response.Flush();
        response.Write(BodyDigest.Of(request.Body));
    }
}

public static class BodyDigest
{
    public static string Of(Stream body)
    {
        var buffer = new byte[64 * 1024];
        long length = 0;
        ulong hash = Offset;
        int n;
        while ((n = body.Read(buffer)) > 0)
        {
            hash = Add(hash, buffer.AsSpan(0, n));
            length += n;
        }
        return length + " " + hash.ToString("x16");
    }

    public static string Of(byte[] body) => body.Length + " " + Add(Offset, body).ToString("x16");

    private const ulong Offset = 14695981039346656037;

    private static ulong Add(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) hash = (hash ^ b) * 1099511628211;
        return hash;
    }
}

/// <summary>One worker, bodies up to 4 MiB, a body time long enough for the tests' pauses.</summary>
public struct SpoolConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 3_000;
    public static long LimitRequestBody => 4 * 1024 * 1024;
    public static int RequestReadBodyTimeout => 10;
    public static IReadOnlyList<LocationSpec> Locations =>
    [
        new("/digest", typeof(DigestHandler).FullName!),
        new("/streaming", typeof(StreamingDigestHandler).FullName!),
    ];

    public static IRequestHandler? CreateHandler(string typeName) => typeName switch
    {
        "EventMpm.Runtime.Tests.Event.DigestHandler" => new DigestHandler(),
        "EventMpm.Runtime.Tests.Event.StreamingDigestHandler" => new StreamingDigestHandler(),
        _ => null,
    };
}

/// <summary>As <see cref="SpoolConfig"/>, with a body time of one second whatever the rate.</summary>
public struct ShortBodyTimeConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static long LimitRequestBody => 4 * 1024 * 1024;
    public static int RequestReadBodyTimeout => 1;
    public static int RequestReadBodyMinRate => 0;
    public static IReadOnlyList<LocationSpec> Locations => SpoolConfig.Locations;
    public static IRequestHandler? CreateHandler(string typeName) => SpoolConfig.CreateHandler(typeName);
}

/// <summary>
/// A C# handler's body over 16 KiB: received into an unnamed file in the connection's turns,
/// with the one worker free while the client sends, read whole by the handler, and the file gone
/// on every path. Each test spools into a directory of its own and counts this process's
/// descriptors open on it.
/// </summary>
public sealed class BodySpoolTests : IDisposable
{
    private const int Size = 1024 * 1024;
    private readonly string _temporary = Path.Combine(Path.GetTempPath(), "eventmpm-spool-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly byte[] _payload = new byte[Size];

    public BodySpoolTests()
    {
        Directory.CreateDirectory(_temporary);
        new Random(11).NextBytes(_payload);
    }

    public void Dispose() => Directory.Delete(_temporary, recursive: true);

    /// <summary>Descriptors of this process open on files in the spool directory (named or not).</summary>
    private int Spooled() => Directory.GetFiles("/proc/self/fd").Count(fd =>
    {
        try
        {
            return new FileInfo(fd).LinkTarget?.StartsWith(_temporary + "/", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false; // closed meanwhile
        }
    });

    private static byte[] Chunked(byte[] body, int chunk)
    {
        var encoded = new MemoryStream();
        for (int at = 0; at < body.Length; at += chunk)
        {
            int n = Math.Min(chunk, body.Length - at);
            encoded.Write(Encoding.ASCII.GetBytes(n.ToString("x") + "\r\n"));
            encoded.Write(body, at, n);
            encoded.Write("\r\n"u8);
        }
        encoded.Write("0\r\n\r\n"u8);
        return encoded.ToArray();
    }

    private (string Head, byte[] Body) Request(bool chunked, string extra = "")
        => ("POST /digest HTTP/1.1\r\nHost: h\r\n" + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + Size + "\r\n") + extra + "\r\n",
            chunked ? Chunked(_payload, 50_000) : _payload);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_large_body_is_spooled_while_the_only_worker_serves_others_and_the_handler_reads_it_whole(bool chunked)
    {
        using var server = new TestServer<SpoolConfig>(temporary: _temporary);
        var (head, body) = Request(chunked);
        using Socket s = server.Connect();
        Wire.Send(s, head);
        s.Send(body, 0, 300_001, SocketFlags.None); // mid-chunk, mid-line: wherever a read stops
        Wire.WaitFor(() => server.Server.IdleWorkers == 1 && Spooled() == 1, "the body to be spooled with the worker free");
        Assert.Empty(Directory.GetFileSystemEntries(_temporary)); // the file has no name

        using (Socket other = server.Connect())
        {
            Wire.Send(other, Wire.Get("/hello.txt"));
            Assert.Equal(200, Wire.ReadOne(other).Status);
        }
        s.Send(body, 300_001, body.Length - 300_001, SocketFlags.None);
        Wire.Send(s, Wire.Get("/hello.txt")); // pipelined behind the body
        byte[] leftover = [];
        var r = Wire.Read(s, ref leftover)!.Value;
        Assert.Equal(200, r.Status);
        Assert.Equal(BodyDigest.Of(_payload), Encoding.ASCII.GetString(r.Body));
        Assert.Equal(200, Wire.Read(s, ref leftover)!.Value.Status);
        Wire.WaitFor(() => Spooled() == 0, "the spool to go once the handler has returned");
    }

    [Fact]
    public void Expect_100_continue_is_answered_when_a_large_body_is_wanted()
    {
        using var server = new TestServer<SpoolConfig>(temporary: _temporary);
        var (head, body) = Request(chunked: false, "Expect: 100-continue\r\n");
        using Socket s = server.Connect();
        Wire.Send(s, head);
        var interim = new byte[64];
        int n = s.Receive(interim);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(interim, 0, n));
        Wire.WaitFor(() => server.Server.IdleWorkers == 1, "the worker to be free while the body is awaited");
        s.Send(body);
        var r = Wire.ReadOne(s);
        Assert.Equal(BodyDigest.Of(_payload), Encoding.ASCII.GetString(r.Body));
        Wire.WaitFor(() => Spooled() == 0, "the spool to go");
    }

    [Fact]
    public void The_spool_goes_when_the_client_leaves_mid_body()
    {
        using var server = new TestServer<SpoolConfig>(temporary: _temporary);
        var (head, body) = Request(chunked: false);
        using (Socket s = server.Connect())
        {
            Wire.Send(s, head);
            s.Send(body, 0, 200_000, SocketFlags.None);
            Wire.WaitFor(() => Spooled() == 1, "the body to be spooled");
        }
        Wire.WaitFor(() => Spooled() == 0 && server.Server.OpenConnections == 0, "the spool to go with the connection");
    }

    [Fact]
    public void A_chunked_body_passing_LimitRequestBody_mid_spool_is_a_413_and_the_spool_goes()
    {
        using var server = new TestServer<SpoolConfig>(temporary: _temporary);
        using Socket s = server.Connect();
        Wire.Send(s, "POST /digest HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] over = Chunked(new byte[5 * 1024 * 1024], 100_000);
        s.Send(over, 0, 1_000_000, SocketFlags.None);
        Wire.WaitFor(() => Spooled() == 1, "the body to be spooled");
        try
        {
            s.Send(over, 1_000_000, over.Length - 1_000_000, SocketFlags.None);
        }
        catch (SocketException)
        {
            // the server may have answered and closed before the last bytes
        }
        var r = Wire.ReadOne(s);
        Assert.Equal(413, r.Status);
        Wire.WaitFor(() => Spooled() == 0, "the spool to go");
    }

    [Fact]
    public void A_body_that_stops_coming_is_a_408_and_the_spool_goes()
    {
        using var server = new TestServer<ShortBodyTimeConfig>(temporary: _temporary);
        var (head, body) = Request(chunked: false);
        using Socket s = server.Connect();
        s.ReceiveTimeout = 10_000;
        Wire.Send(s, head);
        s.Send(body, 0, 100_000, SocketFlags.None);
        Wire.WaitFor(() => Spooled() == 1, "the body to be spooled");
        Assert.Equal(408, Wire.ReadOne(s).Status); // a second after the body began

        Wire.WaitFor(() => Spooled() == 0, "the spool to go");
    }

    [Fact]
    public void The_spool_goes_when_the_server_stops_mid_body()
    {
        var server = new TestServer<SpoolConfig>(temporary: _temporary);
        var (head, body) = Request(chunked: true);
        using Socket s = server.Connect();
        Wire.Send(s, head);
        s.Send(body, 0, 200_000, SocketFlags.None);
        Wire.WaitFor(() => Spooled() == 1, "the body to be spooled");
        server.Dispose(); // waits out Timeout (3 s) for the request in flight, then closes what is left
        Assert.Equal(0, Spooled());
    }

    [Fact]
    public void A_streaming_handler_runs_before_its_body_has_come_and_reads_it_as_it_arrives()
    {
        using var server = new TestServer<SpoolConfig>(temporary: _temporary);
        using Socket s = server.Connect();
        Wire.Send(s, "POST /streaming HTTP/1.1\r\nHost: h\r\nContent-Length: " + Size + "\r\n\r\n");
        s.Send(_payload, 0, 100_000, SocketFlags.None);
        string received = ReceiveUntil(s, "started\n\r\n"); // the first chunk, before the rest of the body was sent
        Assert.StartsWith("HTTP/1.1 200", received);
        Assert.Equal(0, server.Server.IdleWorkers); // its worker waits for the body, as the handler asked
        Assert.Equal(0, Spooled());
        s.Send(_payload, 100_000, Size - 100_000, SocketFlags.None);
        Assert.Contains(BodyDigest.Of(_payload), ReceiveUntil(s, "0\r\n\r\n"));
    }

    private static string ReceiveUntil(Socket s, string end)
    {
        var text = new StringBuilder();
        var chunk = new byte[4096];
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            int n = s.Receive(chunk);
            Assert.True(n > 0, "the server closed before \"" + end.Trim() + "\"");
            text.Append(Encoding.ASCII.GetString(chunk, 0, n));
        }
        return text.ToString();
    }

    [Fact]
    public void Without_a_temporary_directory_the_handler_reads_a_large_body_as_it_arrives()
    {
        using var server = new TestServer<SpoolConfig>(temporary: Path.Combine(_temporary, "missing"));
        var (head, body) = Request(chunked: true);
        using Socket s = server.Connect();
        Wire.Send(s, head);
        s.Send(body);
        Assert.Equal(BodyDigest.Of(_payload), Encoding.ASCII.GetString(Wire.ReadOne(s).Body));
    }
}
