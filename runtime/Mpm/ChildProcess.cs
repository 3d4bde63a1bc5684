using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using EventMpm.Contract;
using EventMpm.Configuration;
using EventMpm.Serving;
using EventMpm.Logging;
using EventMpm.Native;
using EventMpm.Scoreboard;
using Tmds.Linux;

namespace EventMpm.Mpm;

/// <summary>
/// A child process: the control process executed this binary again and handed it a slot, a
/// generation, the listening sockets and the scoreboard. It drops to User and Group, serves with
/// one engine, and stops as httpd's children do: SIGUSR1 (the control process's graceful stop,
/// for a graceful restart, an idle reduction or a graceful stop) lets in-flight requests finish;
/// so does a first SIGTERM, and a second one (the control process repeats it after 3 s) ends it
/// at once: httpd cuts in-flight requests at the first, which a container's stop should not do.
/// The control process's death (its pipe closes) stops it gracefully.
/// </summary>
internal static class ChildProcess<TConfig> where TConfig : struct, IServerConfig
{
    public static int Run(ChildHandoff handoff, DeploymentSettings deployment, ServerPaths paths)
    {
        // A child's errors belong in the log; only its fatal ones also reach a foreground terminal.
        ErrorLog.Starting = false;
        Sys.Close(handoff.AliveWrite); // only the control process may hold it, or its death would go unseen
        Processes.SetName(System.IO.Path.GetFileName(Environment.GetCommandLineArgs()[0]));
        ScoreboardImage board;
        ListenSocket[] listeners;
        Tls.TicketKeys? tickets;
        try
        {
            board = ScoreboardImage.Attach(handoff.Board);
            listeners = handoff.Listeners.Select(ListenSocket.Adopt).ToArray();
            tickets = handoff.Tickets >= 0 ? Tls.TicketKeys.Attach(handoff.Tickets, owner: false) : null;
        }
        catch (InvalidOperationException e)
        {
            ErrorLog.Write(LogLevel.Emerg, "mpm_event", "", "child " + handoff.Slot + ": " + e.Message);
            return ControlProcess<TConfig>.ExitChildFatal;
        }
        // The logs and DocumentRoot are opened before the user changes, as httpd's parent opens
        // its logs as root: log directories need not be writable by User. Files are opened later,
        // per request, with the user's rights.
        Server<TConfig> server;
        try
        {
            server = Server<TConfig>.OpenChild(listeners, board, handoff.Slot, deployment, paths, tickets);
        }
        catch (ServerStartException e)
        {
            ErrorLog.Write(LogLevel.Emerg, "mpm_event", "", e.Message);
            return ControlProcess<TConfig>.ExitChildFatal;
        }
        if (!DropPrivileges(deployment) || !SetCoreDumpDirectory(deployment, paths))
        {
            server.Dispose();
            return ControlProcess<TConfig>.ExitChildFatal;
        }
        try
        {
            server.CreateHandlers(); // as User: a handler's constructor is the application's code
        }
        catch (ServerStartException e)
        {
            ErrorLog.Write(LogLevel.Emerg, "mpm_event", "", e.Message);
            server.Dispose();
            return ControlProcess<TConfig>.ExitChildFatal;
        }

        void Graceful(PosixSignalContext c)
        {
            c.Cancel = true;
            server.Stop();
        }
        void Ignore(PosixSignalContext c) => c.Cancel = true;
        int terms = 0;
        void Terminate(PosixSignalContext c)
        {
            c.Cancel = true;
            if (Interlocked.Increment(ref terms) == 1) server.Stop();
            else Environment.Exit(0); // the control process's repeated SIGTERM (3 s on): connections are cut, as httpd's ungraceful stop
        }
        using (server)
        using (PosixSignalRegistration.Create((PosixSignal)LibC.SIGUSR1, Graceful))
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, Terminate))
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, Ignore)) // a terminal's ^C reaches the whole group; the control process answers it
        using (PosixSignalRegistration.Create(PosixSignal.SIGHUP, Ignore))
        {
            var watcher = new Thread(() =>
            {
                Processes.WaitReadable(handoff.AliveRead);
                ErrorLog.Warn("mpm_event", "", "the control process has gone; child " + handoff.Slot + " stops gracefully");
                server.Stop();
            }) { IsBackground = true, Name = "parent watcher" };
            watcher.Start();
            server.Run();
        }
        return 0;
    }

    /// <summary>
    /// httpd's unixd_setup_child: started as root with a User, drop to it (its supplementary
    /// groups, then Group, then the uid) before serving a single request.
    /// </summary>
    private static bool DropPrivileges(DeploymentSettings deployment)
    {
        if (Processes.EffectiveUser != 0 || deployment.User.Length == 0) return true;
        if (Processes.FindUser(deployment.User) is not var (uid, primaryGid, name))
        {
            ErrorLog.Write(LogLevel.Emerg, "core", "AH00543", "bad user name " + deployment.User);
            return false;
        }
        uint gid = primaryGid;
        if (deployment.Group.Length != 0)
        {
            if (Processes.FindGroup(deployment.Group) is not uint g)
            {
                ErrorLog.Write(LogLevel.Emerg, "core", "AH00544", "bad group name " + deployment.Group);
                return false;
            }
            gid = g;
        }
        var (step, errno) = Processes.DropPrivileges(name, uid, gid);
        if (errno == 0) return true;
        // mod_unixd.c: set_group_privs() and ap_unixd_setup_child(), one code for each call.
        string message = step switch
        {
            "initgroups" => "AH02157: initgroups: unable to set groups for User " + name + " and Group " + gid,
            "setgid" => "AH02156: setgid: unable to set group id to Group " + gid,
            _ => "AH02162: setuid: unable to change to uid: " + uid,
        };
        ErrorLog.Write(LogLevel.Alert, "unixd", "", message + ": " + Sys.Describe(errno));
        return false;
    }

    /// <summary>CoreDumpDirectory: a crash dumps core there (the working directory), even after the uid changed.</summary>
    private static bool SetCoreDumpDirectory(DeploymentSettings deployment, ServerPaths paths)
    {
        if (deployment.CoreDumpDirectory.Length == 0) return true;
        string directory = paths.Resolve(deployment.CoreDumpDirectory);
        try
        {
            Environment.CurrentDirectory = directory;
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
        {
            ErrorLog.Write(LogLevel.Emerg, "core", "", "CoreDumpDirectory " + directory + " cannot be used: " + e.Message);
            return false;
        }
        Processes.AllowCoreDumps();
        return true;
    }
}
