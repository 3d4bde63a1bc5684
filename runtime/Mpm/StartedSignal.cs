using System;
using System.Globalization;
using EventMpm.Native;
using Tmds.Linux;

namespace EventMpm.Mpm;

/// <summary>
/// How <c>-k start</c> learns that the server it started serves, not merely runs: it hands the
/// server the write end of a pipe (its number in <see cref="Variable"/>), and the server writes
/// one byte once a child's workers are ready. A server that stops before that writes nothing,
/// and its exit closes the pipe, so the starter reads the end of the pipe and says it failed.
/// </summary>
internal static class StartedSignal
{
    public const string Variable = "EVENTMPM_STARTED_FD";

    private static int s_fd = -1;

    /// <summary>In the started server, before anything is spawned: keeps the descriptor from its children and restarts.</summary>
    public static void TakeFromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(Variable);
        Environment.SetEnvironmentVariable(Variable, null);
        if (value is null || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int fd)) return;
        if (!Files.SetCloseOnExec(fd)) return; // not open: nobody waits
        s_fd = fd;
    }

    /// <summary>Tells the starter the server serves (once; nothing when nobody waits).</summary>
    public static unsafe void Send()
    {
        if (s_fd < 0) return;
        Files.WriteAll(s_fd, [1]);
        Sys.Close(s_fd);
        s_fd = -1;
    }

    /// <summary>
    /// In the starter: waits up to <paramref name="milliseconds"/> for the byte. True when the
    /// server serves; false when it ended first (or the time ran out).
    /// </summary>
    public static unsafe bool Wait(int readFd, int milliseconds)
    {
        if (!Poll.Readable(readFd, milliseconds)) return false;
        return Files.ReadByte(readFd) == 1;
    }
}
