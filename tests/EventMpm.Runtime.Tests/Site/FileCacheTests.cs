using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using Xunit;

using EventMpm.Runtime.Tests.Event;

namespace EventMpm.Runtime.Tests.Site;

/// <summary>Files above FileCache.SendfileAbove: cached as a descriptor that responses share, sent with sendfile.</summary>
public sealed unsafe class FileCacheTests
{

    [Fact]
    public void A_replaced_entry_keeps_its_descriptor_open_for_the_responses_holding_it_and_closes_it_after_the_last()
    {
        string path = Path.GetTempFileName();
        try
        {
            int fd;
            fixed (byte* name = System.Text.Encoding.UTF8.GetBytes(path + "\0")) fd = Tmds.Linux.LibC.open(name, Tmds.Linux.LibC.O_RDONLY | Tmds.Linux.LibC.O_CLOEXEC);
            Assert.True(fd >= 0); // the entry owns it from here
            var file = DescriptorProbe.Identify(fd);
            var entry = new EventMpm.Site.CachedFile("f", Array.Empty<byte>(), new EventMpm.Http.FileFacts(0, 0, 0), null, 0, fd);

            Assert.True(entry.TryAcquire(out int first)); // a response parked in write completion
            Assert.True(entry.TryAcquire(out int second)); // and one being sent
            Assert.Equal(fd, first);
            Assert.Equal(fd, second);
            entry.Retire(); // the file changed: a new entry took its place
            Assert.False(entry.TryAcquire(out _)); // later responses use the new entry
            Assert.True(DescriptorProbe.Holds(fd, file));
            entry.Release();
            Assert.True(DescriptorProbe.Holds(fd, file)); // the parked response still sends from it
            entry.Release();
            Assert.False(DescriptorProbe.Holds(fd, file));
        }
        finally
        {
            File.Delete(path);
        }
    }

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
        // Each replaced entry's descriptor was closed once no response held it.
        Assert.Equal(1, DescriptorsOn(path));
    }
}
