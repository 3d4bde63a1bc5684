using System;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>
/// A shared mapping the control process and its children all see: an anonymous memfd that the
/// children inherit (httpd's anonymous shm), or a named file that other programs can map too
/// (httpd's ScoreBoardFile). The memory starts zeroed.
/// </summary>
internal sealed unsafe class SharedMemory : IDisposable
{
    private SharedMemory(int fd, long size, byte* pointer)
    {
        Fd = fd;
        Size = size;
        Pointer = pointer;
    }

    /// <summary>The descriptor a child inherits to map the same memory.</summary>
    public int Fd { get; }

    public long Size { get; }

    public byte* Pointer { get; }

    /// <summary>A new zeroed segment: at <paramref name="path"/> when given (replacing a stale one), else anonymous.</summary>
    public static SharedMemory Create(long size, string? path, string what = "scoreboard")
    {
        int fd;
        if (path is null)
        {
            fd = Files.MemoryFile("eventmpm-" + what);
        }
        else
        {
            System.IO.File.Delete(path); // httpd removes a stale segment first, so a size change is safe
            fd = Open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC);
        }
        if (fd < 0) throw new InvalidOperationException("cannot create the " + what + (path is null ? "" : " " + path) + ": " + Sys.Describe(Sys.Errno));
        if (LibC.ftruncate(fd, size) != 0)
        {
            int errno = Sys.Errno;
            LibC.close(fd);
            throw new InvalidOperationException("cannot size the " + what + ": " + Sys.Describe(errno));
        }
        return Map(fd, size, what);
    }

    /// <summary>Maps an inherited segment; its size is the file's.</summary>
    public static SharedMemory Attach(int fd, string what = "scoreboard")
    {
        long size = LibC.lseek(fd, 0, LibC.SEEK_END);
        if (size < 0) throw new InvalidOperationException("cannot size the inherited " + what + ": " + Sys.Describe(Sys.Errno));
        return Map(fd, size, what);
    }

    private static SharedMemory Map(int fd, long size, string what)
    {
        void* p = LibC.mmap(null, (size_t)(ulong)size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        if (p == LibC.MAP_FAILED)
        {
            int errno = Sys.Errno;
            LibC.close(fd);
            throw new InvalidOperationException("cannot map the " + what + ": " + Sys.Describe(errno));
        }
        return new SharedMemory(fd, size, (byte*)p);
    }

    private static int Open(string path, int flags)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) return LibC.open(p, flags, 0x1A4); // 0644: readable by monitoring tools
    }

    public void Dispose()
    {
        LibC.munmap(Pointer, (size_t)(ulong)Size);
        LibC.close(Fd);
    }
}
