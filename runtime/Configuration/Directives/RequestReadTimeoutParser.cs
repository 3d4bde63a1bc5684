using System.Globalization;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// mod_reqtimeout's <c>RequestReadTimeout</c>: each word is
/// <c>handshake|header|body=timeout[-maxtimeout][,MinRate=rate]</c>; a stage not named keeps
/// its default (mod_reqtimeout's: header=20-40,MinRate=500 body=20,MinRate=500, handshake off).
/// </summary>
internal static class RequestReadTimeoutParser
{
    /// <summary>The seven constants the directive becomes: a timeout, a maximum and a MinRate for each stage (the handshake has only a timeout).</summary>
    public static readonly CompiledConstant[] Constants =
    [
        CompiledConstant.Int("RequestReadHandshakeTimeout", s => s.RequestReadHandshakeTimeout),
        CompiledConstant.Int("RequestReadHeaderTimeout", s => s.RequestReadHeaderTimeout),
        CompiledConstant.Int("RequestReadHeaderMaxTimeout", s => s.RequestReadHeaderMaxTimeout),
        CompiledConstant.Int("RequestReadHeaderMinRate", s => s.RequestReadHeaderMinRate),
        CompiledConstant.Int("RequestReadBodyTimeout", s => s.RequestReadBodyTimeout),
        CompiledConstant.Int("RequestReadBodyMaxTimeout", s => s.RequestReadBodyMaxTimeout),
        CompiledConstant.Int("RequestReadBodyMinRate", s => s.RequestReadBodyMinRate),
    ];

    /// <summary>The value as it would be written: the stages that are on, each timeout[-maxtimeout][,MinRate=rate].</summary>
    public static string Describe(ServerSettings s)
    {
        var words = new System.Collections.Generic.List<string>();
        if (s.RequestReadHandshakeTimeout > 0) words.Add("handshake=" + Stage(s.RequestReadHandshakeTimeout, 0, 0));
        if (s.RequestReadHeaderTimeout > 0) words.Add("header=" + Stage(s.RequestReadHeaderTimeout, s.RequestReadHeaderMaxTimeout, s.RequestReadHeaderMinRate));
        if (s.RequestReadBodyTimeout > 0) words.Add("body=" + Stage(s.RequestReadBodyTimeout, s.RequestReadBodyMaxTimeout, s.RequestReadBodyMinRate));
        return words.Count == 0 ? "header=0 body=0" : string.Join(" ", words);
    }

    private static string Stage(int timeout, int max, int rate)
        => timeout.ToString(CultureInfo.InvariantCulture) + (max > 0 ? "-" + max.ToString(CultureInfo.InvariantCulture) : "")
           + (rate > 0 ? ",MinRate=" + rate.ToString(CultureInfo.InvariantCulture) : "");

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
