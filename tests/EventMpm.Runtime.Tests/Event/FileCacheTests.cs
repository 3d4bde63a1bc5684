using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>Files above FileCache.SendfileAbove: cached as a descriptor, sent with sendfile from a dup of it.</summary>
public sealed class FileCacheTests
{
    /// <summary>This process's descriptors open on the file.</summary>
    private static int DescriptorsOn(string path) => Directory.GetFiles("/proc/self/fd").Count(fd =>
    {
        try
        {
            return new FileInfo(fd).LinkTarget is string target && target.StartsWith(path, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // closed meanwhile
        }
    });

    [Fact]
    public void A_cached_descriptor_serves_the_file_and_its_ranges_and_a_changed_file_within_a_second_without_leaking()
    {
        using var server = new TestServer<QuickConfig>();
        string path = Path.Combine(server.Root, "mid.bin");
        var content = new byte[100 * 1024];
        new Random(5).NextBytes(content);
        File.WriteAllBytes(path, content);

        using Socket s = server.Connect();
        byte[] leftover = Array.Empty<byte>();
        for (int i = 0; i < 3; i++) // the first response caches it, the next come from the descriptor
        {
            Wire.Send(s, Wire.Get("/mid.bin"));
            var r = Wire.Read(s, ref leftover)!.Value;
            Assert.Equal(200, r.Status);
            Assert.Equal(content, r.Body);
        }
        Wire.Send(s, Wire.Get("/mid.bin", "Range: bytes=1000-1999\r\n"));
        var part = Wire.Read(s, ref leftover)!.Value;
        Assert.Equal(206, part.Status);
        Assert.Equal(content.AsSpan(1000, 1000).ToArray(), part.Body);

        Assert.Equal(1, DescriptorsOn(path)); // the cache's own
        for (int round = 0; round < 3; round++)
        {
            content[0] = (byte)round;
            File.WriteAllBytes(path, content);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(round + 1)); // a new ETag each round
            Thread.Sleep(1100); // the entry's second of trust runs out (and the kept-alive connection with it)
            using Socket again = server.Connect();
            Wire.Send(again, Wire.Get("/mid.bin"));
            Assert.Equal(content, Wire.ReadOne(again).Body);
        }
        // Each replaced entry's descriptor was closed, and each response's dup after it was sent.
        Assert.Equal(1, DescriptorsOn(path));
    }
}
