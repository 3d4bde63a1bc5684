using System.Globalization;

namespace EventMpm.Configuration.Directives;

/// <summary><c>LogLevel [module:]level ...</c>; the levels are httpd's, and per-module words are checked.</summary>
internal static class LogLevelParser
{
    /// <summary>The modules EventMpm has built in, as LogLevel's per-module words and &lt;IfModule&gt; name them.</summary>
    public static readonly string[] Modules = { "core", "http", "mpm_event", "log_config", "mime", "dir", "status", "reqtimeout", "unixd", "so" };

    public static void Apply(DirectiveCall c)
    {
        for (int i = 0; i < c.Args.Count; i++)
        {
            string word = c.Arg(i);
            int colon = word.IndexOf(':');
            string module = colon < 0 ? "" : word.Substring(0, colon);
            if (!TryParse(colon < 0 ? word : word.Substring(colon + 1), out LogLevel level))
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "LogLevel: '" + word + "' is not a level (emerg, alert, crit, error, warn, notice, info, debug, trace1 to trace8)");
                return;
            }
            if (colon < 0) c.Settings.Settings = c.Settings.Settings with { LogLevel = level };
            else if (System.Array.IndexOf(Modules, module.ToLowerInvariant()) < 0)
            {
                c.Error(DiagnosticCatalog.UnknownModule, i, "LogLevel: module '" + module + "' is not part of EventMpm (" + string.Join(", ", Modules) + ")");
                return;
            }
        }
    }

    public static bool TryParse(string text, out LogLevel level)
    {
        for (LogLevel candidate = LogLevel.Emerg; candidate <= LogLevel.Trace8; candidate++)
        {
            if (string.Equals(candidate.ToString(), text, System.StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }
        level = LogLevel.Warn;
        return false;
    }
}
