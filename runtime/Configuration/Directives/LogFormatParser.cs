using System.Collections.Generic;
using System.Globalization;

namespace EventMpm.Configuration.Directives;

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

    /// <summary>
    /// The CustomLog lines with their formats: a second word holding a % is the format, else the
    /// nickname of a LogFormat (or of httpd's shipped ones); an unknown nickname is reported at its word.
    /// </summary>
    public static List<CustomLogSpec> ResolveCustomLogs(SettingsBuilder b, DiagnosticBag d)
    {
        var logs = new List<CustomLogSpec>();
        foreach (var (path, formatOrNickname, where) in b.CustomLogs)
        {
            string? format = Resolve(formatOrNickname, b.LogFormats);
            if (format is null)
            {
                d.Report(DiagnosticCatalog.UnknownLogFormat, where, "CustomLog: no LogFormat is named '" + formatOrNickname
                    + "' (define it with LogFormat \"...\" " + formatOrNickname + ", or use common or combined)");
                continue;
            }
            logs.Add(new CustomLogSpec(path, format));
        }
        return logs;
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
