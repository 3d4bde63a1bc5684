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
