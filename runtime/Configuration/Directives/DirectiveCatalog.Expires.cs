using System.Collections.Generic;
using System.Globalization;

namespace EventMpm.Configuration.Directives;

/// <summary>mod_expires' directives: Expires and Cache-Control max-age by media type.</summary>
public static partial class DirectiveCatalog
{
    private static IEnumerable<DirectiveDefinition> ExpiresRows()
    {
        const DirectiveContexts Both = DirectiveContexts.Server | DirectiveContexts.Location;
        yield return new("ExpiresActive", Arity.Flag, C, "Whether responses get Expires and Cache-Control max-age (mod_expires)", "Off",
            c => { if (c.Flag() is bool on) c.Settings.Expires.Add(new ExpiresRule(c.Location ?? "", null, on)); }, Both, repeatable: true);
        yield return new("ExpiresDefault", Arity.One, C, "When responses of every other type expire: \"access|modification [plus] N unit ...\" or A<seconds>/M<seconds>", "", c => Expires(c, ""), Both, repeatable: true);
        yield return new("ExpiresByType", Arity.Two, C, "When responses of a media type (or major/*) expire: ExpiresByType text/css \"access plus 1 month\"", "", c =>
        {
            string type = c.Arg(0).ToLowerInvariant();
            int slash = type.IndexOf('/');
            if (slash <= 0 || slash == type.Length - 1 || type.IndexOf(';') >= 0 || (type.IndexOf('*') >= 0 && type.Substring(slash) != "/*"))
            {
                c.Error(DiagnosticCatalog.InvalidValue, 0, "ExpiresByType: '" + c.Arg(0) + "' is not a media type (type/subtype, or type/* for all of one type)");
                return;
            }
            Expires(c, type);
        }, Both, repeatable: true);
    }

    private static void Expires(DirectiveCall c, string type)
    {
        int at = type.Length == 0 ? 0 : 1;
        if (ExpiresCode(c.Arg(at), out bool modification, out long seconds) is string problem)
        {
            c.Error(DiagnosticCatalog.InvalidValue, at, c.Definition.Name + ": " + problem);
            return;
        }
        c.Settings.Expires.Add(new ExpiresRule(c.Location ?? "", type, true, modification, seconds));
    }

    /// <summary>
    /// mod_expires.c: check_code(): "A3600" or "M3600", or a base (access, now or modification),
    /// an optional "plus", and number-unit pairs (a month is 30 days and a year 365, as mod_expires counts).
    /// </summary>
    private static string? ExpiresCode(string code, out bool modification, out long seconds)
    {
        modification = false;
        seconds = 0;
        if (code.Length > 1 && (code[0] is 'A' or 'M') && long.TryParse(code.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
        {
            modification = code[0] == 'M';
            return null;
        }
        string[] words = code.Split(new[] { ' ', '\t' }, System.StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return "'" + code + "' is empty: write \"access plus 1 month\" or A2592000";
        switch (words[0].ToLowerInvariant())
        {
            case "access":
            case "now":
                break;
            case "modification":
                modification = true;
                break;
            default:
                return "'" + words[0] + "' is not a base: write access (or now) or modification, as in \"access plus 1 month\"";
        }
        int i = 1;
        if (i < words.Length && words[i].Equals("plus", System.StringComparison.OrdinalIgnoreCase)) i++;
        if (i == words.Length) return "'" + code + "' says no time: add a number and a unit, as in \"access plus 1 week\"";
        for (; i < words.Length; i += 2)
        {
            if (!long.TryParse(words[i], NumberStyles.None, CultureInfo.InvariantCulture, out long n) || i + 1 >= words.Length)
                return "'" + code + "': expected a number and a unit (years, months, weeks, days, hours, minutes, seconds) at '" + words[i] + "'";
            long unit = words[i + 1].ToLowerInvariant().TrimEnd('s') switch
            {
                "year" => 365L * 86400,
                "month" => 30L * 86400,
                "week" => 7L * 86400,
                "day" => 86400,
                "hour" => 3600,
                "minute" => 60,
                "second" => 1,
                _ => 0,
            };
            if (unit == 0) return "'" + words[i + 1] + "' is not a unit: years, months, weeks, days, hours, minutes or seconds";
            seconds += n * unit;
        }
        return null;
    }
}
