using System.Collections.Generic;
using System.Globalization;

namespace EventMpm.Configuration.Directives;

/// <summary>mod_proxy's and mod_proxy_http's directives: a reverse proxy to http:// backends.</summary>
public static partial class DirectiveCatalog
{
    /// <summary>mod_proxy's worker parameters EventMpm does not build yet, and why (ProxyPass key=value).</summary>
    private static readonly Dictionary<string, string> s_proxyParametersNotBuilt = new(System.StringComparer.OrdinalIgnoreCase)
    {
        ["max"] = "a cap on backend connections per child is planned; until then a child opens as many as its requests need",
        ["smax"] = "a cap on backend connections per child is planned",
        ["min"] = "the pool keeps the connections its requests leave; none are opened ahead",
        ["acquire"] = "a cap on backend connections per child (max) is planned, and acquire with it",
        ["lbset"] = "load balancers (balancer://) are planned",
        ["loadfactor"] = "load balancers (balancer://) are planned",
        ["route"] = "load balancers (balancer://) are planned",
        ["redirect"] = "load balancers (balancer://) are planned",
        ["status"] = "load balancers (balancer://) are planned",
        ["ping"] = "100-continue probes of the backend are not built; a reused connection is checked before it is used, and a request that fails on one is retried once",
        ["flushpackets"] = "the proxy relays what it reads as soon as it has read it: there is nothing to flush",
        ["flushwait"] = "the proxy relays what it reads as soon as it has read it: there is nothing to flush",
        ["iobuffersize"] = "the relay buffer is fixed (64 KiB)",
        ["receivebuffersize"] = "the backend socket keeps the kernel's buffer sizes",
        ["secret"] = "AJP is not built",
        ["mapping"] = "paths are matched decoded, as mod_proxy's default",
        ["responsefieldsize"] = "a backend's header line may be as long as the relay buffer",
    };

    private static IEnumerable<DirectiveDefinition> ProxyRows()
    {
        const DirectiveScope D = DirectiveScope.Deployment;
        const DirectiveContexts Both = DirectiveContexts.Server | DirectiveContexts.Location;
        yield return new("ProxyPass", Arity.OneOrMore, D, "Sends a path to a backend: ProxyPass path url|! [key=value ...] (in <Location>: ProxyPass url|! [key=value ...])", "", ProxyPass, Both, repeatable: true);
        yield return new("ProxyPassReverse", Arity.OneOrMore, D, "Rewrites a backend's Location, Content-Location and URI headers: ProxyPassReverse path url (in <Location>: ProxyPassReverse url)", "", ProxyPassReverse, Both, repeatable: true);
        yield return new("ProxyTimeout", Arity.One, C, "How long the proxy waits on a backend (connect, send, each read); unset means Timeout", null, c => Ms(c, (s, v) => s with { ProxyTimeoutMilliseconds = v }))
            { Show = s => s.ProxyTimeoutMilliseconds == 0 ? "(Timeout)" : s.ProxyTimeoutMilliseconds % 1000 == 0 ? Number(s.ProxyTimeoutMilliseconds / 1000) : Number(s.ProxyTimeoutMilliseconds) + "ms",
              Constants = [CompiledConstant.Int("ProxyTimeoutMilliseconds", s => s.ProxyTimeoutMilliseconds)] };
        yield return OnOff("ProxyPreserveHost", "Whether the backend is sent the client's Host header instead of the ProxyPass URL's host", s => s.ProxyPreserveHost, (s, v) => s with { ProxyPreserveHost = v });
        yield return OnOff("ProxyAddHeaders", "Whether the backend is sent X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Server", s => s.ProxyAddHeaders, (s, v) => s with { ProxyAddHeaders = v });
        yield return new("ProxyRequests", Arity.Flag, C, "Forward proxying: Off only (EventMpm is a reverse proxy)", "Off", ProxyRequests);
    }

    private static void ProxyRequests(DirectiveCall c)
    {
        if (c.Flag() == true)
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "ProxyRequests On: forward proxying (clients asking for any URL on the internet) is not built, and an open proxy is a risk; EventMpm is a reverse proxy: use ProxyPass");
        }
    }

    /// <summary>The path and the words after it: at top level the first word is the path, inside &lt;Location&gt; the section's.</summary>
    private static (string Path, int First)? ProxyPath(DirectiveCall c)
    {
        if (c.Location is not null) return (c.Location, 0);
        if (c.Args.Count < 2)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, -1, c.Definition.Name + " needs a path and a URL outside <Location>: " + c.Definition.Name + " /path/ http://backend/");
            return null;
        }
        if (!c.Arg(0).StartsWith("/", System.StringComparison.Ordinal))
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, c.Definition.Name + ": the path '" + c.Arg(0) + "' must start with '/'");
            return null;
        }
        return (c.Arg(0), 1);
    }

    private static void ProxyPass(DirectiveCall c)
    {
        if (ProxyPath(c) is not var (path, first)) return;
        string url = c.Arg(first);
        if (url != "!" && CheckProxyUrl(c, first) is null) return;
        var route = new ProxyRoute(path, url, InLocation: c.Location is not null);
        for (int i = first + 1; i < c.Args.Count; i++)
        {
            if (ProxyParameter(c, i, route) is not ProxyRoute changed) return;
            route = changed;
        }
        if (route.Excluded && c.Args.Count > first + 1)
        {
            c.Error(DiagnosticCatalog.InvalidValue, first + 1, "ProxyPass " + path + " ! takes no parameters: the path is not proxied");
            return;
        }
        c.Settings.ProxyPass.Add((route, c.Name.Location));
    }

    private static ProxyUrl? CheckProxyUrl(DirectiveCall c, int index)
    {
        ProxyUrl? url = ProxyUrl.Parse(c.Arg(index), out string? problem, out bool unsupported);
        if (url is null) c.Error(unsupported ? DiagnosticCatalog.UnsupportedFeature : DiagnosticCatalog.InvalidValue, index, c.Definition.Name + ": " + problem);
        return url;
    }

    /// <summary>One key=value of ProxyPass (mod_proxy.c: set_worker_param()), checked at its own word.</summary>
    private static ProxyRoute? ProxyParameter(DirectiveCall c, int index, ProxyRoute route)
    {
        string word = c.Arg(index);
        int equals = word.IndexOf('=');
        if (equals <= 0)
        {
            c.Error(DiagnosticCatalog.InvalidValue, index, "ProxyPass: '" + word + "' is not a key=value parameter");
            return null;
        }
        string key = word.Substring(0, equals).ToLowerInvariant(), value = word.Substring(equals + 1);
        switch (key)
        {
            case "connectiontimeout":
            case "timeout":
            {
                string? problem = ValueParsers.ParseTimeout(value, 1000, out long ms);
                if (problem is null && (ms < 1 || ms > int.MaxValue)) problem = "must be at least 1 ms";
                if (problem is not null)
                {
                    c.Error(DiagnosticCatalog.InvalidValue, index, "ProxyPass " + key + " " + problem);
                    return null;
                }
                return key == "timeout" ? route with { Timeout = (int)ms } : route with { ConnectionTimeout = (int)ms };
            }
            case "ttl":
            case "retry":
            {
                if (!ValueParsers.TryParseWhole(value, out long seconds) || seconds < 0 || seconds > 86_400)
                {
                    c.Error(DiagnosticCatalog.OutOfRange, index, "ProxyPass " + key + " takes whole seconds from 0 to 86400, not '" + value + "'");
                    return null;
                }
                return key == "ttl" ? route with { Ttl = (int)seconds } : route with { Retry = (int)seconds };
            }
            case "upgrade":
            {
                // mod_proxy_http's upgrade=: the protocol a client may ask to switch to (RFC 9110 §7.8 token).
                if (value.Length == 0 || value.IndexOfAny(new[] { ' ', ',', '/', ';', '"' }) >= 0)
                {
                    c.Error(DiagnosticCatalog.InvalidValue, index, "ProxyPass upgrade takes a protocol name such as websocket, not '" + value + "'");
                    return null;
                }
                return route with { Upgrade = value.ToLowerInvariant() };
            }
            case "keepalive":
            case "disablereuse":
            case "enablereuse":
            {
                if (!ValueParsers.IsFlag(value, out bool on))
                {
                    c.Error(DiagnosticCatalog.InvalidValue, index, "ProxyPass " + key + " must be On or Off, not '" + value + "'");
                    return null;
                }
                return key == "keepalive" ? route with { KeepAlive = on } : route with { DisableReuse = key == "disablereuse" ? on : !on };
            }
        }
        if (s_proxyParametersNotBuilt.TryGetValue(key, out string? reason))
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, index, "ProxyPass " + key + "= is mod_proxy's, but EventMpm does not build it: " + reason);
            return null;
        }
        c.Error(DiagnosticCatalog.InvalidValue, index, "ProxyPass: unknown parameter '" + key + "'; EventMpm takes connectiontimeout, timeout, ttl, retry, keepalive, disablereuse, enablereuse and upgrade");
        return null;
    }

    private static void ProxyPassReverse(DirectiveCall c)
    {
        if (ProxyPath(c) is not var (path, first)) return;
        if (c.Args.Count > first + 1)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, first + 1, "ProxyPassReverse takes a path and a URL (in <Location>: a URL); interpolate is not built");
            return;
        }
        if (CheckProxyUrl(c, first) is null) return;
        c.Settings.ProxyPassReverse.Add((new ProxyReverse(path, c.Arg(first)), c.Name.Location));
    }
}
