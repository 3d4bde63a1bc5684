using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;

namespace EventMpm.EndToEnd.Tests;

/// <summary>Runs a real process to completion, with a deadline, and keeps what it printed.</summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    /// <param name="environment">Variables to set (or, with a null value, remove) for the process.</param>
    public static Result Run(string file, string arguments, string? workingDirectory = null, int timeoutSeconds = 600,
        System.Collections.Generic.IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }
        using Process process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(file + " " + arguments + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary><c>dotnet</c> with MSBuild's worker nodes ending with the command, so no test leaves processes behind.</summary>
    public static Result Dotnet(string arguments, string? workingDirectory = null) => Run("dotnet", arguments + " -nodeReuse:false", workingDirectory);

    /// <summary>Installs a Debian package when its command is missing (a fresh machine has only what the repo installs).</summary>
    public static void RequireCommand(string command, string package)
    {
        if (Run("sh", "-c \"command -v " + command + "\"").ExitCode == 0) return;
        Run("apt-get", "update -qq");
        Result install = Run("sh", "-c \"DEBIAN_FRONTEND=noninteractive apt-get install -y -qq " + package + "\"");
        if (install.ExitCode != 0) throw new InvalidOperationException("cannot install " + package + ":\n" + install.All);
    }

    /// <summary>A path in the repository, found from this source file's own location (tests/EventMpm.EndToEnd.Tests/Tool.cs).</summary>
    public static string Repo(string relative) => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "../..", relative));

    private static string ThisFile([CallerFilePath] string here = "") => here;
}
