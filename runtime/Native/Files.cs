using System;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>The plain descriptor calls the logs, the file cache and the process plumbing use.</summary>
internal static unsafe class Files
{
    /// <summary>Opens a log file for appending (O_APPEND: processes sharing it write whole lines), creating it 0644; a descriptor, or -1 with <see cref="Sys.Errno"/>.</summary>
    public static int OpenAppend(string path)
    {
        byte[] name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = name) return LibC.open(p, LibC.O_WRONLY | LibC.O_APPEND | LibC.O_CREAT | LibC.O_CLOEXEC, 0x1A4);
    }

    /// <summary>Writes every byte, retrying after a signal; 0, or the errno that stopped it (a short write with no error reports EIO).</summary>
    public static int WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                long n = (long)LibC.write(fd, p + done, (size_t)(bytes.Length - done));
                if (n > 0)
                {
                    done += (int)n;
                    continue;
                }
                if (n < 0 && Sys.Errno == LibC.EINTR) continue;
                return n < 0 ? Sys.Errno : LibC.EIO;
            }
        }
        return 0;
    }

    /// <summary>Reads exactly <paramref name="into"/>'s length from <paramref name="offset"/>; false on an error or a file that ended first.</summary>
    public static bool ReadAllAt(int fd, Span<byte> into, long offset)
    {
        fixed (byte* p = into)
        {
            int done = 0;
            while (done < into.Length)
            {
                long n = (long)LibC.pread(fd, p + done, (size_t)(into.Length - done), (off_t)(offset + done));
                if (n > 0)
                {
                    done += (int)n;
                    continue;
                }
                if (n < 0 && Sys.Errno == LibC.EINTR) continue;
                return false;
            }
        }
        return true;
    }

    /// <summary>Reads up to <paramref name="into"/>'s length from <paramref name="offset"/>, retrying after a signal: the bytes read, 0 at the end, -1 with <see cref="Sys.Errno"/>.</summary>
    public static int ReadAt(int fd, Span<byte> into, long offset)
    {
        fixed (byte* p = into)
        {
            long n;
            do n = (long)LibC.pread(fd, p, (size_t)into.Length, (off_t)offset);
            while (n < 0 && Sys.Errno == LibC.EINTR);
            return (int)n;
        }
    }

    /// <summary>Reads one byte, retrying after a signal: the byte, or -1 at the end or on an error.</summary>
    public static int ReadByte(int fd)
    {
        byte b;
        long got;
        do got = (long)LibC.read(fd, &b, 1);
        while (got < 0 && Sys.Errno == LibC.EINTR);
        return got == 1 ? b : -1;
    }

    public static int Dup(int fd) => LibC.dup(fd);

    /// <summary>Marks a descriptor close-on-exec; false when it is not open.</summary>
    public static bool SetCloseOnExec(int fd) => LibC.fcntl(fd, LibC.F_SETFD, LibC.FD_CLOEXEC) == 0;

    /// <summary>An anonymous memory file (memfd_create, close-on-exec); -1 on failure. Names are at most 249 bytes: a longer one is cut.</summary>
    public static int MemoryFile(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name);
        Array.Resize(ref bytes, Math.Min(bytes.Length, 240) + 1);
        bytes[^1] = 0;
        fixed (byte* p = bytes) return LibC.memfd_create(p, LibC.MFD_CLOEXEC);
    }

    /// <summary>Whether two descriptors are the same file (device and inode).</summary>
    public static bool SameFile(int a, int b)
    {
        stat sa, sb;
        return LibC.fstat(a, &sa) == 0 && LibC.fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    }
}
