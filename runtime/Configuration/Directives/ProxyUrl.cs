using System.Globalization;
using System.Net;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// A backend URL as ProxyPass and ProxyPassReverse write it: http://host[:port][/path]. The
/// host is a name, an IPv4 address or a bracketed IPv6 one; the port defaults to 80. Other
/// schemes mod_proxy knows are refused with what EventMpm does instead.
/// </summary>
public sealed record ProxyUrl(string Host, int Port, string Path)
{
    /// <summary>What Host: says to the backend by default (mod_proxy_http sends the URL's host, and its port when not 80).</summary>
    public string Authority => (Host.IndexOf(':') >= 0 ? "[" + Host + "]" : Host) + (Port == 80 ? "" : ":" + Port.ToString(CultureInfo.InvariantCulture));

    /// <summary>The URL again, normalised (http://host[:port]/path).</summary>
    public override string ToString() => "http://" + Authority + Path;

    /// <summary>Parses <paramref name="text"/>; null with <paramref name="problem"/> (and whether it is a known scheme not built) when it is not a URL EventMpm proxies to.</summary>
    public static ProxyUrl? Parse(string text, out string? problem, out bool unsupported)
    {
        unsupported = false;
        int colon = text.IndexOf("://", System.StringComparison.Ordinal);
        if (colon <= 0)
        {
            problem = "'" + text + "' is not a URL (http://host[:port][/path])";
            return null;
        }
        string scheme = text.Substring(0, colon).ToLowerInvariant();
        if (scheme != "http")
        {
            unsupported = scheme is "https" or "ws" or "wss" or "fcgi" or "ajp" or "scgi" or "uwsgi" or "h2" or "h2c" or "ftp" or "unix";
            problem = scheme is "ws" or "wss"
                ? "the scheme " + scheme + ":// is mod_proxy_wstunnel's; write http:// with upgrade=websocket (mod_proxy_http's way), which EventMpm tunnels"
                : unsupported
                ? "the scheme " + scheme + ":// is not built yet: EventMpm proxies to http:// backends and balancer:// groups of them (TLS to the backend is planned)"
                : "'" + scheme + "' is not a scheme mod_proxy knows; EventMpm proxies to http://host[:port][/path]";
            return null;
        }
        string rest = text.Substring(colon + 3);
        int slash = rest.IndexOf('/');
        string authority = slash < 0 ? rest : rest.Substring(0, slash);
        string path = slash < 0 ? "" : rest.Substring(slash);
        if (authority.Length == 0 || authority.IndexOf('@') >= 0 || path.IndexOfAny(new[] { '?', '#', ' ' }) >= 0)
        {
            problem = "'" + text + "' is not http://host[:port][/path] (no user, query or fragment)";
            return null;
        }
        string host = authority, port = "";
        if (authority.StartsWith("[", System.StringComparison.Ordinal))
        {
            int close = authority.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(authority.Substring(1, close - 1), out IPAddress? v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                problem = "'" + authority + "' is not a bracketed IPv6 address";
                return null;
            }
            host = authority.Substring(1, close - 1);
            if (close + 1 < authority.Length)
            {
                if (authority[close + 1] != ':')
                {
                    problem = "'" + authority + "' is not [IPv6-address]:port";
                    return null;
                }
                port = authority.Substring(close + 2);
            }
        }
        else if (authority.IndexOf(':') is int p and >= 0)
        {
            host = authority.Substring(0, p);
            port = authority.Substring(p + 1);
        }
        if (!IsHostName(host) && !IPAddress.TryParse(host, out _))
        {
            problem = "'" + host + "' is not a host name or IP address";
            return null;
        }
        int portNumber = 80;
        if (port.Length > 0 && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber < 1 || portNumber > 65535))
        {
            problem = "port '" + port + "' is not a number from 1 to 65535";
            return null;
        }
        problem = null;
        return new ProxyUrl(host.ToLowerInvariant(), portNumber, path);
    }

    /// <summary>RFC 1123 host names: letters, digits and hyphens in dot-separated labels of at most 63.</summary>
    private static bool IsHostName(string host)
    {
        if (host.Length == 0 || host.Length > 253) return false;
        foreach (string label in host.Split('.'))
        {
            if (label.Length == 0 || label.Length > 63 || label[0] == '-' || label[label.Length - 1] == '-') return false;
            foreach (char ch in label)
            {
                if (!(ch is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_')) return false;
            }
        }
        return true;
    }
}
