using System.Globalization;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// mod_reqtimeout's <c>RequestReadTimeout</c>: each word is
/// <c>handshake|header|body=timeout[-maxtimeout][,MinRate=rate]</c>; a stage not named keeps
/// its default (header=20-40,MinRate=500 body=20,MinRate=500, handshake off).
/// </summary>
internal static class RequestReadTimeoutParser
{
    public static void Apply(DirectiveCall c)
    {
        ServerSettings s = c.Settings.Settings;
        for (int i = 0; i < c.Args.Count; i++)
        {
            string word = c.Arg(i);
            int equals = word.IndexOf('=');
            string stage = equals < 0 ? word : word.Substring(0, equals).ToLowerInvariant();
            if (equals < 0 || (stage != "handshake" && stage != "header" && stage != "body"))
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "RequestReadTimeout: unknown parameter '" + word + "' (handshake=, header= or body=)");
                return;
            }
            string? problem = ParseStage(word.Substring(equals + 1), out int timeout, out int max, out int rate);
            if (problem is not null)
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "RequestReadTimeout " + stage + ": " + problem);
                return;
            }
            s = stage switch
            {
                "handshake" => s with { RequestReadHandshakeTimeout = timeout },
                "header" => s with { RequestReadHeaderTimeout = timeout, RequestReadHeaderMaxTimeout = max, RequestReadHeaderMinRate = rate },
                _ => s with { RequestReadBodyTimeout = timeout, RequestReadBodyMaxTimeout = max, RequestReadBodyMinRate = rate },
            };
        }
        c.Settings.Settings = s;
    }

    private static string? ParseStage(string value, out int timeout, out int max, out int rate)
    {
        timeout = max = rate = 0;
        string[] parts = value.Split(',');
        string[] range = parts[0].Split('-');
        if (range.Length > 2 || !Seconds(range[0], out timeout) || (range.Length == 2 && !Seconds(range[1], out max)))
            return "'" + parts[0] + "' is not seconds or a range of seconds (such as 20 or 20-40)";
        for (int i = 1; i < parts.Length; i++)
        {
            const string prefix = "minrate=";
            if (!parts[i].ToLowerInvariant().StartsWith(prefix, System.StringComparison.Ordinal)
                || !ValueParsers.TryParseWhole(parts[i].Substring(prefix.Length), out long r) || r < 1 || r > int.MaxValue)
                return "'" + parts[i] + "' is not MinRate=<bytes per second>";
            rate = (int)r;
        }
        if (range.Length == 2 && max <= timeout) return "the maximum timeout must be larger than the initial one";
        if (range.Length == 2 && rate == 0) return "Must set MinRate option if using timeout range";
        return null;
    }

    private static bool Seconds(string text, out int seconds)
    {
        seconds = 0;
        if (!ValueParsers.TryParseWhole(text, out long v) || v < 0 || v > int.MaxValue) return false;
        seconds = (int)v;
        return true;
    }
}

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

/// <summary><c>LogFormat</c> and <c>CustomLog</c>, with the format strings checked as mod_log_config would.</summary>
public static class LogFormatParser
{
    /// <summary>The Common Log Format, mod_log_config's default.</summary>
    public const string Common = "%h %l %u %t \"%r\" %>s %b";

    /// <summary>The nicknames that httpd's shipped httpd.conf defines; available here without a LogFormat line.</summary>
    public static readonly LogFormatSpec[] Predefined =
    {
        new("common", Common),
        new("combined", Common + " \"%{Referer}i\" \"%{User-Agent}i\""),
    };

    // mod_log_config's one-letter directives (and %% for a percent sign).
    private const string Letters = "aAbBCDefhHiklLmnopPqrRstTuUvVXIOS%";

    /// <summary>Null when the format is valid; otherwise mod_log_config's complaint.</summary>
    public static string? Validate(string format)
    {
        int i = 0;
        while (i < format.Length)
        {
            if (format[i++] != '%') continue;
            if (i < format.Length && (format[i] == '<' || format[i] == '>')) i++;
            while (i < format.Length && (format[i] == '!' || format[i] == ',' || char.IsDigit(format[i]))) i++;
            if (i < format.Length && format[i] == '{')
            {
                int close = format.IndexOf('}', i);
                if (close < 0) return "unterminated %{...} in the log format";
                i = close + 1;
            }
            if (i < format.Length && (format[i] == '<' || format[i] == '>')) i++;
            if (i >= format.Length) return "the log format ends with a lone %";
            char letter = format[i++];
            if (letter == '^' && i + 1 < format.Length) { i += 2; continue; }
            if (Letters.IndexOf(letter) < 0) return "Unrecognized LogFormat directive %" + letter;
        }
        return null;
    }

    internal static void ApplyLogFormat(DirectiveCall c)
    {
        string format = c.Arg(0);
        if (c.Args.Count == 1) return; // an unnamed format only sets TransferLog's default, which EventMpm has no use for
        string? problem = Validate(format);
        if (problem is not null)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "LogFormat: " + problem);
            return;
        }
        string nickname = c.Arg(1);
        c.Settings.LogFormats.RemoveAll(f => f.Nickname == nickname);
        c.Settings.LogFormats.Add(new LogFormatSpec(nickname, format));
    }

    internal static void ApplyCustomLog(DirectiveCall c)
    {
        string path = c.Arg(0);
        if (path.Length == 0) { c.Error(DiagnosticCatalog.InvalidValue, 0, "CustomLog needs a file name"); return; }
        if (path.StartsWith("|", System.StringComparison.Ordinal))
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "CustomLog: piped logs are not supported; give a file");
            return;
        }
        if (c.Args.Count == 3)
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 2, "CustomLog: conditional logging ('" + c.Arg(2) + "') is not supported");
            return;
        }
        string second = c.Arg(1);
        if (second.IndexOf('%') >= 0 && Validate(second) is string problem)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 1, "CustomLog: " + problem);
            return;
        }
        c.Settings.CustomLogs.Add((path, second, c.Args[1].Location));
    }

    /// <summary>A CustomLog's second word as a format: itself when it holds a %, else the named format.</summary>
    public static string? Resolve(string formatOrNickname, System.Collections.Generic.IEnumerable<LogFormatSpec> defined)
    {
        if (formatOrNickname.IndexOf('%') >= 0) return formatOrNickname;
        foreach (LogFormatSpec f in defined) if (f.Nickname == formatOrNickname) return f.Format;
        foreach (LogFormatSpec f in Predefined) if (f.Nickname == formatOrNickname) return f.Format;
        return null;
    }
}
