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
    private readonly (ProxyRoute Route, ProxyDestination? Destination, int Index)[] _routes;
    private readonly Func<int, string, string?> _proxyTo;
    private readonly bool _patterns;
    private readonly (string Path, string Url)[] _reverse;
    private readonly List<Backend> _backends = new();

    /// <param name="proxyTo">A ProxyPassMatch's URL for a path, by the line's place among ProxyPass's (the configuration's compiled code); null when it does not match.</param>
    public ProxyRouter(DeploymentSettings deployment, int proxyTimeout, Func<int, string, string?>? proxyTo = null)
    {
        _proxyTo = proxyTo ?? (static (_, _) => null);
        var ordered = new List<(ProxyRoute Route, int Index)>();
        for (int i = 0; i < deployment.ProxyPass.Count; i++) if (deployment.ProxyPass[i].InLocation) ordered.Add((deployment.ProxyPass[i], i));
        ordered.Sort((a, b) => b.Route.Path.Length.CompareTo(a.Route.Path.Length));
        for (int i = 0; i < deployment.ProxyPass.Count; i++) if (!deployment.ProxyPass[i].InLocation) ordered.Add((deployment.ProxyPass[i], i));
        var addresses = new Dictionary<string, IPEndPoint>(StringComparer.Ordinal);
        var balancers = new Dictionary<string, Balancer>(StringComparer.Ordinal);
        _routes = new (ProxyRoute, ProxyDestination?, int)[ordered.Count];
        for (int i = 0; i < ordered.Count; i++)
        {
            var (r, index) = ordered[i];
            _patterns |= r.IsPattern;
            // A ProxyPassMatch URL with $1... in its path: the path is all the substitution's.
            bool substituted = r.IsPattern && r.Url.IndexOf('$') >= 0;
            if (r.Excluded)
            {
                _routes[i] = (r, null, index);
            }
            else if (r.Balancer is string name)
            {
                if (!balancers.TryGetValue(name, out Balancer? balancer)) balancers[name] = balancer = MakeBalancer(name, deployment, addresses, proxyTimeout, r);
                _routes[i] = (r, new ProxyDestination(r, balancer, substituted ? "" : r.Url.Substring(name.Length)), index);
            }
            else
            {
                ProxyUrl url = Parse(r.Url, r);
                var backend = Backend.Of(r, url, Address(url, addresses, r), proxyTimeout);
                _backends.Add(backend);
                _routes[i] = (r, new ProxyDestination(r, backend, substituted ? "" : url.Path), index);
            }
        }
        var reverse = new List<(string, string)>();
        foreach (ProxyReverse rule in deployment.ProxyPassReverse)
        {
            if (rule.Url.StartsWith("balancer://", StringComparison.Ordinal))
            {
                // mod_proxy rewrites a balancer's redirects as each member's (ap_proxy_location_reverse_map()).
                int slash = rule.Url.IndexOf('/', 11);
                string name = slash < 0 ? rule.Url : rule.Url.Substring(0, slash), path = slash < 0 ? "" : rule.Url.Substring(slash);
                if (!balancers.TryGetValue(name, out Balancer? balancer)) continue;
                foreach (Backend m in balancer.Members) reverse.Add((rule.Path, new ProxyUrl(m.Url.Host, m.Url.Port, "").ToString() + path));
                continue;
            }
            reverse.Add((rule.Path, ProxyUrl.Parse(rule.Url, out _, out _)?.ToString() ?? rule.Url));
        }
        _reverse = reverse.ToArray();
    }

    /// <summary>A balancer's members, resolved, and its ProxySet values (the last one said wins).</summary>
    private Balancer MakeBalancer(string name, DeploymentSettings deployment, Dictionary<string, IPEndPoint> addresses, int proxyTimeout, ProxyRoute route)
    {
        var members = new List<Backend>();
        foreach (BalancerMember m in deployment.BalancerMember)
        {
            if (m.Balancer != name) continue;
            ProxyUrl url = Parse(m.Url, route);
            var backend = Backend.Of(m, url, Address(url, addresses, route), proxyTimeout);
            members.Add(backend);
            _backends.Add(backend);
        }
        if (members.Count == 0) throw new InvalidOperationException("ProxyPass " + route.Path + " " + route.Url + ": the balancer " + name + " has no BalancerMember");
        string method = "";
        int maxAttempts = -1;
        foreach (BalancerSet set in deployment.ProxySet)
        {
            if (set.Balancer != name) continue;
            if (set.LbMethod.Length > 0) method = set.LbMethod;
            if (set.MaxAttempts >= 0) maxAttempts = set.MaxAttempts;
        }
        return new Balancer(name, members.ToArray(), method == "bybusyness", maxAttempts);
    }

    private static ProxyUrl Parse(string text, ProxyRoute route)
        => ProxyUrl.Parse(text, out string? problem, out _) ?? throw new InvalidOperationException("ProxyPass " + route.Path + " " + route.Url + ": " + problem);

    private static IPEndPoint Address(ProxyUrl url, Dictionary<string, IPEndPoint> addresses, ProxyRoute route)
    {
        string key = url.Host + ":" + url.Port;
        if (!addresses.TryGetValue(key, out IPEndPoint? address)) addresses[key] = address = new IPEndPoint(Resolve(url.Host, route), url.Port);
        return address;
    }

    private int _exchanges;

    /// <summary>Proxied requests in progress in this child.</summary>
    public int Exchanges => System.Threading.Volatile.Read(ref _exchanges);

    /// <summary>Counts a proxied request in (1) or out (-1).</summary>
    public void Count(int change) => System.Threading.Interlocked.Add(ref _exchanges, change);

    /// <summary>No ProxyPass: nothing is looked up per request.</summary>
    public bool IsEmpty => _routes.Length == 0;

    /// <summary>Every backend: the single ones and the balancers' members.</summary>
    public IReadOnlyList<Backend> Backends => _backends;

    /// <summary>
    /// Where a decoded path is sent, and how much of the path the ProxyPass path took; null when
    /// it is not proxied. For a ProxyPassMatch, <paramref name="rest"/> is what follows the
    /// destination's path: the substituted URL's path, or (a URL without $1...) the whole path
    /// (mod_proxy.c: proxy_trans()); null for a ProxyPass, whose rest is the path after <paramref name="matched"/>.
    /// </summary>
    public ProxyDestination? Find(ReadOnlySpan<char> path, out int matched, out string? rest)
    {
        string? whole = _patterns ? path.ToString() : null;
        rest = null;
        foreach (var (route, destination, index) in _routes)
        {
            if (route.IsPattern)
            {
                if (_proxyTo(index, whole!) is not string url) continue;
                matched = path.Length;
                if (url == route.Url) rest = whole; // no group in the URL: the whole path follows it
                else
                {
                    int scheme = url.IndexOf("://", StringComparison.Ordinal);
                    int slash = url.IndexOf('/', scheme + 3);
                    rest = slash < 0 ? "/" : url.Substring(slash);
                }
                return destination;
            }
            matched = ProxyPathMatch.Length(path, route.Path);
            if (matched >= 0) return destination; // null for "!": not proxied
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
