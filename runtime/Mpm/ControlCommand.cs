using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using EventMpm.Hosting;
using EventMpm.Native;
using Tmds.Linux;

namespace EventMpm.Mpm;

/// <summary>
/// httpd's <c>-k</c> (ap_signal_server): find the running server through the PidFile and signal
/// it; <c>start</c> (and <c>restart</c>/<c>graceful</c> when nothing runs) starts one in the
/// background. Messages are httpd's, with this program's name.
/// </summary>
internal static class ControlCommand
{
    private const int SIGUSR1 = 10, SIGWINCH = 28;

    public static int Send(string program, string verb, ServerPaths paths, IReadOnlyList<string> serveArguments, TextWriter output)
    {
        int? pid = PidFile.Read(paths.PidFile);
        bool running = pid is int p && Processes.IsAlive(p);
        string state = pid is null ? "(no pid file)" : running ? "(pid " + pid + ")" : "(pid " + pid + "?)";
        switch (verb)
        {
            case "start":
                if (running)
                {
                    output.WriteLine(program + " " + state + " already running");
                    return 0;
                }
                return StartInBackground(program, paths, serveArguments, output);
            case "stop":
            case "graceful-stop":
                if (!running)
                {
                    output.WriteLine(program + " " + state + " not running");
                    return 0;
                }
                Processes.Signal(pid!.Value, verb == "stop" ? LibC.SIGTERM : SIGWINCH);
                return 0;
            default: // restart, graceful
                if (!running)
                {
                    output.WriteLine(program + " not running, trying to start");
                    return StartInBackground(program, paths, serveArguments, output);
                }
                Processes.Signal(pid!.Value, verb == "restart" ? LibC.SIGHUP : SIGUSR1);
                return 0;
        }
    }

    /// <summary>
    /// Starts the server in its own session with its output in ErrorLog, then waits until it has
    /// written its PidFile (it is serving) or has ended (its reason is in the log).
    /// </summary>
    private static int StartInBackground(string program, ServerPaths paths, IReadOnlyList<string> serveArguments, TextWriter output)
    {
        string binary = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this binary's path");
        Directory.CreateDirectory(Path.GetDirectoryName(paths.ErrorLog)!);
        var argv = new List<string> { binary };
        argv.AddRange(serveArguments);
        int pid = Processes.Spawn(binary, argv, ControlHandoff.CleanEnvironment(), detach: true, outputFile: paths.ErrorLog);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 30_000)
        {
            if (PidFile.Read(paths.PidFile) == pid) return 0;
            if (Processes.Reap() is ChildExit exit && exit.Pid == pid)
            {
                output.WriteLine(program + ": failed to start (exit " + exit.Code + "); see " + paths.ErrorLog);
                return 1;
            }
            Thread.Sleep(20);
        }
        output.WriteLine(program + ": started (pid " + pid + ") but it wrote no PidFile at " + paths.PidFile + " within 30 s; see " + paths.ErrorLog);
        return 1;
    }
}
