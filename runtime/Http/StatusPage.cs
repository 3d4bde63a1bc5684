using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using EventMpm.Scoreboard;

namespace EventMpm.Http;

/// <summary>What the status page says about the server beside the scoreboard.</summary>
/// <param name="Capacity">What the compiled limits allow, in one line (processes, workers, connections).</param>
/// <param name="Proxy">ProxyPass is configured (and ProxyStatus is not Off): the pages count proxied requests too.</param>
public sealed record StatusIdentity(string ServerSoftware, string Built, int MaxRequestWorkers, int ThreadsPerChild, bool ExtendedStatus, string Capacity = "", bool Proxy = false);

/// <summary>The options mod_status finds in the query string, by substring as it does.</summary>
public readonly record struct StatusQuery(bool Auto, bool NoTable, int Refresh)
{
    /// <summary>httpd's parse: "refresh" alone or "refresh=N" with N below 1 means 10 seconds; 0 = no Refresh header.</summary>
    public static StatusQuery Parse(ReadOnlySpan<byte> query)
    {
        int refresh = 0;
        int at = query.IndexOf("refresh"u8);
        if (at >= 0)
        {
            long value = 0;
            int i = at + "refresh".Length;
            if (i < query.Length && query[i] == (byte)'=')
            {
                // atol: optional sign, then digits; saturated so a huge number stays a number.
                i++;
                bool negative = i < query.Length && query[i] == (byte)'-';
                if (i < query.Length && (query[i] == (byte)'-' || query[i] == (byte)'+')) i++;
                for (; i < query.Length && query[i] >= (byte)'0' && query[i] <= (byte)'9'; i++) value = Math.Min(value * 10 + (query[i] - '0'), int.MaxValue);
                if (negative) value = -value;
            }
            refresh = value < 1 ? 10 : (int)value;
        }
        return new StatusQuery(query.IndexOf("auto"u8) >= 0, query.IndexOf("notable"u8) >= 0, refresh);
    }
}

/// <summary>
/// mod_status's page from the scoreboard: the machine-readable <c>?auto</c> form with httpd's
/// keys in httpd's order (mod_status.c: status_handler(), so prometheus-apache-exporter and other readers work
/// unchanged), and the HTML page with the async connection table (§5.3).
/// </summary>
public static class StatusPage
{
    public const string HtmlType = "text/html; charset=ISO-8859-1";
    public const string TextType = "text/plain; charset=ISO-8859-1";

    public static string Auto(StatusSnapshot s, StatusIdentity id, string serverName, ProcessTimes cpu, double[] load)
    {
        var o = new StringBuilder(1024);
        o.Append(serverName).Append('\n');
        o.Append("ServerVersion: ").Append(id.ServerSoftware).Append('\n');
        o.Append("ServerMPM: event\n");
        o.Append("Server Built: ").Append(id.Built).Append('\n');
        o.Append("CurrentTime: ").Append(FormatTime(s.Now)).Append('\n');
        o.Append("RestartTime: ").Append(FormatTime(s.RestartTime)).Append('\n');
        o.Append("ParentServerConfigGeneration: ").Append(s.ConfigGeneration).Append('\n');
        o.Append("ParentServerMPMGeneration: ").Append(s.MpmGeneration).Append('\n');
        o.Append("ServerUptimeSeconds: ").Append(s.UptimeSeconds).Append('\n');
        o.Append("ServerUptime:").Append(Uptime(s.UptimeSeconds)).Append('\n');
        o.Append("Load1: ").Append(CFormat.F(load[0], 2)).Append('\n');
        o.Append("Load5: ").Append(CFormat.F(load[1], 2)).Append('\n');
        o.Append("Load15: ").Append(CFormat.F(load[2], 2)).Append('\n');
        if (id.ExtendedStatus)
        {
            long uptime = s.UptimeSeconds;
            o.Append("Total Accesses: ").Append(s.Accesses).Append('\n');
            o.Append("Total kBytes: ").Append(s.Bytes / 1024).Append('\n');
            o.Append("Total Duration: ").Append(s.DurationMicroseconds / 1000).Append('\n');
            o.Append("CPUUser: ").Append(CFormat.G(cpu.User)).Append('\n');
            o.Append("CPUSystem: ").Append(CFormat.G(cpu.System)).Append('\n');
            o.Append("CPUChildrenUser: ").Append(CFormat.G(cpu.ChildrenUser)).Append('\n');
            o.Append("CPUChildrenSystem: ").Append(CFormat.G(cpu.ChildrenSystem)).Append('\n');
            if (cpu.Total > 0 && uptime > 0) o.Append("CPULoad: ").Append(CFormat.G(cpu.Total / uptime * 100)).Append('\n');
            o.Append("Uptime: ").Append(uptime).Append('\n');
            if (uptime > 0)
            {
                o.Append("ReqPerSec: ").Append(CFormat.G((double)s.Accesses / uptime)).Append('\n');
                o.Append("BytesPerSec: ").Append(CFormat.G((double)s.Bytes / uptime)).Append('\n');
            }
            if (s.Accesses > 0)
            {
                o.Append("BytesPerReq: ").Append(CFormat.G((double)s.Bytes / s.Accesses)).Append('\n');
                o.Append("DurationPerReq: ").Append(CFormat.G(s.DurationMicroseconds / 1000.0 / s.Accesses)).Append('\n');
            }
        }
        o.Append("BusyWorkers: ").Append(s.Busy).Append('\n');
        o.Append("GracefulWorkers: ").Append(s.Graceful).Append('\n');
        o.Append("IdleWorkers: ").Append(s.Idle).Append('\n');
        ProcessRow sum = Sum(s);
        o.Append("Processes: ").Append(s.Processes.Count).Append('\n');
        o.Append("Stopping: ").Append(s.Processes.FindAll(p => p.Stopping).Count).Append('\n');
        o.Append("ConnsTotal: ").Append(sum.Connections).Append('\n');
        o.Append("ConnsAsyncWaitIO: ").Append(sum.WaitIo).Append('\n');
        o.Append("ConnsAsyncWriting: ").Append(sum.Writing).Append('\n');
        o.Append("ConnsAsyncKeepAlive: ").Append(sum.KeepAlive).Append('\n');
        o.Append("ConnsAsyncClosing: ").Append(sum.Closing).Append('\n');
        o.Append("Scoreboard: ").Append(s.Letters).Append('\n');
        if (id.Proxy)
        {
            // After httpd's own keys, as mod_ssl appends its session cache's: proxied requests
            // waiting on their backend, and all those in progress.
            o.Append("ProxyWaitingOnBackend: ").Append(sum.Upstream).Append('\n');
            o.Append("ProxyInProgress: ").Append(sum.Proxied).Append('\n');
        }
        return o.ToString();
    }

    public static string Html(StatusSnapshot s, StatusIdentity id, string serverName, ProcessTimes cpu, double[] load, bool noTable)
    {
        var o = new StringBuilder(4096);
        o.Append("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n");
        o.Append("<html><head>\n<title>Server Status</title>\n</head><body>\n");
        o.Append("<h1>Server Status for ").Append(WebUtility.HtmlEncode(serverName)).Append("</h1>\n\n");
        o.Append("<dl><dt>Server Version: ").Append(WebUtility.HtmlEncode(id.ServerSoftware)).Append("</dt>\n");
        o.Append("<dt>Server MPM: event</dt>\n");
        o.Append("<dt>Server Built: ").Append(id.Built).Append("\n</dt>\n");
        if (id.Capacity.Length != 0) o.Append("<dt>Capacity: ").Append(WebUtility.HtmlEncode(id.Capacity)).Append("</dt>\n");
        o.Append("</dl><hr /><dl>\n");
        o.Append("<dt>Current Time: ").Append(FormatTime(s.Now)).Append("</dt>\n");
        o.Append("<dt>Restart Time: ").Append(FormatTime(s.RestartTime)).Append("</dt>\n");
        o.Append("<dt>Parent Server Config. Generation: ").Append(s.ConfigGeneration).Append("</dt>\n");
        o.Append("<dt>Parent Server MPM Generation: ").Append(s.MpmGeneration).Append("</dt>\n");
        o.Append("<dt>Server uptime: ").Append(Uptime(s.UptimeSeconds)).Append("</dt>\n");
        o.Append("<dt>Server load: ").Append(CFormat.F(load[0], 2)).Append(' ').Append(CFormat.F(load[1], 2)).Append(' ').Append(CFormat.F(load[2], 2)).Append("</dt>\n");
        if (id.ExtendedStatus)
        {
            long uptime = s.UptimeSeconds;
            o.Append("<dt>Total accesses: ").Append(s.Accesses).Append(" - Total Traffic: ").Append(Size(s.Bytes))
             .Append(" - Total Duration: ").Append(s.DurationMicroseconds / 1000).Append("</dt>\n");
            o.Append("<dt>CPU Usage: u").Append(CFormat.G(cpu.User)).Append(" s").Append(CFormat.G(cpu.System))
             .Append(" cu").Append(CFormat.G(cpu.ChildrenUser)).Append(" cs").Append(CFormat.G(cpu.ChildrenSystem));
            if (cpu.Total > 0 && uptime > 0) o.Append(" - ").Append(CFormat.G(cpu.Total / uptime * 100)).Append("% CPU load");
            o.Append("</dt>\n");
            if (uptime > 0 || s.Accesses > 0)
            {
                o.Append("<dt>");
                if (uptime > 0)
                {
                    o.Append(Three((double)s.Accesses / uptime)).Append(" requests/sec - ").Append(Size((long)(s.Bytes / (double)uptime))).Append("/second");
                }
                if (s.Accesses > 0)
                {
                    o.Append(uptime > 0 ? " - " : "").Append(Size(s.Bytes / s.Accesses)).Append("/request - ")
                     .Append(Three(s.DurationMicroseconds / 1000.0 / s.Accesses)).Append(" ms/request");
                }
                o.Append("</dt>\n");
            }
        }
        o.Append("<dt>").Append(s.Busy).Append(" requests currently being processed, ").Append(s.Graceful)
         .Append(" workers gracefully restarting, ").Append(s.Idle).Append(" idle workers</dt>\n</dl>\n");

        AsyncTable(o, s, id.Proxy);
        o.Append("<pre>");
        for (int i = 0; i < s.Letters.Length; i += 64)
        {
            o.Append(s.Letters, i, Math.Min(64, s.Letters.Length - i)).Append('\n');
        }
        o.Append("</pre>\n");
        o.Append("<p>Scoreboard Key:<br />\n")
         .Append("\"<b><code>_</code></b>\" Waiting for Connection, \n")
         .Append("\"<b><code>S</code></b>\" Starting up, \n")
         .Append("\"<b><code>R</code></b>\" Reading Request,<br />\n")
         .Append("\"<b><code>W</code></b>\" Sending Reply, \n")
         .Append("\"<b><code>K</code></b>\" Keepalive (read), \n")
         .Append("\"<b><code>D</code></b>\" DNS Lookup,<br />\n")
         .Append("\"<b><code>C</code></b>\" Closing connection, \n")
         .Append("\"<b><code>L</code></b>\" Logging, \n")
         .Append("\"<b><code>G</code></b>\" Gracefully finishing,<br /> \n")
         .Append("\"<b><code>I</code></b>\" Idle cleanup of worker, \n")
         .Append("\"<b><code>.</code></b>\" Open slot with no current process<br />\n</p>\n");
        if (!id.ExtendedStatus)
        {
            o.Append("<p>To obtain a full report with current status information you need to use the <code>ExtendedStatus On</code> directive.</p>\n");
        }
        else if (noTable)
        {
            WorkerText(o, s);
        }
        else
        {
            WorkerTable(o, s);
        }
        o.Append("<hr />\n<address>").Append(WebUtility.HtmlEncode(id.ServerSoftware)).Append(" Server at ")
         .Append(WebUtility.HtmlEncode(serverName)).Append("</address>\n</body></html>\n");
        return o.ToString();
    }

    private static void AsyncTable(StringBuilder o, StatusSnapshot s, bool proxy)
    {
        o.Append("<table rules=\"all\" cellpadding=\"1%\">\n")
         .Append("<tr><th rowspan=\"2\">Slot</th><th rowspan=\"2\">PID</th><th rowspan=\"2\">Stopping</th>")
         .Append("<th colspan=\"2\">Connections</th>\n<th colspan=\"3\">Threads</th><th colspan=\"4\">Async connections</th></tr>\n")
         .Append("<tr><th>total</th><th>accepting</th><th>busy</th><th>graceful</th><th>idle</th><th>wait-io</th><th>writing</th><th>keep-alive</th><th>closing</th></tr>\n");
        foreach (ProcessRow p in s.Processes)
        {
            o.Append("<tr><td>").Append(p.Slot).Append("</td><td>").Append(p.Pid).Append("</td><td>")
             .Append(p.Stopping ? "yes" : "no").Append(p.Generation != s.MpmGeneration ? " (old gen)" : "").Append("</td><td>")
             .Append(p.Connections).Append("</td><td>").Append(p.Accepting ? "yes" : "no").Append("</td><td>")
             .Append(p.Busy).Append("</td><td>").Append(p.Graceful).Append("</td><td>").Append(p.Idle).Append("</td><td>")
             .Append(p.WaitIo).Append("</td><td>").Append(p.Writing).Append("</td><td>").Append(p.KeepAlive).Append("</td><td>")
             .Append(p.Closing).Append("</td></tr>\n");
        }
        ProcessRow sum = Sum(s);
        o.Append("<tr><td>Sum</td><td>").Append(s.Processes.Count).Append("</td><td>").Append(s.Processes.FindAll(p => p.Stopping).Count)
         .Append("</td><td>").Append(sum.Connections).Append("</td><td>&nbsp;</td><td>").Append(sum.Busy).Append("</td><td>")
         .Append(sum.Graceful).Append("</td><td>").Append(sum.Idle).Append("</td><td>").Append(sum.WaitIo).Append("</td><td>")
         .Append(sum.Writing).Append("</td><td>").Append(sum.KeepAlive).Append("</td><td>").Append(sum.Closing).Append("</td></tr>\n</table>\n");
        if (proxy)
        {
            o.Append("<p>Proxied requests: ").Append(sum.Proxied).Append(" in progress, ").Append(sum.Upstream)
             .Append(" waiting on their backend (holding no worker)</p>\n");
        }
    }

    private static void WorkerTable(StringBuilder o, StatusSnapshot s)
    {
        o.Append("\n\n<table border=\"0\"><tr><th>Srv</th><th>PID</th><th>Acc</th><th>M</th><th>CPU\n</th><th>SS</th><th>Req</th><th>Dur</th>")
         .Append("<th>Conn</th><th>Child</th><th>Slot</th><th>Client</th><th>Protocol</th><th>VHost</th><th>Request</th></tr>\n\n");
        foreach (WorkerRow w in s.Workers)
        {
            o.Append("<tr><td><b>").Append(w.Slot).Append('-').Append(w.Generation).Append("</b></td><td>").Append(w.Pid)
             .Append("</td><td>").Append(w.ConnectionCount).Append('/').Append(w.MyAccessCount).Append('/').Append(w.AccessCount)
             .Append("</td><td><b>").Append(WorkerStatus.Letter(w.Status)).Append("</b>\n</td><td>0.00</td><td>").Append(w.SecondsSinceLast)
             .Append("</td><td>").Append(w.LastMs).Append("</td><td>").Append(w.DurationMs).Append("</td><td>")
             .Append(CFormat.F(w.ConnectionBytes / 1024.0, 1)).Append("</td><td>").Append(CFormat.F(w.MyBytes / 1048576.0, 2))
             .Append("</td><td>").Append(CFormat.F(w.SlotBytes / 1048576.0, 2)).Append("\n</td><td>").Append(WebUtility.HtmlEncode(w.Client))
             .Append("</td><td nowrap>").Append(WebUtility.HtmlEncode(w.Protocol)).Append("</td><td nowrap>").Append(WebUtility.HtmlEncode(w.VHost))
             .Append("</td><td nowrap>").Append(WebUtility.HtmlEncode(w.Request)).Append("</td></tr>\n\n");
        }
        o.Append("</table>\n <hr /> <table>\n")
         .Append(" <tr><th>Srv</th><td>Child Server number - generation</td></tr>\n")
         .Append(" <tr><th>PID</th><td>OS process ID</td></tr>\n")
         .Append(" <tr><th>Acc</th><td>Number of accesses this connection / this child / this slot</td></tr>\n")
         .Append(" <tr><th>M</th><td>Mode of operation</td></tr>\n")
         .Append("<tr><th>CPU</th><td>CPU usage, number of seconds</td></tr>\n")
         .Append("<tr><th>SS</th><td>Seconds since beginning of most recent request</td></tr>\n")
         .Append(" <tr><th>Req</th><td>Milliseconds required to process most recent request</td></tr>\n")
         .Append(" <tr><th>Dur</th><td>Sum of milliseconds required to process all requests</td></tr>\n")
         .Append(" <tr><th>Conn</th><td>Kilobytes transferred this connection</td></tr>\n")
         .Append(" <tr><th>Child</th><td>Megabytes transferred this child</td></tr>\n")
         .Append(" <tr><th>Slot</th><td>Total megabytes transferred this slot</td></tr>\n")
         .Append(" </table>\n");
    }

    private static void WorkerText(StringBuilder o, StatusSnapshot s)
    {
        o.Append("<h2>Server Details</h2>\n\n");
        foreach (WorkerRow w in s.Workers)
        {
            o.Append("<b>Server ").Append(w.Slot).Append('-').Append(w.Generation).Append("</b> (").Append(w.Pid).Append("): ")
             .Append(w.ConnectionCount).Append('|').Append(w.MyAccessCount).Append('|').Append(w.AccessCount).Append(" [")
             .Append(WorkerStatus.Letter(w.Status)).Append("] u0 s0 cu0 cs0\n ").Append(w.SecondsSinceLast).Append(' ')
             .Append(w.LastMs).Append(" (").Append(CFormat.F(w.ConnectionBytes / 1024.0, 1)).Append('|')
             .Append(CFormat.F(w.MyBytes / 1048576.0, 2)).Append('|').Append(CFormat.F(w.SlotBytes / 1048576.0, 2)).Append(")\n <i>")
             .Append(WebUtility.HtmlEncode(w.Client)).Append(' ').Append(WebUtility.HtmlEncode(w.Protocol)).Append(' ')
             .Append(WebUtility.HtmlEncode(w.VHost)).Append(' ').Append(WebUtility.HtmlEncode(w.Request)).Append("</i><br />\n\n");
        }
    }

    private static ProcessRow Sum(StatusSnapshot s)
    {
        uint connections = 0, waitIo = 0, writing = 0, keepAlive = 0, closing = 0, upstream = 0, proxied = 0;
        int busy = 0, graceful = 0, idle = 0;
        foreach (ProcessRow p in s.Processes)
        {
            connections += p.Connections; waitIo += p.WaitIo; writing += p.Writing; keepAlive += p.KeepAlive; closing += p.Closing;
            busy += p.Busy; graceful += p.Graceful; idle += p.Idle; upstream += p.Upstream; proxied += p.Proxied;
        }
        return new ProcessRow(-1, 0, 0, false, false, connections, waitIo, writing, keepAlive, closing, busy, graceful, idle, upstream, proxied);
    }

    /// <summary>mod_status's time format (<c>%A, %d-%b-%Y %H:%M:%S %Z</c>), in UTC.</summary>
    public static string FormatTime(long unixMicroseconds)
        => DateTime.UnixEpoch.AddTicks(unixMicroseconds * 10).ToString("dddd, dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>httpd's show_time: " 1 day 2 hours 5 seconds", zero parts left out.</summary>
    public static string Uptime(long seconds)
    {
        var o = new StringBuilder();
        void Part(long n, string unit)
        {
            if (n != 0) o.Append(' ').Append(n).Append(' ').Append(unit).Append(n == 1 ? "" : "s");
        }
        Part(seconds / 86400, "day");
        Part(seconds / 3600 % 24, "hour");
        Part(seconds / 60 % 60, "minute");
        Part(seconds % 60, "second");
        return o.ToString();
    }

    /// <summary>httpd's format_byte_out: B, kB, MB or GB with one decimal above bytes.</summary>
    private static string Size(long bytes)
    {
        if (bytes < 5120) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        if (bytes < 5_242_880) return CFormat.F(bytes / 1024.0, 1) + " kB";
        if (bytes < 5_368_709_120) return CFormat.F(bytes / 1048576.0, 1) + " MB";
        return CFormat.F(bytes / 1073741824.0, 1) + " GB";
    }

    /// <summary>C's %.3g.</summary>
    private static string Three(double value)
    {
        if (value == 0) return "0";
        double rounded = Math.Round(value, Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(value)))));
        return CFormat.G(rounded);
    }
}

/// <summary>CPU seconds of the server's processes, for CPUUser/CPUSystem and the children's sums.</summary>
public readonly record struct ProcessTimes(double User, double System, double ChildrenUser, double ChildrenSystem)
{
    public double Total => User + System + ChildrenUser + ChildrenSystem;

    /// <summary>The live children's own times and the control process's reaped-children times, from <paramref name="cpuSeconds"/> (utime, stime, cutime, cstime of a pid).</summary>
    public static ProcessTimes Read(StatusSnapshot s, Func<int, double[]?> cpuSeconds)
    {
        double user = 0, system = 0, childrenUser = 0, childrenSystem = 0;
        foreach (ProcessRow p in s.Processes)
        {
            if (cpuSeconds(p.Pid) is { } t) { user += t[0]; system += t[1]; }
        }
        if (s.ParentPid != 0 && cpuSeconds(s.ParentPid) is { } parent)
        {
            // A single process (-X) is its own parent: its own time is already counted above.
            if (s.Processes.TrueForAll(p => p.Pid != s.ParentPid)) { user += parent[0]; system += parent[1]; }
            childrenUser = parent[2];
            childrenSystem = parent[3];
        }
        return new ProcessTimes(user, system, childrenUser, childrenSystem);
    }
}
