using System.Collections.Generic;

namespace EventMpm.Hosting;

/// <summary>What the operator asked for, parsed from httpd's options.</summary>
public sealed class CommandLine
{
    public const string Usage =
        "Usage: {0} [-C \"directive\"] [-t] [-V] [-v] [-h]\n" +
        "Options:\n" +
        "  -C \"directive\"    : apply a deployment directive at start, after the compiled configuration\n" +
        "                      (Listen, DocumentRoot, ServerName, ServerRoot, PidFile, ErrorLog,\n" +
        "                      CustomLog, ScoreBoardFile, User, Group, CoreDumpDirectory)\n" +
        "  -t                : run syntax check for config files (the compiled configuration and any -C)\n" +
        "  -V                : show compile settings: every directive's value and where it came from\n" +
        "  -v                : show version number\n" +
        "  -h                : list available command line options (this page)\n";

    public List<string> Directives { get; } = new();

    public bool TestConfig { get; private set; }

    public bool ShowSettings { get; private set; }

    public bool ShowVersion { get; private set; }

    public bool ShowHelp { get; private set; }

    /// <summary>Null when the arguments are understood; otherwise what is wrong with them.</summary>
    public string? Error { get; private set; }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLine();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-t": result.TestConfig = true; break;
                case "-V": result.ShowSettings = true; break;
                case "-v": result.ShowVersion = true; break;
                case "-h": case "-?": case "--help": result.ShowHelp = true; break;
                case "-C":
                    if (i + 1 >= args.Count) { result.Error = "option requires an argument -- 'C'"; return result; }
                    result.Directives.Add(args[++i]);
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
