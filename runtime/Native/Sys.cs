using System.Runtime.InteropServices;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>
/// The system calls Tmds.LibC 0.5.0 lacks (sendfile, writev), small wrappers of those it has, and errno helpers. Everything that
/// calls the OS lives in this folder; callers get results, not exceptions, on the request path.
/// </summary>
internal static unsafe partial class Sys
{
    private const string Libc = "libc.so.6";

    [LibraryImport(Libc, EntryPoint = "sendfile", SetLastError = true)]
    private static partial nint sendfile_(int outFd, int inFd, long* offset, nuint count);

    [LibraryImport(Libc, EntryPoint = "writev", SetLastError = true)]
    private static partial nint writev_(int fd, iovec* iov, int iovcnt);

    /// <summary>Copies up to <paramref name="count"/> bytes of a file to a socket (or another file) in the kernel; advances <paramref name="offset"/>.</summary>
    public static long SendFile(int destination, int file, ref long offset, long count)
    {
        fixed (long* o = &offset) return sendfile_(destination, file, o, (nuint)count);
    }

    /// <summary>Writes two buffers with one writev(2); an empty one is left out.</summary>
    public static long WriteV(int fd, byte* first, int firstLength, byte* second, int secondLength)
    {
        iovec* vectors = stackalloc iovec[2];
        int count = 0;
        if (firstLength > 0) vectors[count++] = new iovec { iov_base = first, iov_len = (size_t)firstLength };
        if (secondLength > 0) vectors[count++] = new iovec { iov_base = second, iov_len = (size_t)secondLength };
        return writev_(fd, vectors, count);
    }

    [LibraryImport(Libc, EntryPoint = "gettid")]
    private static partial int gettid_();

    /// <summary>The kernel's id of the calling thread, as httpd's error log prints it.</summary>
    public static int ThreadId => gettid_();

    public static int Errno => Marshal.GetLastPInvokeError();

    public static bool WouldBlock(int errno) => errno == LibC.EAGAIN || errno == LibC.EWOULDBLOCK;

    public static long Recv(int fd, byte* buffer, int length) => (long)LibC.recv(fd, buffer, (size_t)length, 0);

    /// <summary>Looks at what the socket holds without taking it (MSG_PEEK).</summary>
    public static long Peek(int fd, byte* buffer, int length) => (long)LibC.recv(fd, buffer, (size_t)length, LibC.MSG_PEEK);

    /// <summary>send(2) that never raises SIGPIPE; MSG_MORE holds a head back to share a packet with the file after it.</summary>
    public static long Send(int fd, byte* buffer, int length, bool more = false)
        => (long)LibC.send(fd, buffer, (size_t)length, LibC.MSG_NOSIGNAL | (more ? LibC.MSG_MORE : 0));

    /// <summary>shutdown(SHUT_WR): the FIN of a lingering close; false when the socket is already gone.</summary>
    public static bool ShutdownWrite(int fd) => LibC.shutdown(fd, LibC.SHUT_WR) == 0;

    public static void Close(int fd) => LibC.close(fd);

    /// <summary>Sets an int socket option; the result is ignored where the option is an optimisation.</summary>
    public static int SetInt(int fd, int level, int option, int value) => LibC.setsockopt(fd, level, option, &value, sizeof(int));

    /// <summary>The peer's address as text ("127.0.0.1", "::1"), for the status page; empty when unknown.</summary>
    public static byte[] PeerAddress(int fd)
    {
        if (Peer(fd) is not System.Net.IPAddress ip) return System.Array.Empty<byte>();
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        return System.Text.Encoding.ASCII.GetBytes(ip.ToString());
    }

    /// <summary>The peer's address as 16 bytes, IPv4 mapped into IPv6; all zero (matching no network but ::/0) when unknown.</summary>
    public static byte[] PeerAddress16(int fd)
    {
        if (Peer(fd) is not System.Net.IPAddress ip) return new byte[16];
        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? ip.MapToIPv6().GetAddressBytes() : ip.GetAddressBytes();
    }

    private static System.Net.IPAddress? Peer(int fd)
    {
        sockaddr_storage address;
        socklen_t length = (socklen_t)sizeof(sockaddr_storage);
        if (LibC.getpeername(fd, (sockaddr*)&address, &length) != 0) return null;
        int family = (int)address.ss_family;
        return family == LibC.AF_INET ? new System.Net.IPAddress(new System.ReadOnlySpan<byte>(&((sockaddr_in*)&address)->sin_addr, 4))
            : family == LibC.AF_INET6 ? new System.Net.IPAddress(new System.ReadOnlySpan<byte>(&((sockaddr_in6*)&address)->sin6_addr, 16))
            : null;
    }

    /// <summary>Whether this process may write the file or into the directory (access(2) with W_OK, as its real user).</summary>
    public static bool CanWrite(string path)
    {
        byte[] name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = name) return LibC.access(p, LibC.W_OK) == 0;
    }

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno) + " (errno " + errno + ")";
}
