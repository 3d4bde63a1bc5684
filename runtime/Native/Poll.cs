using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>Waits on one descriptor: used by a worker that must finish reading a request body it owns, or that streams a handler's response.</summary>
internal static unsafe class Poll
{
    /// <summary>True when the descriptor is ready (or has an error to report) within the timeout.</summary>
    public static bool Readable(int fd, int timeoutMs) => Wait(fd, LibC.POLLIN, timeoutMs);

    /// <summary>True when the descriptor can take more bytes (or has an error to report) within the timeout.</summary>
    public static bool Writable(int fd, int timeoutMs) => Wait(fd, LibC.POLLOUT, timeoutMs);

    private static bool Wait(int fd, int events, int timeoutMs)
    {
        pollfd p = default;
        p.fd = fd;
        p.events = (short)events;
        while (true)
        {
            int n = LibC.poll(&p, 1, timeoutMs);
            if (n > 0) return true;
            if (n == 0) return false;
            if (Sys.Errno != LibC.EINTR) return true; // let the read or write report the error
        }
    }
}
