using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using EventMpm.Contract;
using EventMpm.Configuration;
using EventMpm.Serving;
using EventMpm.Logging;
using EventMpm.Native;
using EventMpm.Scoreboard;
using EventMpm.Tls;
using Tmds.Linux;

namespace EventMpm.Mpm;

/// <summary>
/// httpd's parent process for the event MPM (event.c: event_run(), server_main_loop(),
/// perform_idle_server_maintenance()): binds the listening sockets, owns the scoreboard, starts children (this binary executed again, handed its slot,
/// generation and the inherited descriptors), reaps and replaces them, does the spare-thread
/// maintenance once a second, and turns signals into stop, restart, graceful restart and
/// graceful stop. It never accepts a connection.
///
/// A restart re-executes the binary at the path the server was started from, in the same
/// process: the pid (and PidFile) stay, the listening sockets and, for a graceful restart, the
/// scoreboard with the old generation's draining children carry over. Replacing that file and
/// sending SIGUSR1 therefore runs the new generation on the new binary, with its new compiled
/// configuration, while the old generation finishes its connections.
/// </summary>
internal sealed class ControlProcess<TConfig> where TConfig : struct, IServerConfig
{
    /// <summary>httpd's APEXIT_CHILDFATAL: a child that cannot serve at all; the server stops.</summary>
    public const int ExitChildFatal = 0xf;

    /// <summary>How a socket from socket activation is named in a restart's handoff.</summary>
    private const string ActivatedPrefix = "systemd:";

    private enum Pending { None, Graceful, GracefulStop, Restart, Stop }

    private readonly IReadOnlyList<string> _args;
    private readonly ServerPaths _paths;
    private readonly string _binary;
    private readonly ScoreboardImage _board;
    private readonly TicketKeys? _tickets;
    private readonly List<(ListenSocket Socket, string Address)> _listeners;
    private readonly int _aliveRead, _aliveWrite;
    private readonly int _generation;
    private readonly int _activeLimit;
    // No spinning before it blocks: SemaphoreSlim spun about 60 sched_yield calls a wait, 300 a
    // second in a control process that otherwise sleeps. Reset after each wake (a signal set
    // _pending before it set the event, so nothing set in between is lost).
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private int _pending;
    private readonly SpareThreadMaintenance _maintenance;
    private int _successiveKills;
    private bool _warnedMaxWorkers, _warnedWithinMin;
    private bool _serving;

    private ControlProcess(IReadOnlyList<string> args, ServerPaths paths, string binary, ScoreboardImage board, TicketKeys? tickets,
        List<(ListenSocket, string)> listeners, int aliveRead, int aliveWrite, int generation)
    {
        _tickets = tickets;
        _args = args;
        _paths = paths;
        _binary = binary;
        _board = board;
        _listeners = listeners;
        _aliveRead = aliveRead;
        _aliveWrite = aliveWrite;
        _generation = generation;
        _activeLimit = Math.Min(TConfig.MaxRequestWorkers / TConfig.ThreadsPerChild, board.ServerLimit);
        _maintenance = new SpareThreadMaintenance(TConfig.MinSpareThreads, TConfig.MaxSpareThreads, TConfig.MaxRequestWorkers, board.ServerLimit, _activeLimit);
    }

    /// <summary>Runs the server until it is stopped; the exit code of the process.</summary>
    public static int Run(IReadOnlyList<string> args, DeploymentSettings deployment, ServerPaths paths, ControlHandoff? handoff)
    {
        StartedSignal.TakeFromEnvironment();
        ControlProcess<TConfig> control;
        try
        {
            control = handoff is null ? ColdStart(args, deployment, paths) : Adopt(args, deployment, paths, handoff);
            PidFile.Write(paths.PidFile, Environment.ProcessId);
        }
        catch (Exception e) when (e is ServerStartException or InvalidOperationException or System.IO.IOException or UnauthorizedAccessException)
        {
            ErrorLog.Write(LogLevel.Emerg, "mpm_event", "", e.Message);
            return 1;
        }
        return control.MainLoop();
    }

    private static ControlProcess<TConfig> ColdStart(IReadOnlyList<string> args, DeploymentSettings deployment, ServerPaths paths)
    {
        List<(ListenSocket, string)> listeners;
        int[] activated = Systemd.TakeListenFds();
        if (activated.Length > 0)
        {
            // Socket activation: the service manager bound the sockets; Listen is not used.
            listeners = activated.Select(fd => (ListenSocket.Adopt(fd), ActivatedPrefix + fd.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
            ErrorLog.Notice("mpm_event", "", "serving " + activated.Length + " socket(s) from the service manager (LISTEN_FDS); the Listen directives are not used");
        }
        else
        {
            ListenSocket[] sockets = Server<TConfig>.OpenListeners(deployment);
            listeners = sockets.Select((s, i) => (s, deployment.Listen[i].ToString())).ToList();
        }
        ScoreboardImage board = ScoreboardImage.Create(TConfig.ServerLimit, TConfig.ThreadLimit,
            deployment.ScoreBoardFile.Length == 0 ? null : paths.Resolve(deployment.ScoreBoardFile));
        var (aliveRead, aliveWrite) = Processes.Pipe();
        string binary = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this binary's path");
        TicketKeys? tickets = Server<TConfig>.UsesTicketKeys(deployment) ? TicketKeys.Create(UnixNow) : null;
        return new ControlProcess<TConfig>(args, paths, binary, board, tickets, listeners, aliveRead, aliveWrite, generation: 0);
    }

    /// <summary>The image a restart executed: take over what the previous image handed down.</summary>
    private static ControlProcess<TConfig> Adopt(IReadOnlyList<string> args, DeploymentSettings deployment, ServerPaths paths, ControlHandoff handoff)
    {
        // Keep the inherited sockets this configuration still listens on; open the new ones; close
        // the rest. Sockets from socket activation are all kept: the service manager owns them.
        var inherited = handoff.Listeners.ToDictionary(l => l.Address, l => l.Fd);
        var listeners = new List<(ListenSocket, string)>();
        if (handoff.Listeners.Length > 0 && handoff.Listeners.All(l => l.Address.StartsWith(ActivatedPrefix, StringComparison.Ordinal)))
        {
            listeners.AddRange(handoff.Listeners.Select(l => (ListenSocket.Adopt(l.Fd), l.Address)));
            inherited.Clear();
        }
        else foreach (ListenAddress address in deployment.Listen)
        {
            string key = address.ToString();
            if (inherited.Remove(key, out int fd)) listeners.Add((ListenSocket.Adopt(fd), key));
            else listeners.Add((ListenSocket.Open(address, Server<TConfig>.ListenOptions), key));
        }
        foreach (int stale in inherited.Values) Sys.Close(stale);

        ScoreboardImage board;
        if (handoff.Graceful)
        {
            board = ScoreboardImage.Attach(handoff.Board);
            if (board.ServerLimit != TConfig.ServerLimit)
            {
                ErrorLog.Warn("mpm_event", "AH00501", "WARNING: changing ServerLimit to " + TConfig.ServerLimit + " from original value of "
                    + board.ServerLimit + " not supported during restart; using " + board.ServerLimit + " until the server is stopped and started");
            }
            if (board.ThreadLimit != TConfig.ThreadLimit)
            {
                ErrorLog.Warn("mpm_event", "AH00506", "WARNING: changing ThreadLimit to " + TConfig.ThreadLimit + " from original value of "
                    + board.ThreadLimit + " not supported during restart; using " + board.ThreadLimit + " until the server is stopped and started");
            }
            board.Global.ConfigGeneration++;
        }
        else
        {
            board = ScoreboardImage.Create(TConfig.ServerLimit, TConfig.ThreadLimit,
                deployment.ScoreBoardFile.Length == 0 ? null : paths.Resolve(deployment.ScoreBoardFile));
        }
        return new ControlProcess<TConfig>(args, paths, handoff.Binary, board, AdoptTicketKeys(deployment, handoff.Tickets), listeners, handoff.AliveRead, handoff.AliveWrite, handoff.Generation);
    }

    /// <summary>
    /// The ticket keys carry over a restart, so clients resume their sessions with the new
    /// generation; the restart makes a new current key (the previous one still opens old tickets).
    /// </summary>
    private static TicketKeys? AdoptTicketKeys(DeploymentSettings deployment, int inherited)
    {
        bool uses = Server<TConfig>.UsesTicketKeys(deployment);
        if (inherited < 0) return uses ? TicketKeys.Create(UnixNow) : null;
        if (!uses)
        {
            Sys.Close(inherited);
            return null;
        }
        TicketKeys keys = TicketKeys.Attach(inherited, owner: true);
        keys.Rotate(UnixNow);
        return keys;
    }

    private static long UnixNow => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private int MainLoop()
    {
        foreach (var (socket, _) in _listeners) Processes.Inherit(socket.Fd);
        Processes.Inherit(_board.Fd);
        if (_tickets is not null) Processes.Inherit(_tickets.Fd);
        Processes.Inherit(_aliveRead);
        Processes.Inherit(_aliveWrite);
        ref GlobalScore global = ref _board.Global;
        global.RunningGeneration = _generation;
        global.ParentPid = Environment.ProcessId;

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Request(c, Pending.Stop));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Request(c, Pending.Stop));
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => Request(c, Pending.Restart));
        using var user1 = PosixSignalRegistration.Create((PosixSignal)LibC.SIGUSR1, c => Request(c, Pending.Graceful));
        using var winch = PosixSignalRegistration.Create((PosixSignal)LibC.SIGWINCH, c => Request(c, Pending.GracefulStop));

        ErrorLog.Notice("mpm_event", "AH00489", ServerIdentity.ServerSoftware + " configured -- resuming normal operations");
        ErrorLog.Info("core", "AH00094", "Command line: '" + string.Join(" ", new[] { _binary }.Concat(_args)) + "'");
        for (int i = 0; i < Math.Min(TConfig.StartServers, _activeLimit); i++)
        {
            if (FreeSlot() is int slot) Spawn(slot);
        }

        long nextMaintenance = Environment.TickCount64 + 1000;
        while (true)
        {
            // Reap often, so a crashed child is replaced at once; maintain once a second, as httpd.
            _wake.Wait(200);
            _wake.Reset();
            switch ((Pending)Interlocked.Exchange(ref _pending, (int)Pending.None))
            {
                case Pending.Stop: return Stop("caught SIGTERM, shutting down", "AH00491");
                case Pending.GracefulStop: return GracefulStop();
                case Pending.Restart:
                    ErrorLog.Notice("mpm_event", "AH00494", "SIGHUP received.  Attempting to restart");
                    SignalChildren(LibC.SIGTERM);
                    Reclaim();
                    return Reexecute(graceful: false);
                case Pending.Graceful:
                    ErrorLog.Notice("mpm_event", "AH00493", "SIGUSR1 received.  Doing graceful restart");
                    if (NewBinaryPassesCheck()) return Reexecute(graceful: true);
                    break;
            }
            bool? reaped = ReapChildren();
            if (reaped is null)
            {
                ErrorLog.Write(LogLevel.Emerg, "mpm_event", "", "a child of the current generation could not start (see above); shutting down");
                return Stop("shut down: no child could serve", "") + 1;
            }
            if (!_serving && AnyWorkerServing())
            {
                _serving = true;
                AnnounceServing();
            }
            if (Environment.TickCount64 >= nextMaintenance)
            {
                if (reaped == false) _successiveKills = 0;
                Maintain();
                _tickets?.RotateIfDue(UnixNow, TConfig.SSLSessionCacheTimeout);
                nextMaintenance = Environment.TickCount64 + 1000;
            }
        }
    }

    /// <summary>Whether a child of this generation has its workers up: the server serves.</summary>
    private unsafe bool AnyWorkerServing()
    {
        for (int slot = 0; slot < _board.ServerLimit; slot++)
        {
            ref ProcessScore p = ref _board.Process(slot);
            if (p.Pid == 0 || p.Generation != _generation) continue;
            for (int t = 0; t < Math.Min(p.Threads, _board.ThreadLimit); t++)
            {
                byte status = _board.Worker(slot, t)->Status;
                if (status >= WorkerStatus.Ready && status < WorkerStatus.Graceful) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Once a generation serves: the service manager (READY=1) and a waiting <c>-k start</c> are
    /// told, and a server started in the foreground says where it listens and logs, once.
    /// </summary>
    private void AnnounceServing()
    {
        Systemd.Notify("READY=1\nMAINPID=" + Environment.ProcessId + "\nSTATUS=generation " + _generation + ", " + ServerIdentity.ServerSoftware);
        StartedSignal.Send();
        ErrorLog.Starting = false;
        if (_generation == 0)
        {
            ErrorLog.SayOnTerminal(System.IO.Path.GetFileName(_binary) + ": serving on " + string.Join(", ", _listeners.Select(l => l.Address))
                + " (pid " + Environment.ProcessId + "); logging to " + _paths.ErrorLog);
        }
    }

    /// <summary>Signal handlers only record what was asked: a stronger request replaces a weaker pending one.</summary>
    private void Request(PosixSignalContext context, Pending what)
    {
        context.Cancel = true;
        int current;
        do
        {
            current = Volatile.Read(ref _pending);
            if (current >= (int)what) return;
        }
        while (Interlocked.CompareExchange(ref _pending, (int)what, current) != current);
        _wake.Set();
    }

    // ------------------------------------------------------------------ children

    private int? FreeSlot()
    {
        for (int slot = 0; slot < _board.ServerLimit; slot++)
        {
            if (_board.Process(slot).Pid == 0) return slot;
        }
        return null;
    }

    private unsafe void Spawn(int slot)
    {
        ref ProcessScore p = ref _board.Process(slot);
        p = default;
        p.Generation = _generation;
        p.Threads = TConfig.ThreadsPerChild;
        for (int t = 0; t < _board.ThreadLimit; t++) _board.Worker(slot, t)->Status = WorkerStatus.Dead;
        var handoff = new ChildHandoff(slot, _generation, _board.Fd, _aliveRead, _aliveWrite, _listeners.Select(l => l.Socket.Fd).ToArray(), _tickets?.Fd ?? -1);
        var environment = ControlHandoff.CleanEnvironment();
        environment.RemoveAll(e => Systemd.ParentOnly.Contains(e.Key)); // the control process alone talks to the service manager
        environment.Add(new(ChildHandoff.Variable, handoff.Encode()));
        int pid;
        try
        {
            // /proc/self/exe: the binary this process runs, even after its file was replaced, so a
            // generation never mixes two configurations; the new file is taken at a restart only.
            pid = Processes.Spawn("/proc/self/exe", new[] { _binary }.Concat(_args).ToArray(), environment);
        }
        catch (InvalidOperationException e)
        {
            ErrorLog.Error("mpm_event", "AH00481", "fork: Unable to fork new process: " + e.Message);
            return;
        }
        p.Pid = pid;
        ErrorLog.Debug("mpm_event", "", "Child " + slot + " started: pid " + pid + ", gen " + _generation);
    }

    /// <summary>
    /// Collects ended children: their slots are freed; one killed by a signal is replaced at once
    /// (the first two of a run of kills, as httpd). True when any ended; null when a child of this
    /// generation could not start at all (the server stops, as httpd does on APEXIT_CHILDFATAL).
    /// </summary>
    private bool? ReapChildren()
    {
        bool any = false;
        while (Processes.Reap() is ChildExit exit)
        {
            any = true;
            int slot = SlotOf(exit.Pid);
            if (slot < 0) continue;
            int generation = _board.Process(slot).Generation;
            MarkStopped(slot);
            ErrorLog.Debug("mpm_event", "", "Child " + slot + " stopped: pid " + exit.Pid + ", gen " + generation);
            if (exit.Signalled)
            {
                ErrorLog.Notice("mpm_event", "AH00052", "child pid " + exit.Pid + " exit signal " + SignalName(exit.Signal) + " (" + exit.Signal + ")");
                _successiveKills++;
                if (_successiveKills % 10 == 3) ErrorLog.Warn("mpm_event", "AH10392", "children are killed successively!");
                if (_successiveKills <= 2 && generation == _generation) Spawn(slot);
            }
            else if (exit.Code == ExitChildFatal && generation == _generation)
            {
                return null;
            }
            else if (exit.Code == ExitChildFatal)
            {
                ErrorLog.Notice("mpm_event", "AH00487", "Ignoring fatal error in child of previous generation (pid " + exit.Pid + ").");
            }
        }
        return any;
    }

    private int SlotOf(int pid)
    {
        for (int slot = 0; slot < _board.ServerLimit; slot++)
        {
            if (_board.Process(slot).Pid == pid) return slot;
        }
        return -1;
    }

    /// <summary>A dead child's row: free, its workers '.' (the child can no longer write them).</summary>
    private unsafe void MarkStopped(int slot)
    {
        ref ProcessScore p = ref _board.Process(slot);
        p.Pid = 0;
        p.Quiescing = 0;
        p.NotAccepting = 0;
        p.Connections = p.WriteCompletion = p.KeepAlive = p.LingeringClose = 0;
        for (int t = 0; t < _board.ThreadLimit; t++) _board.Worker(slot, t)->Status = WorkerStatus.Dead;
    }

    /// <summary>
    /// One pass of spare-thread maintenance: count the scoreboard (<see cref="ChildCensus"/>),
    /// let <see cref="SpareThreadMaintenance"/> decide, and act, with httpd's log lines.
    /// </summary>
    private unsafe void Maintain()
    {
        int idle = 0, active = 0, total = 0, activeThreads = 0, candidate = -1;
        var free = new List<int>();
        for (int slot = 0; slot < _board.ServerLimit; slot++)
        {
            ref ProcessScore p = ref _board.Process(slot);
            if (p.Pid == 0)
            {
                if (free.Count < _maintenance.SpawnRate) free.Add(slot);
                continue;
            }
            total++;
            if (p.Quiescing == 1)
            {
                p.Quiescing = 2;
                ErrorLog.Debug("mpm_event", "", "Child " + slot + " quiescing: pid " + p.Pid + ", gen " + p.Generation);
            }
            if (p.Quiescing == 0) active++;
            bool countsIdle = p.Quiescing == 0 && p.NotAccepting == 0 && p.Generation == _generation;
            int threads = Math.Min(p.Threads, _board.ThreadLimit);
            for (int t = 0; t < threads; t++)
            {
                byte status = _board.Worker(slot, t)->Status;
                if (countsIdle && status <= WorkerStatus.Ready) idle++;
                if (status >= WorkerStatus.Ready && status < WorkerStatus.Graceful) activeThreads++;
            }
            if (p.Quiescing == 0 && p.Generation == _generation) candidate = slot;
        }

        MaintenanceStep step = _maintenance.Decide(new ChildCensus(idle, active, total, activeThreads, candidate, free.Count));
        switch (step.Action)
        {
            case MaintenanceAction.StopChild:
                ErrorLog.Debug("mpm_event", "", "Stopping child " + step.Count + " (pid " + _board.Process(step.Count).Pid + "): " + idle + " idle threads above MaxSpareThreads");
                Processes.Signal(_board.Process(step.Count).Pid, LibC.SIGUSR1);
                break;
            case MaintenanceAction.AtMaxRequestWorkers when !_warnedMaxWorkers:
                ErrorLog.Error("mpm_event", "AH00484", "server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting");
                _warnedMaxWorkers = true;
                break;
            case MaintenanceAction.WithinMinSpareThreads when !_warnedWithinMin:
                ErrorLog.Error("mpm_event", "AH10159", "server is within MinSpareThreads of MaxRequestWorkers, consider raising the MaxRequestWorkers setting");
                _warnedWithinMin = true;
                break;
            case MaintenanceAction.ScoreboardFull:
                ErrorLog.Error("mpm_event", "AH03490", "scoreboard is full, not at MaxRequestWorkers.Increase ServerLimit.");
                break;
            case MaintenanceAction.AtActiveLimit:
                ErrorLog.Write(LogLevel.Trace1, "mpm_event", "", "server is at active daemons limit, spawning of " + step.Count + " children cancelled");
                break;
            case MaintenanceAction.StartChildren:
                if (step.Busy)
                {
                    ErrorLog.Info("mpm_event", "AH00486", "server seems busy, (you may need to increase StartServers, ThreadsPerChild or Min/MaxSpareThreads), spawning "
                        + step.Count + " children, there are around " + idle + " idle threads, " + active + " active children, and " + (total - active) + " children that are shutting down");
                }
                for (int i = 0; i < step.Count; i++) Spawn(free[i]);
                break;
        }
    }

    private void SignalChildren(int signal)
    {
        for (int slot = 0; slot < _board.ServerLimit; slot++)
        {
            int pid = _board.Process(slot).Pid;
            if (pid != 0) Processes.Signal(pid, signal);
        }
    }

    private bool AnyChild()
    {
        for (int slot = 0; slot < _board.ServerLimit; slot++)
        {
            if (_board.Process(slot).Pid != 0) return true;
        }
        return false;
    }

    /// <summary>
    /// httpd's ap_reclaim_child_processes: the children were told to stop; wait, repeating SIGTERM
    /// at 3, 5 and 7 s, SIGKILL at 9 s, giving up at 10 s; polling from 16 ms up to 1 s.
    /// </summary>
    private void Reclaim()
    {
        long start = Environment.TickCount64;
        int interval = 16, step = 0;
        int[] marks = { 3000, 5000, 7000, 9000, 10_000 };
        while (true)
        {
            ReapChildren();
            if (!AnyChild()) return;
            Thread.Sleep(interval);
            interval = Math.Min(interval * 4, 1000);
            long elapsed = Environment.TickCount64 - start;
            if (step < marks.Length && elapsed >= marks[step])
            {
                for (int slot = 0; slot < _board.ServerLimit; slot++)
                {
                    int pid = _board.Process(slot).Pid;
                    if (pid == 0) continue;
                    if (step < 3)
                    {
                        ErrorLog.Warn("mpm_event", "AH00045", "child process " + pid + " still did not exit, sending a SIGTERM");
                        Processes.Signal(pid, LibC.SIGTERM);
                    }
                    else if (step == 3)
                    {
                        ErrorLog.Error("mpm_event", "AH00046", "child process " + pid + " still did not exit, sending a SIGKILL");
                        Processes.Signal(pid, LibC.SIGKILL);
                    }
                    else
                    {
                        ErrorLog.Error("mpm_event", "AH00047", "could not make child process " + pid + " exit, attempting to continue anyway");
                    }
                }
                if (++step == marks.Length) return;
            }
        }
    }

    // ------------------------------------------------------------------ stopping and restarting

    private int Stop(string message, string code)
    {
        Systemd.Notify("STOPPING=1");
        // Our copy of the listening sockets goes first: while any process holds one, the kernel
        // completes handshakes no one will serve. Closed, a new client is refused at once (a load
        // balancer or readiness probe learns it now), while the children finish what they hold.
        foreach (var (socket, _) in _listeners) socket.Dispose();
        SignalChildren(LibC.SIGTERM);
        Reclaim();
        PidFile.Remove(_paths.PidFile, Environment.ProcessId);
        ErrorLog.Notice("mpm_event", code, message);
        return 0;
    }

    /// <summary>
    /// SIGWINCH, httpd's graceful-stop (event.c: event_run()): stop listening, let every child
    /// finish what it is serving, for at most GracefulShutdownTimeout seconds (0: no limit) or
    /// until SIGTERM, then stop them.
    /// </summary>
    private int GracefulStop()
    {
        Systemd.Notify("STOPPING=1");
        foreach (var (socket, _) in _listeners) socket.Dispose();
        SignalChildren(LibC.SIGUSR1);
        ReapChildren();
        PidFile.Remove(_paths.PidFile, Environment.ProcessId);
        ErrorLog.Notice("mpm_event", "AH00492", "caught SIGWINCH, shutting down gracefully");
        long deadline = TConfig.GracefulShutdownTimeout > 0 ? Environment.TickCount64 + TConfig.GracefulShutdownTimeout * 1000L : long.MaxValue;
        while (AnyChild() && Environment.TickCount64 < deadline)
        {
            _wake.Wait(1000);
            _wake.Reset();
            if (Interlocked.Exchange(ref _pending, (int)Pending.None) == (int)Pending.Stop) break;
            ReapChildren();
        }
        SignalChildren(LibC.SIGTERM);
        Reclaim();
        return 0;
    }

    /// <summary>
    /// A graceful restart runs the binary now at the server's path; one that does not pass its own
    /// configuration test (or is gone) is refused, and this generation keeps serving.
    /// </summary>
    private bool NewBinaryPassesCheck()
    {
        // Its output (a bare "Syntax OK", or what is wrong) is kept aside, not written into the
        // error log, where only lines in the log's own format belong; the faults are logged.
        string output = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_paths.ErrorLog)!, ".configtest." + Environment.ProcessId);
        try
        {
            int pid = Processes.Spawn(_binary, new[] { _binary }.Concat(_args).Append("-t").ToArray(), ControlHandoff.CleanEnvironment(), outputFile: output);
            ChildExit result = Processes.WaitFor(pid);
            if (result.Code == 0 && !result.Signalled) return true;
            foreach (string line in ReadLines(output)) ErrorLog.Error("mpm_event", "", "configuration test: " + line);
            ErrorLog.Error("mpm_event", "", "the binary at " + _binary + " failed its configuration test (exit " + result.Code
                + "); the restart is refused and generation " + _generation + " keeps serving");
        }
        catch (InvalidOperationException e)
        {
            ErrorLog.Error("mpm_event", "", "cannot run the binary at " + _binary + " (" + e.Message + "); the restart is refused");
        }
        finally
        {
            try
            {
                System.IO.File.Delete(output);
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
            {
            }
        }
        return false;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try
        {
            return System.IO.File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>Executes the binary at the server's path in this process, as the next generation.</summary>
    private int Reexecute(bool graceful)
    {
        Systemd.Notify(Systemd.Reloading()); // READY=1 follows from the new image
        if (graceful) SignalChildren(LibC.SIGUSR1); // the old generation stops accepting and drains
        else Files.SetCloseOnExec(_board.Fd); // an ungraceful restart starts a fresh scoreboard
        var handoff = new ControlHandoff(_generation + 1, graceful ? _board.Fd : -1, _aliveRead, _aliveWrite,
            _listeners.Select(l => (l.Socket.Fd, l.Address)).ToArray(), _binary, _tickets?.Fd ?? -1);
        var environment = ControlHandoff.CleanEnvironment();
        environment.Add(new(ControlHandoff.Variable, handoff.Encode()));
        ErrorLog.Writer.Flush();
        int errno = Processes.Exec(_binary, new[] { _binary }.Concat(_args).ToArray(), environment);
        // Only reached when exec failed: the children were told to stop, so stop cleanly too.
        ErrorLog.Write(LogLevel.Emerg, "mpm_event", "", "cannot execute " + _binary + " for the restart: " + Sys.Describe(errno) + "; shutting down");
        return Stop("shut down after a failed restart", "AH00491") + 1;
    }

    private static string SignalName(int signal) => signal switch
    {
        1 => "Hangup", 2 => "Interrupt", 3 => "Quit", 4 => "Illegal instruction", 6 => "Aborted", 7 => "Bus error",
        8 => "Floating point exception", 9 => "Killed", 11 => "Segmentation fault", 13 => "Broken pipe", 15 => "Terminated",
        _ => "signal " + signal,
    };
}
