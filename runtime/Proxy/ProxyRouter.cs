using System;
using System.Collections.Generic;
using System.Net;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;

namespace EventMpm.Proxy;

/// <summary>
/// The ProxyPass lines of a child, in the order mod_proxy tries them (proxy_trans: the
/// &lt;Location&gt;'s own first, most specific first; then the top-level ones in file order,
/// the first match winning), with each backend resolved once at start, as nginx resolves its
/// upstreams: a name that does not resolve stops the start with the line's URL, not each request.
/// </summary>
internal sealed class ProxyRouter
{
    private readonly (ProxyRoute Route, Backend? Backend)[] _routes;
    private readonly (string Path, string Url)[] _reverse;

    public ProxyRouter(IReadOnlyList<ProxyRoute> routes, IReadOnlyList<ProxyReverse> reverse, int proxyTimeout)
    {
        var ordered = new List<ProxyRoute>();
        foreach (ProxyRoute r in routes) if (r.InLocation) ordered.Add(r);
        ordered.Sort((a, b) => b.Path.Length.CompareTo(a.Path.Length));
        foreach (ProxyRoute r in routes) if (!r.InLocation) ordered.Add(r);
        var backends = new Dictionary<string, IPEndPoint>(StringComparer.Ordinal);
        _routes = new (ProxyRoute, Backend?)[ordered.Count];
        for (int i = 0; i < ordered.Count; i++)
        {
            ProxyRoute r = ordered[i];
            if (r.Excluded)
            {
                _routes[i] = (r, null);
                continue;
            }
            ProxyUrl url = ProxyUrl.Parse(r.Url, out string? problem, out _) ?? throw new InvalidOperationException("ProxyPass " + r.Path + " " + r.Url + ": " + problem);
            string key = url.Host + ":" + url.Port;
            if (!backends.TryGetValue(key, out IPEndPoint? address))
            {
                backends[key] = address = new IPEndPoint(Resolve(url.Host, r), url.Port);
            }
            _routes[i] = (r, new Backend(r, url, address, proxyTimeout));
        }
        _reverse = new (string, string)[reverse.Count];
        for (int i = 0; i < reverse.Count; i++)
        {
            string url = ProxyUrl.Parse(reverse[i].Url, out _, out _)?.ToString() ?? reverse[i].Url;
            _reverse[i] = (reverse[i].Path, url);
        }
    }

    private int _exchanges;

    /// <summary>Proxied requests in progress in this child.</summary>
    public int Exchanges => System.Threading.Volatile.Read(ref _exchanges);

    /// <summary>Counts a proxied request in (1) or out (-1).</summary>
    public void Count(int change) => System.Threading.Interlocked.Add(ref _exchanges, change);

    /// <summary>No ProxyPass: nothing is looked up per request.</summary>
    public bool IsEmpty => _routes.Length == 0;

    public IEnumerable<Backend> Backends
    {
        get
        {
            foreach (var (_, backend) in _routes) if (backend is not null) yield return backend;
        }
    }

    /// <summary>The backend a decoded path goes to, and how much of the path the ProxyPass path took; null when it is not proxied.</summary>
    public Backend? Find(ReadOnlySpan<char> path, out int matched)
    {
        foreach (var (route, backend) in _routes)
        {
            matched = ProxyPathMatch.Length(path, route.Path);
            if (matched >= 0) return backend; // null for "!": not proxied
        }
        matched = 0;
        return null;
    }

    /// <summary>
    /// ProxyPassReverse (proxy_util.c: ap_proxy_location_reverse_map()): a header value that
    /// starts with a backend URL is given this server's path in its place, as an absolute URL on
    /// <paramref name="origin"/> (scheme://host[:port] the client used); null when none applies.
    /// </summary>
    public string? ReverseMap(string value, string origin)
    {
        foreach (var (path, url) in _reverse)
        {
            if (value.StartsWith(url, StringComparison.Ordinal))
            {
                string rest = value.Substring(url.Length);
                string mapped = path.EndsWith("/", StringComparison.Ordinal) && rest.StartsWith("/", StringComparison.Ordinal) ? path + rest.Substring(1) : path + rest;
                return origin + mapped;
            }
        }
        return null;
    }

    public bool HasReverse => _reverse.Length != 0;

    private static IPAddress Resolve(string host, ProxyRoute route)
    {
        if (IPAddress.TryParse(host, out IPAddress? literal)) return literal;
        try
        {
            IPAddress[] found = Dns.GetHostAddresses(host);
            foreach (IPAddress a in found) if (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) return a;
            if (found.Length > 0) return found[0];
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
        throw new InvalidOperationException("ProxyPass " + route.Path + " " + route.Url + ": the backend's host " + host + " does not resolve");
    }
}
