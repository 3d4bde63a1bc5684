using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using EventMpm.Contract;
using EventMpm.Configuration;
using EventMpm.Hosting;
using EventMpm.Http;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>A server with mod_status at /server-status, as the BenchSite example configures it.</summary>
public struct StatusConfig : IServerConfig
{
    public static int ThreadsPerChild => 4;
    public static int MaxRequestWorkers => 16;
    public static int TimeoutMilliseconds => 10_000;
    public static IReadOnlyList<LocationSpec> Locations => new[] { new LocationSpec("/server-status", "server-status"), new LocationSpec("/echo", typeof(EchoHandler).FullName!) };
    public static EventMpm.Handlers.IRequestHandler? CreateHandler(string typeName) => typeName == typeof(EchoHandler).FullName ? new EchoHandler() : null;
}

/// <summary>mod_status over real sockets: the page is checked against a state the test builds.</summary>
public sealed class StatusPageTests
{
    /// <summary>mod_status.c's status_flags, by scoreboard.h's SERVER_* number: what readers of the Scoreboard line expect.</summary>
    [Theory]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Dead, '.')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Starting, 'S')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Ready, '_')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Read, 'R')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Write, 'W')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.KeepAlive, 'K')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Log, 'L')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Dns, 'D')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Closing, 'C')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.Graceful, 'G')]
    [InlineData(EventMpm.Scoreboard.WorkerStatus.IdleKill, 'I')]
    public void Each_worker_state_has_httpds_letter(byte status, char letter) => Assert.Equal(letter, EventMpm.Scoreboard.WorkerStatus.Letter(status));

    /// <summary>httpd 2.4.71's ?auto keys with ExtendedStatus On, in its order (mod_status.c: status_handler()).</summary>
    private static readonly string[] AutoKeys =
    {
        "ServerVersion", "ServerMPM", "Server Built", "CurrentTime", "RestartTime", "ParentServerConfigGeneration",
        "ParentServerMPMGeneration", "ServerUptimeSeconds", "ServerUptime", "Load1", "Load5", "Load15",
        "Total Accesses", "Total kBytes", "Total Duration", "CPUUser", "CPUSystem", "CPUChildrenUser", "CPUChildrenSystem",
        "CPULoad", "Uptime", "ReqPerSec", "BytesPerSec", "BytesPerReq", "DurationPerReq",
        "BusyWorkers", "GracefulWorkers", "IdleWorkers", "Processes", "Stopping", "ConnsTotal", "ConnsAsyncWaitIO",
        "ConnsAsyncWriting", "ConnsAsyncKeepAlive", "ConnsAsyncClosing", "Scoreboard",
    };

    private static (string Head, string Body) Fetch(TestServer<StatusConfig> server, string target)
    {
        using Socket s = server.Connect();
        Wire.Send(s, Wire.Get(target));
        var r = Wire.ReadOne(s);
        Assert.Equal(200, r.Status);
        return (r.Head, Encoding.Latin1.GetString(r.Body));
    }

    private static Dictionary<string, string> Auto(TestServer<StatusConfig> server)
    {
        string body = Fetch(server, "/server-status?auto").Body;
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(": ", 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
    }

    [Fact]
    public void Auto_has_httpds_keys_in_httpds_order()
    {
        using var server = new TestServer<StatusConfig>();
        Fetch(server, "/hello.txt");
        System.Threading.Thread.Sleep(1100); // a whole second of uptime, so the per-second rates are printed
        var (head, body) = Fetch(server, "/server-status?auto");
        Assert.Contains("Content-Type: text/plain; charset=ISO-8859-1", head);
        string[] lines = body.TrimEnd('\n').Split('\n');
        Assert.Equal("localhost", lines[0]); // the Host of the request: UseCanonicalName Off
        // CPULoad is left out while the processes have used no measurable CPU, as httpd leaves it out.
        string[] keys = lines.Skip(1).Select(l => l[..l.IndexOf(':')]).ToArray();
        Assert.Equal(AutoKeys.Where(k => k != "CPULoad" || keys.Contains("CPULoad")), keys);
        Assert.StartsWith("EventMpm/", lines[1]["ServerVersion: ".Length..]);
        Assert.Equal("ServerMPM: event", lines[2]);
        Assert.Matches(@"^CurrentTime: [A-Z][a-z]+day, \d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d UTC$", lines[4]);
        Assert.Matches(@"^ServerUptime:( \d+ (day|hour|minute|second)s?)+$", lines[9]);
    }

    [Fact]
    public void Idle_keep_alive_connections_are_counted_as_async_keep_alive()
    {
        using var server = new TestServer<StatusConfig>();
        var held = new List<Socket>();
        for (int i = 0; i < 3; i++)
        {
            Socket s = server.Connect();
            Wire.Send(s, Wire.Get("/hello.txt"));
            Assert.Equal(200, Wire.ReadOne(s).Status);
            held.Add(s);
        }
        Wire.WaitFor(() => Auto(server)["ConnsAsyncKeepAlive"] == "3", "3 parked keep-alive connections in ?auto");
        var auto = Auto(server);
        Assert.Equal("0", auto["ConnsAsyncWriting"]);
        Assert.True(int.Parse(auto["ConnsTotal"]) >= 3);
        Assert.True(int.Parse(auto["Total Accesses"]) >= 3);
        Assert.Equal("1", auto["Processes"]);
        Assert.Equal("0", auto["Stopping"]);

        foreach (Socket s in held) s.Dispose();
        Wire.WaitFor(() => Auto(server)["ConnsAsyncKeepAlive"] == "0", "the closed connections to leave ?auto");
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a", 0)]                                                    // part of a head
    [InlineData("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nfirst bytes", 0)] // part of a handler's body
    [InlineData("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n", 20_000)]     // part of a body being spooled
    public void Connections_waiting_for_the_rest_of_their_input_are_counted_as_wait_io(string partial, int bodyBytes)
    {
        using var server = new TestServer<StatusConfig>();
        var slow = Enumerable.Range(0, 3).Select(_ => server.Connect()).ToList();
        try
        {
            foreach (Socket s in slow)
            {
                Wire.Send(s, partial);
                s.Send(new byte[bodyBytes]);
            }
            Wire.WaitFor(() => Auto(server)["ConnsAsyncWaitIO"] == "3", "3 partial requests in ?auto");
            // Only the one drawing the page is busy: the partial requests hold none. (The worker that drew the
            // previous page may still be on its way back to the pool for a moment: ask again.)
            Wire.WaitFor(() => Auto(server)["BusyWorkers"] == "1", "no worker busy but the page's");
            Assert.Equal("3", Auto(server)["ConnsAsyncWaitIO"]);
        }
        finally
        {
            foreach (Socket s in slow) s.Dispose();
        }
    }

    [Fact]
    public void A_stalled_reader_is_counted_as_async_writing_and_the_worker_that_answers_is_busy()
    {
        using var server = new TestServer<StatusConfig>();
        using Socket stalled = server.Connect();
        stalled.ReceiveBufferSize = 4096;
        Wire.Send(stalled, Wire.Get("/big.bin"));
        Wire.WaitFor(() => Auto(server)["ConnsAsyncWriting"] == "1", "the stalled response in write completion");

        // The worker drawing the page is the one busy worker ('W'); the others wait ('_'), once the
        // worker that drew the previous page is back in the pool.
        Dictionary<string, string> auto = null!;
        Wire.WaitFor(() => (auto = Auto(server))["BusyWorkers"] == "1", "no worker busy but the page's");
        Assert.Equal("3", auto["IdleWorkers"]);
        Assert.Equal(4, auto["Scoreboard"].Length);
        Assert.Equal(1, auto["Scoreboard"].Count(ch => ch == 'W'));
        Assert.Equal(3, auto["Scoreboard"].Count(ch => ch == '_'));
    }

    [Fact]
    public void The_html_page_has_the_async_connection_table_and_the_worker_table()
    {
        using var server = new TestServer<StatusConfig>();
        Fetch(server, "/hello.txt");
        var (head, body) = Fetch(server, "/server-status");
        Assert.Contains("Content-Type: text/html; charset=ISO-8859-1", head);
        Assert.StartsWith("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"", body);
        Assert.EndsWith("</body></html>\n", body);
        Assert.Contains("<th colspan=\"4\">Async connections</th>", body);
        Assert.Contains("<tr><td>0</td><td>" + Environment.ProcessId + "</td><td>no</td>", body);
        Assert.Contains("<tr><td>Sum</td><td>1</td><td>0</td>", body);
        Assert.Contains("GET /server-status HTTP/1.1", body); // ExtendedStatus: each worker's request, this one's too
        Assert.Contains("127.0.0.1", body);
        // Every element opened is closed, in order (the page parses as the HTML it declares).
        Assert.Equal("", Balance(body));
    }

    [Theory]
    [InlineData("?refresh=5", "5")]
    [InlineData("?refresh", "10")]
    [InlineData("?refresh=0", "10")]
    [InlineData("?refresh=-3", "10")]
    [InlineData("?refresh=abc", "10")]
    [InlineData("?auto&refresh=2", "2")]
    public void Refresh_is_validated_as_httpd_does(string query, string seconds)
    {
        using var server = new TestServer<StatusConfig>();
        Assert.Contains("Refresh: " + seconds + "\r\n", Fetch(server, "/server-status" + query).Head + "\r\n");
    }

    [Fact]
    public void The_location_covers_its_subpaths_but_not_longer_names()
    {
        using var server = new TestServer<StatusConfig>();
        Assert.StartsWith("<!DOCTYPE", Fetch(server, "/server-status/").Body);
        Assert.StartsWith("<!DOCTYPE", Fetch(server, "/server%2Dstatus").Body); // matched after decoding, as httpd's Location
        using Socket s = server.Connect();
        Wire.Send(s, Wire.Get("/server-statusx"));
        Assert.Equal(404, Wire.ReadOne(s).Status);
        Assert.DoesNotContain("Refresh", Fetch(server, "/server-status").Head);
    }

    /// <summary>Tags left open after matching open and close tags; void elements need no close.</summary>
    private static string Balance(string html)
    {
        var open = new Stack<string>();
        var voids = new HashSet<string> { "br", "hr", "meta", "!doctype" };
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(html, @"<(/?)([!a-zA-Z0-9]+)[^>]*?(/?)>"))
        {
            string name = m.Groups[2].Value.ToLowerInvariant();
            if (voids.Contains(name) || m.Groups[3].Value == "/") continue;
            if (m.Groups[1].Value == "") open.Push(name);
            else if (open.Count > 0 && open.Peek() == name) open.Pop();
            else return "unexpected </" + name + "> with " + string.Join(",", open);
        }
        return string.Join(",", open);
    }
}

/// <summary>The number formats the page shares with httpd's printf.</summary>
public sealed class StatusFormatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0 / 3, "0.333333")]
    [InlineData(12.5, "12.5")]
    [InlineData(123456.0, "123456")]
    [InlineData(1234567.0, "1.23457e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001234, "1.234e-05")]
    [InlineData(999999.5, "1e+06")]
    public void G_is_Cs_percent_g(double value, string expected) => Assert.Equal(expected, CFormat.G(value));

    [Theory]
    [InlineData(0, "")]
    [InlineData(6, " 6 seconds")]
    [InlineData(61, " 1 minute 1 second")]
    [InlineData(90061, " 1 day 1 hour 1 minute 1 second")]
    [InlineData(7200, " 2 hours")]
    public void Uptime_reads_as_httpds(long seconds, string expected) => Assert.Equal(expected, StatusPage.Uptime(seconds));
}

/// <summary>The status page limited by Require, and a section that only denies.</summary>
public struct GuardedConfig : IServerConfig
{
    public static IReadOnlyList<LocationSpec> Locations => new[]
    {
        new LocationSpec("/server-status", "server-status", "ip 10.0.0.0/8"),
        new LocationSpec("/server-status/local", "", "local"),
        new LocationSpec("/sub", "", "all denied"),
    };
}

/// <summary>Require over real sockets: the client's address decides.</summary>
public sealed class AccessTests
{
    private static int Status(TestServer<GuardedConfig> server, string target)
    {
        using Socket s = server.Connect();
        Wire.Send(s, Wire.Get(target));
        return Wire.ReadOne(s).Status;
    }

    [Fact]
    public void Require_grants_or_refuses_by_the_clients_address_and_sections_merge_in_order()
    {
        using var server = new TestServer<GuardedConfig>();
        Assert.Equal(403, Status(server, "/server-status"));          // 127.0.0.1 is not in 10/8
        Assert.Equal(403, Status(server, "/server-status?auto"));
        Assert.Equal(200, Status(server, "/server-status/local"));    // a later section's Require replaces; the handler is kept
        Assert.Equal(403, Status(server, "/sub/index.html"));
        Assert.Equal(403, Status(server, "/sub%2Findex.html"));       // decoded before matching
        Assert.Equal(200, Status(server, "/hello.txt"));              // outside every section: no rules
    }
}

/// <summary>A server with the metrics handler, as a Prometheus scrape target.</summary>
public struct MetricsConfig : IServerConfig
{
    public static int ThreadsPerChild => 4;
    public static int MaxRequestWorkers => 16;
    public static IReadOnlyList<LocationSpec> Locations => new[] { new LocationSpec("/metrics", "metrics") };
}

/// <summary>SetHandler metrics: the scoreboard in the OpenMetrics text format.</summary>
public sealed class MetricsPageTests
{
    [Fact]
    public void The_page_is_well_formed_OpenMetrics_with_the_status_pages_counts()
    {
        using var server = new TestServer<MetricsConfig>();
        var held = new List<Socket>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                Socket s = server.Connect();
                Wire.Send(s, Wire.Get("/hello.txt"));
                Assert.Equal(200, Wire.ReadOne(s).Status);
                held.Add(s);
            }
            string body = "";
            Wire.WaitFor(() =>
            {
                using Socket s = server.Connect();
                Wire.Send(s, Wire.Get("/metrics"));
                var r = Wire.ReadOne(s);
                Assert.Contains("Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8", r.Head);
                body = Encoding.UTF8.GetString(r.Body);
                return body.Contains("eventmpm_connections{state=\"keep_alive\"} 2\n");
            }, "2 parked keep-alive connections in the metrics");

            string[] lines = body.Split('\n');
            Assert.Equal("# EOF", lines[^2]);
            Assert.Equal("", lines[^1]);
            // Every sample belongs to the family declared just before it; counters end in _total, infos in _info.
            string family = "", type = "";
            foreach (string line in lines[..^2])
            {
                if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
                {
                    string[] parts = line.Split(' ');
                    (family, type) = (parts[2], parts[3]);
                    Assert.Contains(type, new[] { "gauge", "counter", "info" });
                    continue;
                }
                if (line.StartsWith("# HELP " + family + " ", StringComparison.Ordinal)) continue;
                Assert.Matches(@"^[a-z_]+(\{[a-z_]+=""[^""]*""\})? -?[0-9.e+E-]+$", line);
                Assert.StartsWith(family + (type == "counter" ? "_total" : type == "info" ? "_info" : ""), line);
            }
            Assert.Contains("eventmpm_workers{state=\"busy\"} 1\n", body); // the one drawing the page
            Assert.Contains("eventmpm_workers{state=\"idle\"} 3\n", body);
            Assert.Contains("eventmpm_processes{state=\"serving\"} 1\n", body);
            Assert.Contains("eventmpm_scoreboard_slots{state=\"sending\"} 1\n", body);
            Assert.Matches(@"eventmpm_requests_total ([2-9]|\d\d+)\n", body);
        }
        finally
        {
            foreach (Socket s in held) s.Dispose();
        }
    }
}
