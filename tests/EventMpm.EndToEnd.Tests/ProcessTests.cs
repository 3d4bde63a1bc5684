using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Xunit.Abstractions;

namespace EventMpm.EndToEnd.Tests;

/// <summary>
/// The process model on the native binary, with real processes, signals and sockets: children
/// started, replaced and retired; graceful restarts (also onto a rebuilt binary) under load;
/// graceful stop; privileges; the operator's -k commands.
/// </summary>
[Collection(DotnetCollection.Name)]
public sealed partial class ProcessTests(PublishedMpmSite site, ITestOutputHelper output) : IClassFixture<PublishedMpmSite>
{
    private const int SIGKILL = 9, SIGTERM = 15, SIGUSR1 = 10, SIGWINCH = 28;

    [Fact]
    public void StartServers_two_children_start_load_starts_more_up_to_the_limit_and_idle_retires_one()
    {
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2 && server.Auto()["Processes"] == "2", 10, "StartServers 2");
        Assert.Contains("Child 0 started: pid ", server.Log);
        Assert.Contains("Child 1 started: pid ", server.Log);
        Assert.Equal(16, server.Auto()["Scoreboard"].Length); // MaxRequestWorkers slots, as httpd prints them

        // 40 open connections: a child takes 12 (ThreadsPerChild 4 + 2 x 4 idle) and then stops
        // accepting, which takes its threads out of the idle count, so more children start, up to
        // MaxRequestWorkers / ThreadsPerChild = 4.
        var held = Enumerable.Range(0, 40).Select(_ => Connect(server.Port)).ToList();
        try
        {
            MpmServer.WaitFor(() => server.Auto()["Processes"] == "4", 15, "4 children under load");
            // At the limit with too few idle threads, httpd's warning, once: AH00484 when none is
            // idle, AH10159 when the last child still has some.
            const string warning = "AH00484: server reached MaxRequestWorkers setting|AH10159: server is within MinSpareThreads of MaxRequestWorkers";
            MpmServer.WaitFor(() => System.Text.RegularExpressions.Regex.IsMatch(server.Log, warning), 5, "the MaxRequestWorkers warning");
            Thread.Sleep(1500);
            Assert.Equal("4", server.Auto()["Processes"]); // never past the active limit
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(server.Log, warning));
        }
        finally
        {
            foreach (Socket s in held) s.Dispose();
        }
        // Idle again: 16 idle threads > MaxSpareThreads 13, so one child is asked to stop.
        MpmServer.WaitFor(() => server.Auto() is var a && a["Processes"] == "3" && a["Stopping"] == "0", 15, "one child to retire");
        Assert.Contains("idle threads above MaxSpareThreads", server.Log);
        Assert.Equal(3, server.Children().Count);
    }

    [Fact]
    public void A_child_killed_with_SIGKILL_is_replaced_and_the_kill_is_logged()
    {
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        int victim = server.Children()[0];
        Assert.Equal(0, MpmServer.Kill(victim, SIGKILL));
        MpmServer.WaitFor(() => server.Children() is var c && c.Count == 2 && !c.Contains(victim), 5, "a replacement child");
        Assert.Contains($"AH00052: child pid {victim} exit signal Killed (9)", server.Log);
        Assert.NotNull(server.Get("/", out string head));
        Assert.StartsWith("HTTP/1.1 200", head);
    }

    [Fact]
    public void MaxConnectionsPerChild_retires_a_child_and_another_takes_its_place_without_a_failed_request()
    {
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        var first = server.Children();
        // 250 connections over 2 children with MaxConnectionsPerChild 100: at least one reaches it.
        for (int i = 0; i < 250; i++)
        {
            Assert.Equal("<p>MpmSite</p>\n", server.Get("/", out _));
        }
        MpmServer.WaitFor(() => server.Children().Except(first).Any() && server.Children().Count >= 2, 10, "a new child in a retired one's place");
        Assert.True(first.Any(pid => !server.Children().Contains(pid)), "no child of the first two was retired");
        Assert.Matches(@"Child \d started: pid \d+, gen 0[\s\S]*Child \d stopped[\s\S]*Child \d started", server.Log);
    }

    [Fact]
    public void Ten_graceful_restarts_under_wrk_lose_no_request()
    {
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        Tool.Result? load = null;
        var wrk = new Thread(() => load = Tool.Run("wrk", $"-t2 -c16 -d14s http://127.0.0.1:{server.Port}/", timeoutSeconds: 60)) { IsBackground = true };
        wrk.Start();
        Thread.Sleep(1000);
        for (int restart = 1; restart <= 10; restart++)
        {
            Assert.Equal(0, MpmServer.Kill(server.ControlPid, SIGUSR1));
            int generation = restart;
            MpmServer.WaitFor(() => server.TryAuto() is { } a && a["ParentServerMPMGeneration"] == generation.ToString(), 10, "generation " + generation);
            Thread.Sleep(300);
        }
        wrk.Join();
        Assert.NotNull(load);
        Assert.True(load!.ExitCode == 0, load.All);
        Assert.DoesNotContain("Socket errors", load.Output);
        Assert.DoesNotContain("Non-2xx", load.Output);
        Assert.Matches(@"\d+ requests in", load.Output);
        Assert.Equal(10, server.Log.Split("AH00493: SIGUSR1 received.  Doing graceful restart").Length - 1);
        // Each restart's configuration test writes nothing into the log: every line is in its format.
        Assert.All(server.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^\[\w{3} \w{3} \d\d [\d:.]+ \d{4}\] \[", line));
        Assert.True(server.ControlAlive);
    }

    [Fact]
    public void No_access_log_line_is_lost_across_graceful_restarts_and_a_rotation_under_load_and_goaccess_reads_them_all()
    {
        Tool.RequireCommand("goaccess", "goaccess");
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        string log = Path.Combine(server.Folder, "logs", "access_log");
        Tool.Result? load = null;
        var wrk = new Thread(() => load = Tool.Run("wrk", $"-t2 -c8 -d7s http://127.0.0.1:{server.Port}/", timeoutSeconds: 60)) { IsBackground = true };
        wrk.Start();
        for (int generation = 1; generation <= 3; generation++)
        {
            Thread.Sleep(1500);
            // Rotation as logrotate does it: move the file aside, then a graceful restart reopens.
            if (generation == 2) File.Move(log, log + ".1");
            Assert.Equal(0, MpmServer.Kill(server.ControlPid, SIGUSR1));
            int expected = generation;
            MpmServer.WaitFor(() => server.TryAuto() is { } a && a["ParentServerMPMGeneration"] == expected.ToString(), 10, "generation " + expected);
        }
        wrk.Join();
        Assert.True(server.Command(server.Arguments + " -k stop").ExitCode == 0);
        MpmServer.WaitFor(() => !server.ControlAlive, 15, "the server to stop, its logs written");

        var counted = System.Text.RegularExpressions.Regex.Match(load!.Output, @"(\d+) requests in");
        Assert.True(counted.Success, load.All);
        long answered = long.Parse(counted.Groups[1].Value);
        string[] lines = File.ReadAllLines(log + ".1").Concat(File.ReadAllLines(log)).ToArray();
        long logged = lines.Count(l => l.Contains("\"GET / HTTP/1.1\" 200 15 "));
        // Every answer wrk counted is logged; at most one more per connection was answered as wrk stopped.
        Assert.InRange(logged, answered, answered + 8);
        Assert.True(File.ReadAllLines(log).Length > 0, "the new generation did not write the new file");

        string report = Path.Combine(server.Folder, "report.json");
        Tool.Result parse = Tool.Run("goaccess", $"{log}.1 {log} --log-format=COMBINED --no-global-config -o {report}");
        Assert.True(parse.ExitCode == 0, parse.All);
        string json = File.ReadAllText(report);
        Assert.Contains("\"total_requests\": " + lines.Length + ",", json);
        Assert.Contains("\"failed_requests\": 0,", json);
    }

    [Fact]
    public void Graceful_restart_after_dotnet_publish_into_the_running_folder_serves_the_new_value_while_the_old_generation_drains()
    {
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        Assert.Contains("Keep-Alive: timeout=2", KeepAliveOf(server));
        var oldChildren = server.Children();

        // Rebuild with a changed directive and publish over the running binary, as a developer
        // would (MSBuild replaces the file rather than writing into it: the running image is
        // untouched), then -k graceful.
        Tool.Result publish = Tool.Dotnet($"publish {Tool.Repo("tests/MpmSite")} -c Release -p:MpmKeepAliveTimeout=3 -o {server.Folder}");
        Assert.True(publish.ExitCode == 0, publish.All);
        Assert.Contains("Keep-Alive: timeout=2", KeepAliveOf(server)); // still the old generation

        // A slow download from the old generation, in flight across the restart.
        using Socket slow = Connect(server.Port);
        slow.ReceiveBufferSize = 16 * 1024;
        slow.Send(Encoding.ASCII.GetBytes("GET /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[16 * 1024];
        long received = slow.Receive(buffer);

        Tool.Result graceful = server.Command(server.Arguments + " -k graceful");
        Assert.True(graceful.ExitCode == 0, graceful.All);

        MpmServer.WaitFor(() => server.TryAuto() is { } a && a["ParentServerMPMGeneration"] == "1", 10, "the new generation");
        MpmServer.WaitFor(() => KeepAliveOf(server).Contains("timeout=3"), 10, "the new binary's KeepAliveTimeout");
        var auto = server.Auto();
        Assert.Equal("2", auto["ParentServerConfigGeneration"]);
        Assert.Contains(oldChildren, pid => server.Children().Contains(pid)); // the old generation is still draining
        Assert.Contains("<td>yes (old gen)</td>", server.Get("/server-status", out _)); // mod_status's async table

        // The old generation's download completes, whole; then its child exits.
        int n;
        while ((n = slow.Receive(buffer)) > 0)
        {
            received += n;
            Thread.Sleep(received < 4 * 1024 * 1024 ? 1 : 0);
        }
        Assert.True(received > MpmServer.BigSize, "the in-flight download was cut at " + received);
        MpmServer.WaitFor(() => !server.Children().Intersect(oldChildren).Any(), 15, "the old generation to exit");
        MpmServer.WaitFor(() => server.Auto()["Stopping"] == "0", 5, "no stopping child");
        Assert.Equal(server.ControlPid, int.Parse(File.ReadAllText(server.PidFile).Trim())); // same process, new image
    }

    [Fact]
    public void Graceful_stop_finishes_an_in_flight_slow_response_within_GracefulShutdownTimeout()
    {
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        using Socket slow = Connect(server.Port);
        slow.ReceiveBufferSize = 16 * 1024;
        slow.Send(Encoding.ASCII.GetBytes("GET /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[64 * 1024];
        long received = slow.Receive(buffer);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, MpmServer.Kill(server.ControlPid, SIGWINCH));
        // The condition itself, not the AH00492 line: the children close their listening sockets a
        // few milliseconds after the control process logs it, and a connection made in between is served.
        MpmServer.WaitFor(() => !MpmServer.Listening(server.Port), 5, "the listening sockets to close");
        Assert.Contains("AH00492: caught SIGWINCH, shutting down gracefully", server.Log);

        // Read the rest at about 8 MiB/s: about 2 s, within GracefulShutdownTimeout 5.
        int n;
        while ((n = slow.Receive(buffer)) > 0)
        {
            received += n;
            if (received % (512 * 1024) < n) Thread.Sleep(60);
        }
        Assert.True(received > MpmServer.BigSize, "the response was cut at " + received);
        MpmServer.WaitFor(() => !server.ControlAlive, 10, "the server to exit");
        Assert.True(clock.Elapsed.TotalSeconds < 5 + 2, "graceful stop took " + clock.Elapsed);
        Assert.False(File.Exists(server.PidFile));
    }

    /// <summary>
    /// What a container orchestrator's stop relies on (examples/Kubernetes): at SIGTERM the server
    /// stops listening at once, so a readiness probe fails and no new connection is taken, while a
    /// response in flight still completes (within the 3 s a SIGTERM allows), then it exits.
    /// </summary>
    [Fact]
    public void SIGTERM_stops_listening_at_once_and_lets_a_response_in_flight_finish()
    {
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        using Socket slow = Connect(server.Port);
        slow.Send(Encoding.ASCII.GetBytes("GET /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[64 * 1024];
        long received = slow.Receive(buffer);

        Assert.Equal(0, MpmServer.Kill(server.ControlPid, SIGTERM));
        // Unready at once: nothing listens any more (httpd logs AH00491 only once the children are gone).
        MpmServer.WaitFor(() => !MpmServer.Listening(server.Port), 2, "the listening sockets to close");

        // Read the rest, pausing at each MiB (about half a second in all): the response is not cut.
        int n;
        while ((n = slow.Receive(buffer)) > 0)
        {
            received += n;
            if (received % (1024 * 1024) < n) Thread.Sleep(30);
        }
        Assert.True(received > MpmServer.BigSize, "the response was cut at " + received);
        MpmServer.WaitFor(() => !server.ControlAlive, 10, "the server to exit");
        Assert.Contains("AH00491: caught SIGTERM, shutting down", server.Log);
        Assert.False(File.Exists(server.PidFile));
    }

    [Fact]
    public void Children_run_as_User_and_Group_while_the_control_process_keeps_root()
    {
        Assert.True(Environment.UserName == "root", "this test starts the server as root, as httpd is started");
        using var server = new MpmServer(site, "-C \"User nobody\" -C \"Group nogroup\"", start: false);
        // nobody must be able to read the document root.
        Assert.Equal(0, Tool.Run("chmod", $"755 {server.Folder} {server.Docroot} {Path.GetDirectoryName(server.Folder)}").ExitCode);
        server.Start();
        // Both children serving (their workers idle on the scoreboard), not merely forked: a child
        // changes its user after it opens its logs and before its workers start.
        MpmServer.WaitFor(() => server.Children().Count == 2 && server.Auto() is var a && int.Parse(a["BusyWorkers"]) + int.Parse(a["IdleWorkers"]) == 8, 10, "two children's workers");
        foreach (int child in server.Children())
        {
            string status = File.ReadAllText($"/proc/{child}/status");
            Assert.Matches(@"\nUid:\t65534\t65534\t65534\t65534\n", status);
            Assert.Matches(@"\nGid:\t65534\t65534\t65534\t65534\n", status);
            Assert.Matches(@"\nGroups:\t(65534 ?)?\n", status); // nobody's supplementary groups, not root's
        }
        Assert.Matches(@"\nUid:\t0\t", File.ReadAllText($"/proc/{server.ControlPid}/status"));
        Assert.Equal("<p>MpmSite</p>\n", server.Get("/", out _));
        Assert.Equal("made-as 65534 serving-as 65534\n", server.Get("/identity", out _)); // handlers are made after the change
    }

    [Fact]
    public void Dash_k_start_with_a_bad_user_fails_with_the_reason_and_starts_nothing()
    {
        using var server = new MpmServer(site, "-C \"User no-such-user\"", start: false);
        Tool.Result start = server.StartOnly();
        Assert.Equal(1, start.ExitCode);
        Assert.Contains("MpmSite: AH00543: bad user name no-such-user", start.Error);
        Assert.Equal(0, server.ControlPid);
        Assert.False(File.Exists(server.PidFile));
        Assert.False(MpmServer.Listening(server.Port));
    }

    [Fact]
    public void CoreDumpDirectory_is_the_childrens_working_directory()
    {
        using var server = new MpmServer(site, start: false);
        string cores = Path.Combine(server.Folder, "cores");
        Directory.CreateDirectory(cores);
        using var configured = new MpmServer(site, $"-C \"CoreDumpDirectory {cores}\"");
        MpmServer.WaitFor(() => configured.Children().Count == 2, 10, "StartServers 2");
        foreach (int child in configured.Children())
        {
            Assert.Equal(cores, new FileInfo($"/proc/{child}/cwd").LinkTarget); // where the kernel writes a core
        }
    }

    [Fact]
    public void Dash_k_starts_stops_and_reports_a_server_that_is_not_running()
    {
        using var server = new MpmServer(site);
        Tool.Result again = server.Command(server.Arguments + " -k start");
        Assert.Contains($"MpmSite (pid {server.ControlPid}) already running", again.All);

        Tool.Result stop = server.Command(server.Arguments + " -k stop");
        Assert.Equal(0, stop.ExitCode);
        MpmServer.WaitFor(() => !server.ControlAlive, 15, "the server to stop");
        Assert.False(File.Exists(server.PidFile));
        Assert.Contains("AH00491: caught SIGTERM, shutting down", server.Log);
        Assert.Contains("MpmSite (no pid file) not running", server.Command(server.Arguments + " -k stop").All);
    }

    [Fact]
    public void A_second_server_on_a_port_in_use_fails_to_bind_as_httpd_does_and_the_first_keeps_serving()
    {
        using var first = new MpmServer(site);
        using var second = new MpmServer(site, start: false);
        Tool.Result refused = second.Command(second.Arguments.Replace($":{second.Port}\"", $":{first.Port}\"") + " -k start");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"Address already in use: AH00072: make_sock: could not bind to address 127.0.0.1:{first.Port}", refused.All + second.Log);
        Assert.False(File.Exists(second.PidFile));
        Tool.Result ss = Tool.Run("ss", $"-ltnH sport = :{first.Port}", first.Folder);
        Assert.Single(ss.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // one listening socket, the first server's
        Assert.Equal("<p>MpmSite</p>\n", first.Get("/", out _));
    }

    [Fact]
    public void Dash_k_restart_replaces_every_child_at_once_and_starts_a_new_generation()
    {
        using var server = new MpmServer(site);
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        var before = server.Children();
        using Socket idle = Connect(server.Port);
        idle.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        var buffer = new byte[4096];
        Assert.True(idle.Receive(buffer) > 0);

        Tool.Result restart = server.Command(server.Arguments + " -k restart");
        Assert.True(restart.ExitCode == 0, restart.All);
        // An upper bound, not a speed: the old children are reclaimed (SIGTERM, then again after 3 s)
        // before the new image starts, which on a loaded machine took more than 10 s once.
        server.Await(() => server.TryAuto() is { } a && a["ParentServerMPMGeneration"] == "1" && a["Processes"] == "2", 30, "generation 1");
        Assert.Empty(server.Children().Intersect(before)); // the old children were stopped before the new image started
        Assert.Contains("AH00494: SIGHUP received.  Attempting to restart", server.Log);
        Assert.Equal("1", server.Auto()["ParentServerConfigGeneration"]); // a fresh scoreboard, as httpd's cold restart
        idle.ReceiveTimeout = 5000;
        Assert.Equal(0, idle.Receive(buffer)); // its child is gone, and with it the connection
    }

    [Fact]
    public void A_server_started_under_nohup_still_restarts_on_SIGHUP()
    {
        // nohup starts the program with SIGHUP ignored, and an ignored signal survives exec: the
        // server must take it back, or -k restart (SIGHUP) would do nothing.
        using var server = new MpmServer(site, start: false);
        Tool.Result started = server.StartOnly(via: "nohup");
        Assert.True(started.ExitCode == 0, started.All + server.Log);
        Assert.False(Ignores(server.ControlPid, signal: 1), "the control process ignores SIGHUP as nohup set it");
        server.Await(() => server.TryAuto() is { } a && a["Processes"] == "2", 30, "StartServers 2");

        Tool.Result restart = server.Command(server.Arguments + " -k restart");
        Assert.True(restart.ExitCode == 0, restart.All);
        server.Await(() => server.TryAuto() is { } a && a["ParentServerMPMGeneration"] == "1", 30, "generation 1 after -k restart");
        Assert.Contains("AH00494: SIGHUP received.  Attempting to restart", server.Log);
    }

    /// <summary>Whether a process ignores a signal: /proc/PID/status's SigIgn, a hex mask with bit N-1 for signal N.</summary>
    private static bool Ignores(int pid, int signal)
    {
        string line = File.ReadAllLines("/proc/" + pid + "/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;
    }

    [Fact]
    public void Dash_X_serves_from_one_process_without_children()
    {
        using var server = new MpmServer(site, "-X");
        Assert.Empty(server.Children());
        var auto = server.Auto();
        Assert.Equal("1", auto["Processes"]);
        Assert.Equal(4, auto["Scoreboard"].Length); // one process of ThreadsPerChild workers
        Assert.Equal("<p>MpmSite</p>\n", server.Get("/", out _));
        server.Get("/private/index.html", out string denied);
        Assert.StartsWith("HTTP/1.1 403", denied); // Require all denied
    }

    [Fact]
    public void Under_systemd_it_serves_the_sockets_it_is_given_and_reports_ready_reloading_and_stopping()
    {
        using var server = new MpmServer(site, start: false);
        int activatedPort = MpmServer.FreePort();
        string notifyPath = Path.Combine(server.Folder, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));
        notify.ReceiveTimeout = 15_000;
        string Next()
        {
            var buffer = new byte[4096];
            return Encoding.UTF8.GetString(buffer, 0, notify.Receive(buffer));
        }

        // What systemd does for a socket unit: bind, put the socket at descriptor 3, set
        // LISTEN_FDS and LISTEN_PID (the pid the server will have: exec keeps it), and exec.
        string launcher = "import os, socket, sys\n"
            + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + $"s.bind(('127.0.0.1', {activatedPort})); s.listen(64)\n"
            + "os.dup2(s.fileno(), 3) if s.fileno() != 3 else None\n"
            + "os.set_inheritable(3, True)\n"
            + "os.environ['LISTEN_FDS'] = '1'; os.environ['LISTEN_PID'] = str(os.getpid())\n"
            + "os.execv(sys.argv[1], sys.argv[1:])\n";
        File.WriteAllText(Path.Combine(server.Folder, "activate.py"), launcher);
        var start = new System.Diagnostics.ProcessStartInfo("python3") { WorkingDirectory = server.Folder };
        foreach (string arg in new[] { "activate.py", server.Binary, "-C", $"Listen 127.0.0.1:{server.Port}", "-C", $"DocumentRoot {server.Docroot}" }) start.ArgumentList.Add(arg);
        start.Environment["NOTIFY_SOCKET"] = notifyPath;
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            string ready = Next();
            Assert.Contains("READY=1", ready);
            Assert.Contains("MAINPID=" + process.Id, ready);
            Assert.Equal(200, StatusOn(activatedPort));
            Assert.Throws<SocketException>(() => Connect(server.Port, attempts: 1)); // Listen was not bound
            Assert.Contains("socket(s) from the service manager (LISTEN_FDS)", server.Log);

            Assert.Equal(0, MpmServer.Kill(process.Id, SIGUSR1));
            Assert.Matches(@"^RELOADING=1\nMONOTONIC_USEC=\d+$", Next());
            Assert.Contains("READY=1", Next());
            Assert.Equal(200, StatusOn(activatedPort)); // the new generation serves the same socket

            Assert.Equal(0, MpmServer.Kill(process.Id, SIGTERM));
            Assert.Equal("STOPPING=1", Next());
            Assert.True(process.WaitForExit(15_000));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static int StatusOn(int port)
    {
        using Socket s = Connect(port);
        s.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[4096];
        return int.Parse(Encoding.ASCII.GetString(buffer, 0, s.Receive(buffer)).Substring(9, 3));
    }

    [Fact]
    public void ScoreBoardFile_puts_the_scoreboard_in_a_file_other_programs_can_map()
    {
        using var server = new MpmServer(site, "-C \"ScoreBoardFile logs/scoreboard\"");
        MpmServer.WaitFor(() => server.Children().Count == 2, 10, "StartServers 2");
        string file = Path.Combine(server.Folder, "logs", "scoreboard");
        byte[] header = File.ReadAllBytes(file)[..64];
        Assert.Equal("EMPMSB01", Encoding.ASCII.GetString(header, 0, 8));
        Assert.Equal(6, BitConverter.ToInt32(header, 8)); // ServerLimit
        Assert.Equal(4, BitConverter.ToInt32(header, 12)); // ThreadLimit
        Assert.Equal(server.ControlPid, BitConverter.ToInt32(header, 32));
    }

    /// <summary>The head of a response to a client that asks for keep-alive by name (so the Keep-Alive field is sent).</summary>
    private static string KeepAliveOf(MpmServer server)
    {
        using Socket s = Connect(server.Port);
        s.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        var buffer = new byte[4096];
        int n = s.Receive(buffer);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static Socket Connect(int port, int attempts = 50)
    {
        for (int attempt = 1; ; attempt++)
        {
            var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
            try
            {
                s.Connect("127.0.0.1", port);
                return s;
            }
            catch (SocketException) when (attempt < attempts)
            {
                s.Dispose();
                Thread.Sleep(50);
            }
        }
    }
}
