using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using EventMpm.Logging;

namespace EventMpm.Mpm;

/// <summary>
/// What systemd hands a service and expects back: sockets bound for it (socket activation,
/// sd_listen_fds: LISTEN_PID, LISTEN_FDS, descriptors from 3) and state reports on
/// NOTIFY_SOCKET (sd_notify: READY=1, RELOADING=1, STOPPING=1, STATUS=). Both are plain
/// environment and datagram protocols; no libsystemd is needed.
/// </summary>
internal static class Systemd
{
    /// <summary>SD_LISTEN_FDS_START.</summary>
    private const int FirstListenFd = 3;

    public const string ListenPid = "LISTEN_PID", ListenFds = "LISTEN_FDS", ListenFdNames = "LISTEN_FDNAMES", NotifySocket = "NOTIFY_SOCKET";

    /// <summary>
    /// The listening sockets systemd passed to this process, or an empty list. As
    /// sd_listen_fds(1) does, the variables are removed, so no child takes them for its own.
    /// </summary>
    public static int[] TakeListenFds()
    {
        string? pid = Environment.GetEnvironmentVariable(ListenPid);
        string? count = Environment.GetEnvironmentVariable(ListenFds);
        Environment.SetEnvironmentVariable(ListenPid, null);
        Environment.SetEnvironmentVariable(ListenFds, null);
        Environment.SetEnvironmentVariable(ListenFdNames, null);
        if (pid is null || count is null) return Array.Empty<int>();
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int owner) || owner != Environment.ProcessId) return Array.Empty<int>();
        if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0) return Array.Empty<int>();
        var fds = new int[n];
        for (int i = 0; i < n; i++) fds[i] = FirstListenFd + i;
        return fds;
    }

    /// <summary>Sends a state report to the service manager when it asked for them; otherwise does nothing.</summary>
    public static void Notify(string state)
    {
        string? path = Environment.GetEnvironmentVariable(NotifySocket);
        if (string.IsNullOrEmpty(path)) return;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            // "@name" is the abstract namespace, spelled with a leading NUL on the wire.
            var endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path.Substring(1) : path);
            socket.SendTo(Encoding.UTF8.GetBytes(state), endpoint);
        }
        catch (SocketException e)
        {
            ErrorLog.Warn("mpm_event", "", "cannot notify the service manager at " + path + ": " + e.Message);
        }
    }

    /// <summary>RELOADING=1 with the time systemd's Type=notify-reload asks for (CLOCK_MONOTONIC, microseconds).</summary>
    public static string Reloading()
    {
        long micros = (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
        return "RELOADING=1\nMONOTONIC_USEC=" + micros.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The environment variables a child must not inherit.</summary>
    public static readonly IReadOnlyList<string> ParentOnly = new[] { ListenPid, ListenFds, ListenFdNames, NotifySocket };
}
