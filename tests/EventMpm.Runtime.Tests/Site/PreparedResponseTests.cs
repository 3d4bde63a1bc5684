using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using EventMpm.Contract;
using EventMpm.Site;
using EventMpm.Http;
using Xunit;

using EventMpm.Runtime.Tests.Event;

namespace EventMpm.Runtime.Tests.Site;

/// <summary>One worker and a small socket send buffer (SendBufferSize), so a cached file's response fills the socket.</summary>
public struct OneWorkerSmallSendBufferConfig : EventMpm.Contract.IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int SendBufferSize => 4096;
    public static int TimeoutMilliseconds => 10_000;
}

/// <summary>
/// Plain GETs of a cached file above FileCache.SendfileAbove: head and body in one memfd
/// (PreparedResponse), sent with one sendfile. Files are named per test, so the memfds counted
/// are this test's alone while other tests run beside it.
/// </summary>
public sealed unsafe class PreparedResponseTests
{
    private static string UniqueName() => "prepared-" + Guid.NewGuid().ToString("N")[..8] + ".bin";

    /// <summary>This process's prepared responses for the file, by their memfd name.</summary>
    private static int PreparedFor(string relative) => Directory.GetFiles("/proc/self/fd").Count(fd =>
    {
        try
        {
            return new FileInfo(fd).LinkTarget == "/memfd:" + PreparedResponse.NamePrefix + relative + " (deleted)";
        }
        catch (IOException)
        {
            return false; // closed meanwhile
        }
    });

    private static byte[] WriteRandom(string path, int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        File.WriteAllBytes(path, content);
        return content;
    }

    private static string Field(string head, string name) => head.Split("\r\n").Single(l => l.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];

    [Fact]
    public void Plain_GETs_go_out_from_one_prepared_file_and_other_requests_for_the_file_as_before()
    {
        using var server = new TestServer<QuickConfig>();
        string name = UniqueName();
        byte[] content = WriteRandom(Path.Combine(server.Root, name), 100 * 1024, 7);

        using Socket s = server.Connect();
        byte[] leftover = Array.Empty<byte>();
        string? firstHead = null;
        for (int i = 0; i < 3; i++)
        {
            Wire.Send(s, Wire.Get("/" + name));
            var r = Wire.Read(s, ref leftover)!.Value;
            Assert.Equal(200, r.Status);
            Assert.Equal(content, r.Body);
            Assert.Equal("102400", Field(r.Head, "Content-Length"));
            firstHead ??= r.Head;
            Assert.Equal(Field(firstHead, "ETag"), Field(r.Head, "ETag"));
        }
        Assert.Equal(1, PreparedFor(name));

        // The same file asked otherwise gets its own head and the right part, as without one.
        Wire.Send(s, Wire.Get("/" + name, "Range: bytes=100-199\r\n"));
        var part = Wire.Read(s, ref leftover)!.Value;
        Assert.Equal(206, part.Status);
        Assert.Equal(content.AsSpan(100, 100).ToArray(), part.Body);
        Wire.Send(s, "GET /" + name + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var old = Wire.Read(s, ref leftover)!.Value;
        Assert.Equal(200, old.Status);
        Assert.Equal("Keep-Alive", Field(old.Head, "Connection"));
        Assert.Equal(content, old.Body);
        Wire.Send(s, Wire.Get("/" + name, "If-None-Match: " + Field(firstHead!, "ETag") + "\r\n"));
        Assert.Equal(304, Wire.Read(s, ref leftover)!.Value.Status);
    }

    [Fact]
    public void A_changed_file_gets_a_new_prepared_file_and_the_old_one_closes()
    {
        using var server = new TestServer<QuickConfig>();
        string name = UniqueName(), path = Path.Combine(server.Root, name);
        for (int round = 0; round < 3; round++)
        {
            byte[] content = WriteRandom(path, 80 * 1024 + round, round);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(round + 1));
            Thread.Sleep(1100); // the cache trusts an entry for a second (and QuickConfig's connections expire)
            using Socket s = server.Connect();
            Wire.Send(s, Wire.Get("/" + name));
            var r = Wire.ReadOne(s);
            Assert.Equal(content, r.Body);
            Assert.Equal(1, PreparedFor(name)); // the replaced entry's prepared file closed with it
        }
    }

    [Fact]
    public void A_prepared_response_to_a_client_that_stops_reading_finishes_through_write_completion()
    {
        using var server = new TestServer<OneWorkerSmallSendBufferConfig>();
        string name = UniqueName();
        byte[] content = WriteRandom(Path.Combine(server.Root, name), FileCache.MaxFileSize, 11);

        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, ReceiveTimeout = 5000 };
        stalled.Connect("127.0.0.1", server.Port);
        Wire.Send(stalled, Wire.Get("/" + name));
        Wire.WaitFor(() => server.Server.WaitingToWrite == 1 && server.Server.IdleWorkers == 1, "the prepared response to wait in write completion");
        Assert.Equal(1, PreparedFor(name)); // the one the parked response sends from

        using Socket other = server.Connect(); // the one worker is free meanwhile
        Wire.Send(other, Wire.Get("/hello.txt"));
        Assert.Equal(200, Wire.ReadOne(other).Status);

        var r = Wire.ReadOne(stalled);
        Assert.Equal(200, r.Status);
        Assert.Equal(content, r.Body);
    }

    [Fact]
    public void An_entry_makes_one_prepared_file_a_second_and_closes_it_after_its_last_response()
    {
        string path = Path.GetTempFileName();
        byte[] content = WriteRandom(path, 70 * 1024, 3);
        try
        {
            int fd;
            fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0")) fd = Tmds.Linux.LibC.open(p, Tmds.Linux.LibC.O_RDONLY | Tmds.Linux.LibC.O_CLOEXEC);
            Assert.True(fd >= 0); // the entry owns it from here
            var entry = new CachedFile(UniqueName(), Array.Empty<byte>(), new FileFacts(content.Length, 0, 0), null, 0, fd);
            byte[] head = "HTTP/1.1 200 OK\r\nDate: Fri, 27 Nov 2026 17:00:00 GMT\r\nContent-Length: 71680\r\n\r\n"u8.ToArray();

            PreparedResponse? first = entry.AcquirePrepared(head, out int firstFd);
            Assert.NotNull(first);
            var firstFile = DescriptorProbe.Identify(firstFd);
            Assert.Same(first, entry.AcquirePrepared(head, out _));
            // Another head in the same second: sent as before, no copy of the file per request.
            Assert.Null(entry.AcquirePrepared("HTTP/1.1 200 OK\r\nDate: Fri, 27 Nov 2026 17:00:00 GMT\r\nConnection: close\r\n\r\n"u8, out int none));
            Assert.Equal(-1, none);

            // The memfd holds the head and then the file.
            var sent = new byte[head.Length + content.Length];
            fixed (byte* p = sent) Assert.Equal(sent.Length, (long)Tmds.Linux.LibC.pread(firstFd, p, (Tmds.Linux.size_t)sent.Length, (Tmds.Linux.off_t)0));
            Assert.Equal([.. head, .. content], sent);

            // The next second's head gets a new one; the old one stays open for the two responses holding it.
            byte[] later = "HTTP/1.1 200 OK\r\nDate: Fri, 27 Nov 2026 17:00:01 GMT\r\nContent-Length: 71680\r\n\r\n"u8.ToArray();
            PreparedResponse? next = entry.AcquirePrepared(later, out int nextFd);
            Assert.NotNull(next);
            var nextFile = DescriptorProbe.Identify(nextFd);
            Assert.NotSame(first, next);
            first!.Release();
            Assert.True(DescriptorProbe.Holds(firstFd, firstFile));
            first.Release();
            Assert.False(DescriptorProbe.Holds(firstFd, firstFile));

            entry.Retire(); // the file changed: the entry and its prepared response go
            Assert.Null(entry.AcquirePrepared(later, out _));
            Assert.True(DescriptorProbe.Holds(nextFd, nextFile)); // one response still sends from it
            next!.Release();
            Assert.False(DescriptorProbe.Holds(nextFd, nextFile));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
