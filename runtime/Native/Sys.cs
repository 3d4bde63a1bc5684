using System.Runtime.InteropServices;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>
/// The system calls Tmds.LibC 0.5.0 lacks (sendfile, writev), and errno helpers. Everything that
/// calls the OS lives in this folder; callers get results, not exceptions, on the request path.
/// </summary>
internal static unsafe partial class Sys
{
    private const string Libc = "libc.so.6";

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [LibraryImport(Libc, EntryPoint = "sendfile", SetLastError = true)]
    private static partial nint sendfile_(int outFd, int inFd, long* offset, nuint count);

    [LibraryImport(Libc, EntryPoint = "writev", SetLastError = true)]
    private static partial nint writev_(int fd, IoVec* iov, int iovcnt);

    /// <summary>Copies up to <paramref name="count"/> bytes of a file to a socket in the kernel; advances <paramref name="offset"/>.</summary>
    public static long SendFile(int socket, int file, ref long offset, long count)
    {
        fixed (long* o = &offset) return sendfile_(socket, file, o, (nuint)count);
    }

    public static long WriteV(int fd, IoVec* vectors, int count) => writev_(fd, vectors, count);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static bool WouldBlock(int errno) => errno == LibC.EAGAIN || errno == LibC.EWOULDBLOCK;

    public static long Recv(int fd, byte* buffer, int length) => (long)LibC.recv(fd, buffer, (size_t)length, 0);

    /// <summary>send(2) that never raises SIGPIPE; MSG_MORE holds a head back to share a packet with the file after it.</summary>
    public static long Send(int fd, byte* buffer, int length, int flags = 0) => (long)LibC.send(fd, buffer, (size_t)length, LibC.MSG_NOSIGNAL | flags);

    public static void Close(int fd) => LibC.close(fd);

    /// <summary>Sets an int socket option; the result is ignored where the option is an optimisation.</summary>
    public static int SetInt(int fd, int level, int option, int value) => LibC.setsockopt(fd, level, option, &value, sizeof(int));

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno) + " (errno " + errno + ")";
}
