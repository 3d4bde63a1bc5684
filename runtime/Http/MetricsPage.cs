using System.Globalization;
using System.Text;
using EventMpm.Scoreboard;

namespace EventMpm.Http;

/// <summary>
/// <c>SetHandler metrics</c>: the scoreboard in the OpenMetrics text format, so Prometheus scrapes
/// the server directly, with no mod_status exporter in between. The values are the status page's,
/// counted the same way (<see cref="StatusSnapshot"/>).
/// </summary>
public static class MetricsPage
{
    public const string ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    public static string Render(StatusSnapshot s, StatusIdentity id, ProcessTimes cpu)
    {
        var o = new StringBuilder(2048);
        Metric(o, "eventmpm_build", "info", "The server's version", "_info{version=\"" + id.ServerSoftware + "\"} 1");
        Metric(o, "eventmpm_start_time_seconds", "gauge", "Unix time of the last cold or ungraceful start", " " + (s.RestartTime / 1_000_000).ToString(CultureInfo.InvariantCulture));
        Metric(o, "eventmpm_generation", "gauge", "The MPM generation: restarts since the start", " " + s.MpmGeneration.ToString(CultureInfo.InvariantCulture));
        Metric(o, "eventmpm_processes", "gauge", "Child processes, by whether they are stopping",
            "{state=\"serving\"} " + s.Processes.FindAll(p => !p.Stopping).Count.ToString(CultureInfo.InvariantCulture),
            "{state=\"stopping\"} " + s.Processes.FindAll(p => p.Stopping).Count.ToString(CultureInfo.InvariantCulture));
        Metric(o, "eventmpm_workers", "gauge", "Worker threads, as mod_status counts them",
            "{state=\"busy\"} " + s.Busy.ToString(CultureInfo.InvariantCulture),
            "{state=\"idle\"} " + s.Idle.ToString(CultureInfo.InvariantCulture),
            "{state=\"graceful\"} " + s.Graceful.ToString(CultureInfo.InvariantCulture));
        uint total = 0, waitIo = 0, writing = 0, keepAlive = 0, closing = 0, upstream = 0, proxied = 0;
        foreach (ProcessRow p in s.Processes)
        {
            total += p.Connections; waitIo += p.WaitIo; writing += p.Writing; keepAlive += p.KeepAlive; closing += p.Closing;
            upstream += p.Upstream; proxied += p.Proxied;
        }
        Metric(o, "eventmpm_connections", "gauge", "Open connections, and those waiting in the listener's queues",
            "{state=\"open\"} " + total.ToString(CultureInfo.InvariantCulture),
            "{state=\"wait_io\"} " + waitIo.ToString(CultureInfo.InvariantCulture),
            "{state=\"writing\"} " + writing.ToString(CultureInfo.InvariantCulture),
            "{state=\"keep_alive\"} " + keepAlive.ToString(CultureInfo.InvariantCulture),
            "{state=\"closing\"} " + closing.ToString(CultureInfo.InvariantCulture));
        if (id.Proxy)
        {
            Metric(o, "eventmpm_proxied_requests", "gauge", "Proxied requests in progress, and those waiting on their backend",
                "{state=\"in_progress\"} " + proxied.ToString(CultureInfo.InvariantCulture),
                "{state=\"waiting_on_backend\"} " + upstream.ToString(CultureInfo.InvariantCulture));
        }
        var letters = new int[WorkerStatus.Letters.Length];
        foreach (char c in s.Letters)
        {
            int i = WorkerStatus.Letters.IndexOf(c);
            if (i >= 0) letters[i]++;
        }
        var slots = new string[letters.Length];
        for (int i = 0; i < letters.Length; i++) slots[i] = "{state=\"" + SlotName(i) + "\"} " + letters[i].ToString(CultureInfo.InvariantCulture);
        Metric(o, "eventmpm_scoreboard_slots", "gauge", "Scoreboard slots by state (mod_status's letters)", slots);
        if (id.ExtendedStatus)
        {
            Metric(o, "eventmpm_requests", "counter", "Requests answered since the start", "_total " + s.Accesses.ToString(CultureInfo.InvariantCulture));
            Metric(o, "eventmpm_sent_bytes", "counter", "Response body bytes sent since the start", "_total " + s.Bytes.ToString(CultureInfo.InvariantCulture));
            Metric(o, "eventmpm_request_duration_seconds", "counter", "Time spent answering requests since the start",
                "_total " + (s.DurationMicroseconds / 1e6).ToString("R", CultureInfo.InvariantCulture));
            Metric(o, "eventmpm_cpu_seconds", "counter", "CPU time of the server's processes",
                "_total{mode=\"user\"} " + (cpu.User + cpu.ChildrenUser).ToString("R", CultureInfo.InvariantCulture),
                "_total{mode=\"system\"} " + (cpu.System + cpu.ChildrenSystem).ToString("R", CultureInfo.InvariantCulture));
        }
        o.Append("# EOF\n");
        return o.ToString();
    }

    private static void Metric(StringBuilder o, string name, string type, string help, params string[] samples)
    {
        o.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        o.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        foreach (string sample in samples) o.Append(name).Append(sample).Append('\n');
    }

    private static string SlotName(int status) => status switch
    {
        WorkerStatus.Dead => "open",
        WorkerStatus.Starting => "starting",
        WorkerStatus.Ready => "waiting",
        WorkerStatus.Read => "reading",
        WorkerStatus.Write => "sending",
        WorkerStatus.KeepAlive => "keepalive",
        WorkerStatus.Log => "logging",
        WorkerStatus.Dns => "dns",
        WorkerStatus.Closing => "closing",
        WorkerStatus.Graceful => "graceful",
        _ => "idle_cleanup",
    };
}
