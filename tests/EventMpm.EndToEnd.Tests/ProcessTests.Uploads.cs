using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;

namespace EventMpm.EndToEnd.Tests;

/// <summary>
/// Request bodies of up to 1 GiB to MpmSite's handlers on the native binary: spooled to an
/// unnamed file in the server's TMPDIR while no worker waits (/upload), or read as they arrive
/// (/upload/streaming); memory bounded, and the file gone on every path. Descriptors are counted
/// in /proc/PID/fd of every child, files in the TMPDIR the test gave the server.
/// </summary>
public sealed partial class ProcessTests
{
    private const long GiB = 1L << 30;

    /// <summary>MpmSite's RequestReadTimeout body=5,MinRate=67108864.</summary>
    private const int BodyMinRate = 64 << 20;

    /// <summary>What uploads repeat: random bytes of a prime length, so no buffer size of either side lines up with it.</summary>
    private static readonly byte[] s_pattern = MakePattern();

    private static byte[] MakePattern()
    {
        var pattern = new byte[1_048_573];
        new Random(5).NextBytes(pattern);
        return pattern;
    }

    /// <summary>Descriptors the server's children hold on files in its TMPDIR (an unnamed file's link still names the directory).</summary>
    private static int SpoolFiles(MpmServer server) => server.Children().Sum(pid =>
    {
        try
        {
            return Directory.GetFiles($"/proc/{pid}/fd").Count(fd =>
            {
                try
                {
                    return new FileInfo(fd).LinkTarget?.StartsWith(server.Temporary + "/", StringComparison.Ordinal) == true;
                }
                catch (IOException)
                {
                    return false; // closed meanwhile
                }
            });
        }
        catch (IOException)
        {
            return 0; // the child exited meanwhile
        }
    });

    /// <summary>
    /// Reports the largest peak resident set (VmHWM) among the children, and fails when it is
    /// past a bound far below the 1 GiB a body held in memory would take.
    /// </summary>
    private void ReportPeakRss(MpmServer server, string what)
    {
        long peak = server.Children().Max(pid =>
            long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024);
        output.WriteLine(what + ": the children's peak RSS is " + peak + " MiB");
        Assert.True(peak < 128, what + ": a child's peak RSS was " + peak + " MiB");
    }

    /// <summary>One upload on its own connection: the pattern, <paramref name="size"/> bytes declared by Content-Length.</summary>
    private sealed class Upload : IDisposable
    {
        private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { SendTimeout = 30_000, ReceiveTimeout = 30_000 };
        private ulong _hash = 14695981039346656037;

        public Upload(MpmServer server, string path, long size)
        {
            Size = size;
            _socket.Connect("127.0.0.1", server.Port);
            _socket.Send(Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {size}\r\n\r\n"));
        }

        public long Size { get; }

        public long Sent { get; private set; }

        /// <summary>The server's answer for the body sent whole: its length and FNV-1a hash, as the handler writes them.</summary>
        public string Expected => Sent + " " + _hash.ToString("x16") + "\n";

        /// <summary>
        /// Sends up to <paramref name="until"/> bytes of the body, at <paramref name="rate"/> bytes a
        /// second when given (else as fast as the server takes them). Stops early when the server
        /// has answered (a 408 ends an upload too slow); false then.
        /// </summary>
        public bool Send(long until, double? rate = null)
        {
            var clock = Stopwatch.StartNew();
            long start = Sent;
            while (Sent < until)
            {
                if (_socket.Poll(0, SelectMode.SelectRead)) return false;
                if (rate is double r && Sent - start >= r * clock.Elapsed.TotalSeconds)
                {
                    System.Threading.Thread.Sleep(2); // pacing the client, not waiting for the server
                    continue;
                }
                int at = (int)(Sent % s_pattern.Length);
                int n = (int)Math.Min(Math.Min(s_pattern.Length - at, until - Sent), 256 * 1024);
                int sent = _socket.Send(s_pattern, at, n, SocketFlags.None);
                foreach (byte b in s_pattern.AsSpan(at, sent)) _hash = (_hash ^ b) * 1099511628211;
                Sent += sent;
            }
            return true;
        }

        /// <summary>The response: its status line and body.</summary>
        public (string Status, string Body) Response()
        {
            var data = new MemoryStream();
            var buffer = new byte[4096];
            int end;
            while ((end = Encoding.ASCII.GetString(data.ToArray()).IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
            {
                int n = _socket.Receive(buffer);
                if (n == 0) throw new IOException("the server closed without an answer");
                data.Write(buffer, 0, n);
            }
            string text = Encoding.ASCII.GetString(data.ToArray());
            string head = text[..end];
            int length = int.Parse(head.Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
            while (data.Length < end + 4 + length)
            {
                int n = _socket.Receive(buffer);
                if (n == 0) break;
                data.Write(buffer, 0, n);
            }
            return (head[..head.IndexOf("\r\n", StringComparison.Ordinal)], Encoding.ASCII.GetString(data.ToArray())[(end + 4)..]);
        }

        public void Dispose() => _socket.Dispose();
    }

    [Fact]
    public void A_1_GiB_upload_at_full_speed_is_spooled_in_bounded_memory_and_its_file_goes()
    {
        using var server = new MpmServer(site);
        using var upload = new Upload(server, "/upload", GiB);
        Assert.True(upload.Send(GiB / 2));
        server.Await(() => SpoolFiles(server) == 1, 10, "half the body to be in an unnamed file");
        Assert.Empty(Directory.GetFileSystemEntries(server.Temporary));
        Assert.True(upload.Send(GiB));
        Assert.Equal(("HTTP/1.1 200 OK", upload.Expected), upload.Response());
        server.Await(() => SpoolFiles(server) == 0, 10, "the file to go once the handler has returned");
        Assert.Empty(Directory.GetFileSystemEntries(server.Temporary));
        ReportPeakRss(server, "1 GiB spooled upload");
    }

    [Fact]
    public void A_1_GiB_upload_paced_at_MinRate_is_taken_and_one_below_it_is_a_408_whose_file_goes()
    {
        using var server = new MpmServer(site);
        using (var upload = new Upload(server, "/upload", GiB))
        {
            Assert.True(upload.Send(GiB, rate: BodyMinRate));
            Assert.Equal(("HTTP/1.1 200 OK", upload.Expected), upload.Response());
        }
        ReportPeakRss(server, "1 GiB upload at MinRate");

        // At a quarter of MinRate the body time (5 s, and a second per MinRate bytes) runs out at
        // about 6.7 s: 408, as mod_reqtimeout's.
        using (var slow = new Upload(server, "/upload", GiB))
        {
            Assert.False(slow.Send(GiB, rate: BodyMinRate / 4.0), "an upload at a quarter of MinRate was not cut");
            Assert.Equal("HTTP/1.1 408 Request Timeout", slow.Response().Status);
        }
        server.Await(() => SpoolFiles(server) == 0, 10, "the file to go with the timed-out request");
        Assert.Empty(Directory.GetFileSystemEntries(server.Temporary));
    }

    [Fact]
    public void A_1_GiB_upload_to_a_streaming_handler_is_read_as_it_arrives_without_a_file()
    {
        using var server = new MpmServer(site);
        using var upload = new Upload(server, "/upload/streaming", GiB);
        Assert.True(upload.Send(GiB / 2));
        Assert.Equal(0, SpoolFiles(server));
        Assert.True(upload.Send(GiB));
        Assert.Equal(("HTTP/1.1 200 OK", upload.Expected), upload.Response());
        ReportPeakRss(server, "1 GiB streamed upload");
    }

    [Fact]
    public void A_spooled_body_survives_a_graceful_restart_and_its_file_goes_when_the_client_leaves_or_the_server_stops()
    {
        using var server = new MpmServer(site);
        const long Size = 128 << 20;

        // The client leaves half way.
        using (var gone = new Upload(server, "/upload", Size))
        {
            Assert.True(gone.Send(Size / 2));
            server.Await(() => SpoolFiles(server) == 1, 10, "the body to be spooled");
        }
        server.Await(() => SpoolFiles(server) == 0, 10, "the file to go with the client");

        // A graceful restart half way: the old child finishes the upload, then exits.
        var old = server.Children();
        using (var upload = new Upload(server, "/upload", Size))
        {
            Assert.True(upload.Send(Size / 2));
            server.Await(() => SpoolFiles(server) == 1, 10, "the body to be spooled");
            Tool.Result graceful = server.Command(server.Arguments + " -k graceful");
            Assert.True(graceful.ExitCode == 0, graceful.All);
            server.Await(() => server.Children().Except(old).Any(), 10, "the new generation");
            Assert.True(upload.Send(Size));
            Assert.Equal(("HTTP/1.1 200 OK", upload.Expected), upload.Response());
        }
        server.Await(() => !server.Children().Intersect(old).Any(), 15, "the old generation to exit");
        Assert.Equal(0, SpoolFiles(server));

        // The server stops half way: nothing is left in TMPDIR.
        using (var stopped = new Upload(server, "/upload", Size))
        {
            Assert.True(stopped.Send(Size / 2));
            server.Await(() => SpoolFiles(server) == 1, 10, "the body to be spooled");
            Tool.Result stop = server.Command(server.Arguments + " -k stop");
            Assert.True(stop.ExitCode == 0, stop.All);
            server.Await(() => !server.ControlAlive, 15, "the server to stop");
        }
        Assert.Empty(Directory.GetFileSystemEntries(server.Temporary));
    }
}
