using System.Collections.Generic;

namespace EventMpm.Hosting;

/// <summary>What the operator asked for, parsed from httpd's options.</summary>
public sealed class CommandLine
{
    public const string Usage =
        "Usage: {0} [-C \"directive\"] [-k start|stop|restart|graceful|graceful-stop] [-X] [-t] [-V] [-v] [-h]\n" +
        "Options:\n" +
        "  -C \"directive\"    : apply a deployment directive at start, after the compiled configuration\n" +
        "                      (Listen, DocumentRoot, ServerName, ServerRoot, PidFile, ErrorLog,\n" +
        "                      CustomLog, ScoreBoardFile, User, Group, CoreDumpDirectory)\n" +
        "  -k start          : start the server in the background (its output goes to ErrorLog)\n" +
        "  -k stop           : stop it: children are stopped at once (SIGTERM to the PidFile's process)\n" +
        "  -k restart        : restart it at once, running the binary now at its path (SIGHUP)\n" +
        "  -k graceful       : restart it gracefully: the new generation runs the binary now at its path while\n" +
        "                      the old one finishes its requests (SIGUSR1)\n" +
        "  -k graceful-stop  : stop it once requests in flight finish, within GracefulShutdownTimeout (SIGWINCH)\n" +
        "  -X                : debug mode: one process serves in the foreground, no children\n" +
        "  -t                : run syntax check for config files (the compiled configuration and any -C)\n" +
        "  -V                : show compile settings: every directive's value and where it came from\n" +
        "  -v                : show version number\n" +
        "  -h                : list available command line options (this page)\n";

    public List<string> Directives { get; } = new();

    public bool TestConfig { get; private set; }

    public bool ShowSettings { get; private set; }

    public bool ShowVersion { get; private set; }

    public bool ShowHelp { get; private set; }

    /// <summary>-X: one process, no children (httpd's debug mode).</summary>
    public bool SingleProcess { get; private set; }

    /// <summary>The -k verb, or null to run in the foreground.</summary>
    public string? Signal { get; private set; }

    /// <summary>httpd's -k verbs.</summary>
    public static readonly string[] Signals = { "start", "stop", "restart", "graceful", "graceful-stop" };

    /// <summary>The arguments without -k and its verb: what a started server is run with.</summary>
    public List<string> ServeArguments { get; } = new();

    /// <summary>Null when the arguments are understood; otherwise what is wrong with them.</summary>
    public string? Error { get; private set; }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLine();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "-k")
            {
                if (i + 1 >= args.Count) { result.Error = "option requires an argument -- 'k'"; return result; }
                string verb = args[++i];
                if (System.Array.IndexOf(Signals, verb) < 0) { result.Error = "unknown -k verb '" + verb + "' (expected one of " + string.Join(", ", Signals) + ")"; return result; }
                result.Signal = verb;
                continue;
            }
            result.ServeArguments.Add(arg);
            switch (arg)
            {
                case "-X": result.SingleProcess = true; break;
                case "-t": result.TestConfig = true; break;
                case "-V": result.ShowSettings = true; break;
                case "-v": result.ShowVersion = true; break;
                case "-h": case "-?": case "--help": result.ShowHelp = true; break;
                case "-C":
                    if (i + 1 >= args.Count) { result.Error = "option requires an argument -- 'C'"; return result; }
                    result.Directives.Add(args[++i]);
                    result.ServeArguments.Add(args[i]);
                    break;
                default:
                    if (arg.StartsWith("-C", System.StringComparison.Ordinal) && arg.Length > 2) { result.Directives.Add(arg.Substring(2)); break; }
                    result.Error = "illegal option -- '" + arg.TrimStart('-') + "'";
                    return result;
            }
        }
        return result;
    }
}
