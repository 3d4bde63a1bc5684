using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using EventMpm.Contract;
using EventMpm.Configuration;
using EventMpm.Serving;
using Tmds.Linux;
using EventMpm.Logging;
using EventMpm.Mpm;

namespace EventMpm.Hosting;

/// <summary>
/// The compiled server's entry point: httpd's command line over the compiled configuration.
/// The emitted <c>Main</c> calls <c>ServerHost.Run&lt;CompiledConfig&gt;(args)</c>.
/// </summary>
public static class ServerHost
{
    /// <summary>httpd's exit status for a configuration or usage error.</summary>
    private const int ExitConfigError = 1;

    /// <summary>The binary's entry point.</summary>
    public static int Run<TConfig>(string[] args) where TConfig : struct, IServerConfig
    {
        // The signals -k sends, and a terminal's ^C, must reach the server even when whoever
        // started it ignored them (nohup, a script's &).
        Native.Processes.StopIgnoring([LibC.SIGHUP, LibC.SIGINT, LibC.SIGTERM, LibC.SIGUSR1, LibC.SIGWINCH]);
        return Run<TConfig>(args, Console.Out, Console.Error);
    }

    public static int Run<TConfig>(string[] args, TextWriter output, TextWriter error) where TConfig : struct, IServerConfig
    {
        string program = Path.GetFileName(Environment.ProcessPath ?? "eventmpm");
        CommandLine command = CommandLine.Parse(args);
        if (command.Error is not null)
        {
            error.WriteLine(program + ": " + command.Error);
            error.Write(string.Format(System.Globalization.CultureInfo.InvariantCulture, CommandLine.Usage, program));
            return ExitConfigError;
        }
        if (command.ShowHelp)
        {
            output.Write(string.Format(System.Globalization.CultureInfo.InvariantCulture, CommandLine.Usage, program));
            return 0;
        }
        if (command.ShowVersion)
        {
            output.WriteLine("Server version: " + ServerIdentity.Version);
            return 0;
        }

        ErrorLog.Level = TConfig.LogLevel;
        ServerSettings compiled = CompiledSettings.Read<TConfig>();
        var (deployment, diagnostics, written) = StartupOverrides.Apply(compiled.Deployment, compiled.LogFormats, command.Directives, EnvironmentVariables());
        bool failed = false;
        foreach (ConfigDiagnostic d in diagnostics)
        {
            error.WriteLine(d.Level == DiagnosticLevel.Error
                ? program + ": Syntax error in " + d.Location.File + " (" + d.Id + "): " + d.Message
                : program + ": " + d.Level.ToString().ToUpperInvariant() + " in " + d.Location.File + " (" + d.Id + "): " + d.Message);
            failed |= d.Level == DiagnosticLevel.Error;
        }
        if (failed) return ExitConfigError;
        var effective = compiled with { Deployment = deployment };
        var paths = new ServerPaths(deployment, AppContext.BaseDirectory);

        if (command.ShowSettings)
        {
            ConfigReport.WriteSettings(output, effective, paths, written, TConfig.Sources);
            return 0;
        }
        // What a start checks before it binds, -t checks too: a configuration that passes -t starts.
        var startWarnings = new List<string>();
        List<string> Problems() => StartupCheck.Problems(deployment, paths, children: !command.SingleProcess, tls: Server<TConfig>.ServesTls(deployment) ? Server<TConfig>.TlsSettings(deployment, paths) : null, startWarnings, TConfig.Aliases);
        if (command.TestConfig)
        {
            foreach (string warning in compiled.Warnings) error.WriteLine("WARNING: " + warning);
            List<string> problems = Problems();
            foreach (string warning in startWarnings) error.WriteLine("WARNING: " + warning);
            foreach (string found in problems) error.WriteLine(program + ": " + found);
            if (problems.Count > 0) return ExitConfigError;
            error.WriteLine("Syntax OK");
            return 0;
        }

        if (command.Signal is string verb) return ControlCommand.Send(program, verb, paths, command.ServeArguments, output, error, Problems);
        // From here on the server runs: its messages go to ErrorLog, as httpd's do (before it is
        // open, to stderr; while it starts, its errors to both).
        if (ErrorLog.OpenFile(paths.ErrorLog) is string problem)
        {
            error.WriteLine(program + ": AH00091: could not open error log file " + paths.ErrorLog + ": " + problem);
            error.WriteLine(program + ": AH00015: Unable to open logs");
            return ExitConfigError;
        }
        if (ChildHandoff.FromEnvironment() is ChildHandoff child) return ChildProcess<TConfig>.Run(child, deployment, paths);
        bool refused = false;
        foreach (string startProblem in Problems())
        {
            ErrorLog.Write(LogLevel.Emerg, "core", "", startProblem);
            refused = true;
        }
        foreach (string warning in startWarnings) ErrorLog.Write(LogLevel.Warn, "ssl", "", warning);
        if (ControlHandoff.FromEnvironment() is null && PidFile.OtherServer(paths.PidFile) is int running)
        {
            ErrorLog.Write(LogLevel.Emerg, "core", "", program + " (pid " + running + ") already running with PidFile " + paths.PidFile
                + "; stop it first (-k stop), or give this server a PidFile of its own (-C \"PidFile ...\")");
            refused = true;
        }
        if (refused) return ExitConfigError;
        if (command.SingleProcess) return Serve<TConfig>(program, deployment, paths);
        return ControlProcess<TConfig>.Run(command.ServeArguments, deployment, paths, ControlHandoff.FromEnvironment());
    }

    /// <summary>-X: one process serves in the foreground until SIGTERM or SIGINT; in-flight responses finish first.</summary>
    private static int Serve<TConfig>(string program, DeploymentSettings deployment, ServerPaths paths) where TConfig : struct, IServerConfig
    {
        StartedSignal.TakeFromEnvironment();
        Server<TConfig> server;
        try
        {
            server = Server<TConfig>.Open(deployment, paths);
            PidFile.Write(paths.PidFile, Environment.ProcessId);
        }
        catch (ServerStartException e)
        {
            ErrorLog.Write(LogLevel.Emerg, "core", "", e.Message);
            return ExitConfigError;
        }
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            server.Stop();
        }
        using (server)
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop))
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop))
        {
            ErrorLog.Notice("mpm_event", "AH00489", ServerIdentity.ServerSoftware + " configured -- resuming normal operations (one process, -X; listening on "
                + string.Join(", ", deployment.Listen) + ")");
            StartedSignal.Send();
            ErrorLog.Starting = false;
            ErrorLog.SayOnTerminal(program + ": serving on " + string.Join(", ", deployment.Listen) + " (one process, pid " + Environment.ProcessId + "); logging to " + paths.ErrorLog);
            server.Run();
            PidFile.Remove(paths.PidFile, Environment.ProcessId);
            ErrorLog.Notice("mpm_event", "AH00491", "caught SIGTERM, shutting down");
            return 0;
        }
    }

    private static Dictionary<string, string> EnvironmentVariables()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value) result[key] = value;
        }
        return result;
    }
}
