using System;
using System.Threading;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>
/// The directory request bodies are spooled to (TMPDIR, else /tmp, as apr_temp_dir_get() finds
/// it for httpd), held open so a file is made in it with no path lookup. Its files have no name:
/// they vanish when their descriptor closes, whatever ends the request, the process included.
/// </summary>
internal sealed unsafe class TemporaryDirectory : IDisposable
{
    private int _fd;
    private static int s_sequence;

    private TemporaryDirectory(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Opens the directory and checks that a file can be made in it; null with the errno when not.</summary>
    public static TemporaryDirectory? Open(string path, out int errno)
    {
        byte[] name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = name) fd = LibC.open(p, LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, default);
        if (fd < 0)
        {
            errno = Sys.Errno;
            return null;
        }
        var directory = new TemporaryDirectory(fd, path);
        int probe = directory.CreateFile(out errno);
        if (probe < 0)
        {
            directory.Dispose();
            return null;
        }
        LibC.close(probe);
        return directory;
    }

    /// <summary>
    /// A new file, open for reading and writing, that no path names (O_TMPFILE; on a file system
    /// without it, a fresh name unlinked at once). -1 with the errno on failure.
    /// </summary>
    public int CreateFile(out int errno)
    {
        errno = 0;
        byte* here = stackalloc byte[] { (byte)'.', 0 };
        int fd = LibC.openat(_fd, here, LibC.O_TMPFILE | LibC.O_RDWR | LibC.O_CLOEXEC, 0x180); // 0600
        if (fd >= 0) return fd;
        errno = Sys.Errno;
        if (errno != LibC.EOPNOTSUPP && errno != LibC.EISDIR && errno != LibC.EINVAL) return -1;
        // Kernels and file systems without O_TMPFILE (overlayfs before Linux 6.6): the name lives
        // for the two calls between open and unlink.
        byte[] name = System.Text.Encoding.ASCII.GetBytes("eventmpm-body-" + Environment.ProcessId + "-" + Interlocked.Increment(ref s_sequence) + "\0");
        fixed (byte* p = name)
        {
            fd = LibC.openat(_fd, p, LibC.O_CREAT | LibC.O_EXCL | LibC.O_RDWR | LibC.O_CLOEXEC, 0x180);
            if (fd < 0)
            {
                errno = Sys.Errno;
                return -1;
            }
            LibC.unlinkat(_fd, p, 0);
        }
        errno = 0;
        return fd;
    }

    public void Dispose()
    {
        if (_fd >= 0) LibC.close(_fd);
        _fd = -1;
    }
}
