using System;
using System.Collections.Generic;
using System.IO;
using EventMpm.Serving;
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
    /// <param name="problems">What would stop a start, checked before one is tried (StartupCheck).</param>
    public static int Send(string program, string verb, ServerPaths paths, IReadOnlyList<string> serveArguments, TextWriter output, TextWriter error,
        Func<List<string>> problems)
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
                return StartInBackground(program, paths, serveArguments, error, problems);
            case "stop":
            case "graceful-stop":
                if (!running)
                {
                    output.WriteLine(program + " " + state + " not running");
                    return 0;
                }
                Processes.Signal(pid!.Value, verb == "stop" ? LibC.SIGTERM : LibC.SIGWINCH);
                return 0;
            default: // restart, graceful
                if (!running)
                {
                    output.WriteLine(program + " not running, trying to start");
                    return StartInBackground(program, paths, serveArguments, error, problems);
                }
                Processes.Signal(pid!.Value, verb == "restart" ? LibC.SIGHUP : LibC.SIGUSR1);
                return 0;
        }
    }

    /// <summary>
    /// Starts the server in its own session with its output in ErrorLog, then waits until it
    /// serves (a child's workers are up: <see cref="StartedSignal"/>) or has ended, in which case
    /// the reason it logged is repeated here and the exit status is 1.
    /// </summary>
    private static int StartInBackground(string program, ServerPaths paths, IReadOnlyList<string> serveArguments, TextWriter error,
        Func<List<string>> problems)
    {
        List<string> found = problems();
        foreach (string problem in found) error.WriteLine(program + ": " + problem);
        if (found.Count > 0) return 1;
        string binary = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this binary's path");
        Directory.CreateDirectory(Path.GetDirectoryName(paths.ErrorLog)!);
        long logged = File.Exists(paths.ErrorLog) ? new FileInfo(paths.ErrorLog).Length : 0;
        var argv = new List<string> { binary };
        argv.AddRange(serveArguments);
        var (started, startedWrite) = Processes.Pipe();
        Processes.Inherit(startedWrite);
        var environment = ControlHandoff.CleanEnvironment();
        environment.Add(new(StartedSignal.Variable, startedWrite.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        int pid;
        try
        {
            pid = Processes.Spawn(binary, argv, environment, detach: true, outputFile: paths.ErrorLog);
        }
        finally
        {
            Sys.Close(startedWrite);
        }
        // Children start within a second on an idle machine; 30 s leaves room for a loaded one.
        bool serving = StartedSignal.Wait(started, 30_000);
        Sys.Close(started);
        if (serving) return 0;
        error.WriteLine(program + ": the server (pid " + pid + ") did not start; from " + paths.ErrorLog + ":");
        foreach (string line in NewErrors(paths.ErrorLog, logged)) error.WriteLine("  " + line);
        return 1;
    }

    /// <summary>The error, crit, alert and emerg lines written to the log after <paramref name="offset"/>.</summary>
    private static IEnumerable<string> NewErrors(string path, long offset)
    {
        string text;
        try
        {
            using var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            log.Seek(Math.Min(offset, log.Length), SeekOrigin.Begin);
            text = new StreamReader(log).ReadToEnd();
        }
        catch (IOException)
        {
            yield break;
        }
        foreach (string line in text.Split('\n'))
        {
            // The level is the second bracket of httpd's line: "[time] [module:level] ...".
            if (line.Contains(":error] ", StringComparison.Ordinal) || line.Contains(":crit] ", StringComparison.Ordinal)
                || line.Contains(":alert] ", StringComparison.Ordinal) || line.Contains(":emerg] ", StringComparison.Ordinal)) yield return line;
        }
    }
}
