using System.Globalization;
using System.Net;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// Strict readers for directive values. httpd reads most numbers with <c>atoi</c>, so
/// <c>10abc</c> is 10 and <c>abc</c> is 0 there; here both are errors. Each reader returns
/// null on success or the message to report.
/// </summary>
public static class ValueParsers
{
    /// <summary>A whole number: an optional minus sign and decimal digits, nothing else.</summary>
    public static bool TryParseWhole(string text, out long value)
    {
        value = 0;
        int i = text.Length > 0 && text[0] == '-' ? 1 : 0;
        if (i == text.Length) return false;
        for (int j = i; j < text.Length; j++)
        {
            char c = text[j];
            if (c < '0' || c > '9') return false;
            if (value > (long.MaxValue - 9) / 10) return false;
            value = value * 10 + (c - '0');
        }
        if (i == 1) value = -value;
        return true;
    }

    /// <summary>What httpd's <c>atoi</c> would have read from the text, for the error message.</summary>
    public static long AtoiPrefix(string text)
    {
        int i = 0;
        bool negative = false;
        if (i < text.Length && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
        long value = 0;
        while (i < text.Length && text[i] >= '0' && text[i] <= '9' && value < int.MaxValue) value = value * 10 + (text[i++] - '0');
        return negative ? -value : value;
    }

    public static bool IsFlag(string text, out bool on)
    {
        on = string.Equals(text, "On", System.StringComparison.OrdinalIgnoreCase);
        return on || string.Equals(text, "Off", System.StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// httpd's <c>ap_timeout_parameter_parse</c>: a whole number with an optional unit
    /// (<c>ms</c>, <c>s</c>, <c>mi</c>, <c>h</c>); no unit means <paramref name="defaultUnitMs"/>.
    /// </summary>
    public static string? ParseTimeout(string text, long defaultUnitMs, out long milliseconds)
    {
        milliseconds = 0;
        int digits = 0;
        if (text.Length > 0 && text[0] == '-') digits = 1;
        while (digits < text.Length && text[digits] >= '0' && text[digits] <= '9') digits++;
        string number = text.Substring(0, digits);
        string unit = text.Substring(digits).ToLowerInvariant();
        if (!TryParseWhole(number, out long value)) return "has wrong format: '" + text + "' is not a duration (a whole number, optionally followed by ms, s, mi or h)";
        long scale = unit switch
        {
            "" => defaultUnitMs,
            "ms" => 1,
            "s" => 1000,
            "mi" => 60_000,
            "h" => 3_600_000,
            _ => -1,
        };
        if (scale < 0) return "has wrong format: unknown unit '" + unit + "' in '" + text + "' (use ms, s, mi or h)";
        if (value < 0) return "must not be negative, not '" + text + "'";
        if (value > int.MaxValue / scale) return "is too long: '" + text + "'";
        milliseconds = value * scale;
        return null;
    }

    /// <summary><c>Listen [IP-address:]port</c>; IPv6 addresses in brackets.</summary>
    public static string? ParseListen(string text, out ListenAddress? address)
    {
        address = null;
        string host = "";
        string port = text;
        if (text.StartsWith("[", System.StringComparison.Ordinal))
        {
            int close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
                return "'" + text + "' is not [IPv6-address]:port";
            host = text.Substring(1, close - 1);
            port = text.Substring(close + 2);
            if (!IPAddress.TryParse(host, out IPAddress? v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                return "'" + host + "' is not an IPv6 address";
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon >= 0)
            {
                host = text.Substring(0, colon);
                port = text.Substring(colon + 1);
                if (host.IndexOf(':') >= 0) return "an IPv6 address must be written in brackets: [" + host + "]:" + port;
                if (host == "*") host = "";
                else if (!IsIPv4(host) && !IsHostName(host)) return "'" + host + "' is not an IP address or host name";
            }
        }
        if (!TryParseWhole(port, out long number)) return "port '" + port + "' is not a number";
        if (number < 1 || number > 65535) return "port " + number.ToString(CultureInfo.InvariantCulture) + " is out of range (1-65535)";
        address = new ListenAddress(host, (int)number);
        return null;
    }

    /// <summary><c>ServerName [scheme://]host[:port]</c>.</summary>
    public static string? ParseServerName(string text)
    {
        string rest = text;
        int scheme = rest.IndexOf("://", System.StringComparison.Ordinal);
        if (scheme >= 0)
        {
            string s = rest.Substring(0, scheme).ToLowerInvariant();
            if (s != "http" && s != "https") return "unknown scheme '" + s + "' (http or https)";
            rest = rest.Substring(scheme + 3);
        }
        string host = rest;
        int colon = rest.StartsWith("[", System.StringComparison.Ordinal) ? rest.IndexOf("]:", System.StringComparison.Ordinal) + 1 : rest.LastIndexOf(':');
        if (colon > 0)
        {
            host = rest.Substring(0, colon);
            string port = rest.Substring(colon + 1);
            if (!TryParseWhole(port, out long n) || n < 1 || n > 65535) return "port '" + port + "' is not between 1 and 65535";
        }
        if (host.StartsWith("[", System.StringComparison.Ordinal) && host.EndsWith("]", System.StringComparison.Ordinal)) host = host.Substring(1, host.Length - 2);
        if (host.Length == 0 || (!IsHostName(host) && !IPAddress.TryParse(host, out _))) return "'" + text + "' is not a host name";
        return null;
    }

    /// <summary>A user or group: a name, or <c>#</c> and a numeric id, as httpd's mod_unixd.</summary>
    public static string? ParseAccount(string text)
    {
        if (text.StartsWith("#", System.StringComparison.Ordinal))
            return TryParseWhole(text.Substring(1), out long id) && id >= 0 ? null : "'" + text + "' is not #<numeric id>";
        foreach (char c in text)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '$')) return "'" + text + "' is not a user or group name";
        }
        return text.Length > 0 ? null : "an empty name";
    }

    private static bool IsIPv4(string text)
    {
        string[] parts = text.Split('.');
        if (parts.Length != 4) return false;
        foreach (string p in parts)
        {
            if (p.Length == 0 || p.Length > 3 || !TryParseWhole(p, out long n) || n < 0 || n > 255) return false;
        }
        return true;
    }

    private static bool IsHostName(string text)
    {
        if (text.Length == 0 || text.Length > 253) return false;
        bool allDigitsOrDots = true;
        foreach (string label in text.Split('.'))
        {
            if (label.Length == 0 || label.Length > 63 || label[0] == '-' || label[label.Length - 1] == '-') return false;
            foreach (char c in label)
            {
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
                if (!(c >= '0' && c <= '9')) allDigitsOrDots = false;
            }
        }
        return !allDigitsOrDots; // 300.1.1.1 is a broken address, not a name
    }
}
