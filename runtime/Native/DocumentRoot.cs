using System;
using System.Text;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>A file opened for a response: its descriptor and what fstat says of it.</summary>
internal readonly record struct OpenedFile(int Fd, long Size, long ModifiedSeconds, long ModifiedMicroseconds, bool IsDirectory, bool IsRegular);

/// <summary>
/// DocumentRoot, held open as a directory descriptor. Files are opened relative to it with
/// openat2(RESOLVE_BENEATH), so the kernel refuses any path, ".." or symbolic link that would
/// leave it: relative links are followed while they stay inside DocumentRoot (httpd's
/// FollowSymLinks, fenced to the root); absolute links and "/proc"-style magic links never are.
/// </summary>
internal sealed unsafe class DocumentRoot : IDisposable
{
    private readonly int _fd;

    public DocumentRoot(string path)
    {
        Path = path;
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) _fd = LibC.open(p, LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, default);
        if (_fd < 0) throw new InvalidOperationException("DocumentRoot " + path + ": " + Sys.Describe(Sys.Errno));
    }

    public string Path { get; }

    /// <returns>0 and the file, or the status to answer: 404 (absent, or outside the root), 403 (not readable).</returns>
    public int Open(string relative, out OpenedFile file)
    {
        file = default;
        int length = Encoding.UTF8.GetByteCount(relative);
        Span<byte> name = length < 1024 ? stackalloc byte[length + 2] : new byte[length + 2];
        if (length == 0) name[0] = (byte)'.';
        else Encoding.UTF8.GetBytes(relative, name);
        name[Math.Max(length, 1)] = 0;
        open_how how = default;
        how.flags = (ulong)(LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOCTTY);
        how.resolve = (ulong)(LibC.RESOLVE_BENEATH | LibC.RESOLVE_NO_MAGICLINKS);
        int fd;
        fixed (byte* p = name) fd = LibC.openat2(_fd, p, &how, (size_t)sizeof(open_how));
        if (fd < 0)
        {
            int errno = Sys.Errno;
            return errno == LibC.EACCES || errno == LibC.EPERM ? 403 : 404;
        }
        stat st;
        if (LibC.fstat(fd, &st) != 0)
        {
            LibC.close(fd);
            return 404;
        }
        uint mode = (uint)st.st_mode & (uint)LibC.S_IFMT;
        long seconds = (long)st.st_mtim.tv_sec;
        file = new OpenedFile(fd, (long)st.st_size, seconds, seconds * 1_000_000 + (long)st.st_mtim.tv_nsec / 1000,
            mode == (uint)LibC.S_IFDIR, mode == (uint)LibC.S_IFREG);
        return 0;
    }

    public void Dispose() => LibC.close(_fd);
}
