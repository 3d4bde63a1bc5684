using System.Collections.Generic;
using System.Globalization;

namespace EventMpm.Configuration.Directives;

/// <summary>mod_proxy's and mod_proxy_http's directives: a reverse proxy to http:// backends.</summary>
public static partial class DirectiveCatalog
{
    /// <summary>mod_proxy's worker and balancer parameters EventMpm does not build yet, and why (ProxyPass, BalancerMember, ProxySet key=value).</summary>
    private static readonly Dictionary<string, string> s_proxyParametersNotBuilt = new(System.StringComparer.OrdinalIgnoreCase)
    {
        ["max"] = "a cap on backend connections per child is planned; until then a child opens as many as its requests need",
        ["smax"] = "a cap on backend connections per child is planned",
        ["min"] = "the pool keeps the connections its requests leave; none are opened ahead",
        ["acquire"] = "a cap on backend connections per child (max) is planned, and acquire with it",
        ["lbset"] = "a balancer's members form one set: every member is tried before a request fails",
        ["route"] = "sticky sessions (route, stickysession) are not built: every request is balanced",
        ["stickysession"] = "sticky sessions are not built: every request is balanced; keep session state in the backends' shared store",
        ["stickysessionsep"] = "sticky sessions are not built",
        ["scolonpathdelim"] = "sticky sessions are not built",
        ["redirect"] = "sticky sessions (and their redirect routes) are not built",
        ["status"] = "member states are not set by hand: a member that refuses a connection is left alone for retry= seconds",
        ["nofailover"] = "a request whose member cannot be reached always goes to another (failover is on, as mod_proxy_balancer's default)",
        ["failonstatus"] = "a member is put in error only when it cannot be reached",
        ["failontimeout"] = "a member is put in error only when it cannot be reached",
        ["forcerecovery"] = "when every member is in error the request is answered 503 until the first retry= runs out",
        ["growth"] = "members are fixed at start (balancer-manager is not built)",
        ["ping"] = "100-continue probes of the backend are not built; a reused connection is checked before it is used, and a request that fails on one is retried once",
        ["flushpackets"] = "the proxy relays what it reads as soon as it has read it: there is nothing to flush",
        ["flushwait"] = "the proxy relays what it reads as soon as it has read it: there is nothing to flush",
        ["iobuffersize"] = "the relay buffer is fixed (64 KiB)",
        ["receivebuffersize"] = "the backend socket keeps the kernel's buffer sizes",
        ["secret"] = "AJP is not built",
        ["mapping"] = "paths are matched decoded, as mod_proxy's default",
        ["responsefieldsize"] = "a backend's header line may be as long as the relay buffer",
    };

    /// <summary>What a key=value sets, by who takes it: a single backend's ProxyPass, a BalancerMember, or a balancer (its ProxyPass, or ProxySet).</summary>
    private enum ParameterOwner { Backend, Member, Balancer }

    private static readonly string[] s_workerKeys = { "connectiontimeout", "timeout", "ttl", "retry", "keepalive", "disablereuse", "enablereuse", "upgrade" };

    private static IEnumerable<DirectiveDefinition> ProxyRows()
    {
        const DirectiveScope D = DirectiveScope.Deployment;
        const DirectiveContexts Both = DirectiveContexts.Server | DirectiveContexts.Location;
        yield return new("ProxyPass", Arity.OneOrMore, D, "Sends a path to a backend: ProxyPass path url|! [key=value ...] (in <Location>: ProxyPass url|! [key=value ...])", "", ProxyPass, Both, repeatable: true);
        yield return new("ProxyPassMatch", Arity.OneOrMore, D, "Sends the paths a regular expression matches to a backend: ProxyPassMatch regex url|! [key=value ...] ($1... in the URL's path); compiled into the binary, so -C cannot give one", "", ProxyPassMatch, repeatable: true);
        yield return new("ProxyPassReverse", Arity.OneOrMore, D, "Rewrites a backend's Location, Content-Location and URI headers: ProxyPassReverse path url (in <Location>: ProxyPassReverse url)", "", ProxyPassReverse, Both, repeatable: true);
        yield return new("BalancerMember", Arity.OneOrMore, D, "A backend of a load balancer: BalancerMember [balancer://name] http://host:port [loadfactor=n key=value ...] (inside <Proxy \"balancer://name\"> the name is the section's)", "", BalancerMember, repeatable: true);
        yield return new("ProxySet", Arity.OneOrMore, D, "A load balancer's method and failover: ProxySet balancer://name lbmethod=byrequests|bybusyness maxattempts=n", "", ProxySet, repeatable: true);
        yield return new("ProxyTimeout", Arity.One, C, "How long the proxy waits on a backend (connect, send, each read); unset means Timeout", null, c => Ms(c, (s, v) => s with { ProxyTimeoutMilliseconds = v }))
            { Show = s => s.ProxyTimeoutMilliseconds == 0 ? "(Timeout)" : s.ProxyTimeoutMilliseconds % 1000 == 0 ? Number(s.ProxyTimeoutMilliseconds / 1000) : Number(s.ProxyTimeoutMilliseconds) + "ms",
              Constants = [CompiledConstant.Int("ProxyTimeoutMilliseconds", s => s.ProxyTimeoutMilliseconds)] };
        yield return OnOff("ProxyPreserveHost", "Whether the backend is sent the client's Host header instead of the ProxyPass URL's host", s => s.ProxyPreserveHost, (s, v) => s with { ProxyPreserveHost = v });
        yield return OnOff("ProxyAddHeaders", "Whether the backend is sent X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Server", s => s.ProxyAddHeaders, (s, v) => s with { ProxyAddHeaders = v });
        yield return new("ProxyErrorOverride", Arity.OneOrMore, C, "Whether a backend's 4xx/5xx answer is replaced by this server's own error page: On|Off [status ...] (the statuses limit it; none means all)", "Off", ProxyErrorOverride)
            { Show = s => (s.ProxyErrorOverride ? "On" : "Off") + (s.ProxyErrorOverrideStatuses.Length > 0 ? " " + s.ProxyErrorOverrideStatuses : ""),
              Constants = [CompiledConstant.Bool("ProxyErrorOverride", s => s.ProxyErrorOverride), CompiledConstant.Text("ProxyErrorOverrideStatuses", s => s.ProxyErrorOverrideStatuses)] };
        yield return new("ProxyStatus", Arity.One, C, "Whether the status page shows the proxy's requests waiting on backends and in progress: On or Full (the same here), or Off", "On", c =>
            {
                string value = c.Arg(0).ToLowerInvariant();
                if (value is "on" or "full" or "off") c.Settings.Settings = c.Settings.Settings with { ProxyStatus = value != "off" };
                else c.Error(DiagnosticCatalog.InvalidValue, 0, "ProxyStatus takes On, Off or Full, not '" + c.Arg(0) + "'");
            })
            { Show = s => s.ProxyStatus ? "On" : "Off", Constants = [CompiledConstant.Bool("ProxyStatus", s => s.ProxyStatus)] };
        yield return new("ProxyRequests", Arity.Flag, C, "Forward proxying: Off only (EventMpm is a reverse proxy)", "Off", ProxyRequests);
    }

    /// <summary>ProxyErrorOverride On|Off [status ...] (mod_proxy.c: set_override(), whose statuses must be 4xx or 5xx).</summary>
    private static void ProxyErrorOverride(DirectiveCall c)
    {
        if (c.Flag() is not bool on) return;
        var statuses = new List<string>();
        for (int i = 1; i < c.Args.Count; i++)
        {
            if (!ValueParsers.TryParseWhole(c.Arg(i), out long status) || status < 400 || status > 599)
            {
                c.Error(DiagnosticCatalog.OutOfRange, i, "ProxyErrorOverride: '" + c.Arg(i) + "' is not a status from 400 to 599 (only error answers are replaced)");
                return;
            }
            statuses.Add(status.ToString(CultureInfo.InvariantCulture));
        }
        if (!on && statuses.Count > 0)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 1, "ProxyErrorOverride Off takes no statuses: they choose which answers On replaces");
            return;
        }
        c.Settings.Settings = c.Settings.Settings with { ProxyErrorOverride = on, ProxyErrorOverrideStatuses = string.Join(" ", statuses) };
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

    /// <summary>ProxyPassMatch regex url|! [key=value ...]: as ProxyPass, with a pattern for the path (mod_proxy.c: add_pass() with a regex).</summary>
    private static void ProxyPassMatch(DirectiveCall c)
    {
        if (c.Args.Count < 2)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, -1, "ProxyPassMatch needs a regular expression and a URL: ProxyPassMatch ^/api/(.*)$ http://backend:8080/$1");
            return;
        }
        if (PatternProblem?.Invoke(c.Arg(0)) is string why)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "ProxyPassMatch: '" + c.Arg(0) + "' is not a regular expression: " + why);
            return;
        }
        string url = c.Arg(1);
        int scheme = url.IndexOf("://", System.StringComparison.Ordinal);
        int pathAt = scheme < 0 ? -1 : url.IndexOf('/', scheme + 3);
        string authority = scheme < 0 ? url : pathAt < 0 ? url.Substring(scheme + 3) : url.Substring(scheme + 3, pathAt - scheme - 3);
        if (url != "!" && authority.IndexOf('$') >= 0)
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 1, "ProxyPassMatch: the backend (" + authority + ") must be fixed: a backend chosen per request has no pool and is resolved at no start; $1... may stand in the URL's path");
            return;
        }
        ProxyPass(c, c.Arg(0), 1, pattern: true);
    }

    private static void ProxyPass(DirectiveCall c)
    {
        if (ProxyPath(c) is not var (path, first)) return;
        ProxyPass(c, path, first, pattern: false);
    }

    private static void ProxyPass(DirectiveCall c, string path, int first, bool pattern)
    {
        string url = c.Arg(first);
        string? balancer = BalancerName(url);
        if (balancer is not null)
        {
            if (CheckBalancerUrl(c, first) is not string normalized) return;
            url = normalized;
        }
        else if (url != "!" && CheckProxyUrl(c, first) is null) return;
        var route = new ProxyRoute(path, url, InLocation: c.Location is not null, IsPattern: pattern);
        var set = new BalancerSet(balancer ?? "");
        for (int i = first + 1; i < c.Args.Count; i++)
        {
            if (route.Excluded)
            {
                c.Error(DiagnosticCatalog.InvalidValue, first + 1, "ProxyPass " + path + " ! takes no parameters: the path is not proxied");
                return;
            }
            if (ProxyParameter(c, i, balancer is null ? ParameterOwner.Backend : ParameterOwner.Balancer) is not var (key, value)) return;
            if (balancer is null) route = WithWorker(route, key, value);
            else set = WithBalancer(set, key, value);
        }
        c.Settings.ProxyPass.Add((route, c.Name.Location));
        if (set != new BalancerSet(set.Balancer)) c.Settings.BalancerSets.Add((set, c.Name.Location));
    }

    /// <summary>BalancerMember [balancer://name] url [key=value ...]: the balancer is the enclosing &lt;Proxy&gt;'s, or the first word (mod_proxy's add_member()).</summary>
    private static void BalancerMember(DirectiveCall c)
    {
        if (BalancerName(c.Arg(0)) is null)
        {
            c.Error(DiagnosticCatalog.WrongContext, -1, "BalancerMember belongs inside <Proxy \"balancer://name\">, or names its balancer first: BalancerMember balancer://name http://host:port");
            return;
        }
        if (CheckBalancerUrl(c, 0) is not string balancer) return;
        if (c.Args.Count < 2)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, -1, "BalancerMember needs the member's URL: BalancerMember http://host:port [key=value ...]");
            return;
        }
        if (BalancerName(c.Arg(1)) is not null)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 1, "BalancerMember: a member is a backend (http://host:port), not another balancer");
            return;
        }
        if (CheckProxyUrl(c, 1) is null) return;
        var member = new BalancerMember(balancer, c.Arg(1));
        for (int i = 2; i < c.Args.Count; i++)
        {
            if (ProxyParameter(c, i, ParameterOwner.Member) is not var (key, value)) return;
            member = key == "loadfactor" ? member with { LoadFactor = (int)value.Number } : WithWorker(member, key, value);
        }
        c.Settings.BalancerMembers.Add((member, c.Name.Location));
    }

    /// <summary>ProxySet balancer://name key=value ...: how the balancer picks (lbmethod) and fails over (maxattempts).</summary>
    private static void ProxySet(DirectiveCall c)
    {
        if (BalancerName(c.Arg(0)) is null)
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "ProxySet: EventMpm sets balancers (ProxySet balancer://name lbmethod=...); a single backend's parameters are written on its ProxyPass");
            return;
        }
        if (CheckBalancerUrl(c, 0) is not string balancer) return;
        if (c.Args.Count < 2)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, -1, "ProxySet needs a key=value after the balancer: ProxySet balancer://name lbmethod=bybusyness");
            return;
        }
        var set = new BalancerSet(balancer);
        for (int i = 1; i < c.Args.Count; i++)
        {
            if (ProxyParameter(c, i, ParameterOwner.Balancer) is not var (key, value)) return;
            set = WithBalancer(set, key, value);
        }
        c.Settings.BalancerSets.Add((set, c.Name.Location));
    }

    /// <summary>The balancer's name when <paramref name="url"/> is balancer://..., else null.</summary>
    private static string? BalancerName(string url) => url.StartsWith("balancer://", System.StringComparison.OrdinalIgnoreCase) ? url.Substring(11) : null;

    /// <summary>balancer://name[/path], normalised (the name in lower case: mod_proxy compares balancer names without case); null after reporting.</summary>
    private static string? CheckBalancerUrl(DirectiveCall c, int index)
    {
        string rest = BalancerName(c.Arg(index))!;
        int slash = rest.IndexOf('/');
        string name = slash < 0 ? rest : rest.Substring(0, slash), path = slash < 0 ? "" : rest.Substring(slash);
        bool nameOk = name.Length > 0;
        foreach (char ch in name) nameOk &= ch is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.';
        if (!nameOk || path.IndexOfAny(new[] { '?', '#', ' ' }) >= 0)
        {
            c.Error(DiagnosticCatalog.InvalidValue, index, c.Definition.Name + ": '" + c.Arg(index) + "' is not balancer://name[/path] (a name of letters, digits, '-', '_' and '.')");
            return null;
        }
        if (path.Length > 0 && c.Definition.Name != "ProxyPass" && c.Definition.Name != "ProxyPassReverse")
        {
            c.Error(DiagnosticCatalog.InvalidValue, index, c.Definition.Name + ": a balancer is named without a path (balancer://" + name + "); the path goes on ProxyPass");
            return null;
        }
        return "balancer://" + name.ToLowerInvariant() + path;
    }

    private static ProxyUrl? CheckProxyUrl(DirectiveCall c, int index)
    {
        ProxyUrl? url = ProxyUrl.Parse(c.Arg(index), out string? problem, out bool unsupported);
        if (url is null) c.Error(unsupported ? DiagnosticCatalog.UnsupportedFeature : DiagnosticCatalog.InvalidValue, index, c.Definition.Name + ": " + problem);
        return url;
    }

    /// <summary>A parameter's value: a number (milliseconds, seconds or a count), a flag, or a word.</summary>
    private readonly record struct ParameterValue(long Number, bool Flag, string Text);

    private static ProxyRoute WithWorker(ProxyRoute r, string key, ParameterValue v) => key switch
    {
        "connectiontimeout" => r with { ConnectionTimeout = (int)v.Number },
        "timeout" => r with { Timeout = (int)v.Number },
        "ttl" => r with { Ttl = (int)v.Number },
        "retry" => r with { Retry = (int)v.Number },
        "keepalive" => r with { KeepAlive = v.Flag },
        "disablereuse" => r with { DisableReuse = v.Flag },
        "enablereuse" => r with { DisableReuse = !v.Flag },
        _ => r with { Upgrade = v.Text },
    };

    private static BalancerMember WithWorker(BalancerMember m, string key, ParameterValue v) => key switch
    {
        "connectiontimeout" => m with { ConnectionTimeout = (int)v.Number },
        "timeout" => m with { Timeout = (int)v.Number },
        "ttl" => m with { Ttl = (int)v.Number },
        "retry" => m with { Retry = (int)v.Number },
        "keepalive" => m with { KeepAlive = v.Flag },
        "disablereuse" => m with { DisableReuse = v.Flag },
        "enablereuse" => m with { DisableReuse = !v.Flag },
        _ => m with { Upgrade = v.Text },
    };

    private static BalancerSet WithBalancer(BalancerSet s, string key, ParameterValue v)
        => key == "lbmethod" ? s with { LbMethod = v.Text } : s with { MaxAttempts = (int)v.Number };

    /// <summary>One key=value (mod_proxy.c: set_worker_param(), set_balancer_param()), checked at its own word for who takes it.</summary>
    private static (string Key, ParameterValue Value)? ProxyParameter(DirectiveCall c, int index, ParameterOwner owner)
    {
        string directive = c.Definition.Name, word = c.Arg(index);
        int equals = word.IndexOf('=');
        if (equals <= 0)
        {
            c.Error(DiagnosticCatalog.InvalidValue, index, directive + ": '" + word + "' is not a key=value parameter");
            return null;
        }
        string key = word.Substring(0, equals).ToLowerInvariant(), value = word.Substring(equals + 1);
        bool worker = System.Array.IndexOf(s_workerKeys, key) >= 0;
        bool balancerKey = key is "lbmethod" or "maxattempts";
        if (owner == ParameterOwner.Balancer && worker)
        {
            c.Error(DiagnosticCatalog.InvalidValue, index, directive + ": " + key + "= is a backend's parameter; a balancer's members take it, on their BalancerMember lines"
                + (key == "timeout" ? " (mod_proxy_balancer's own timeout=, the wait for a free member, is not built: members are never busy here)" : ""));
            return null;
        }
        if (owner != ParameterOwner.Balancer && balancerKey)
        {
            c.Error(DiagnosticCatalog.InvalidValue, index, directive + ": " + key + "= is a balancer's parameter: write it on ProxySet balancer://name or on the balancer's ProxyPass");
            return null;
        }
        if (key == "loadfactor" && owner != ParameterOwner.Member)
        {
            c.Error(DiagnosticCatalog.InvalidValue, index, directive + ": loadfactor= is a balancer member's share: write it on its BalancerMember line");
            return null;
        }
        switch (key)
        {
            case "connectiontimeout":
            case "timeout":
            {
                string? problem = ValueParsers.ParseTimeout(value, 1000, out long ms);
                if (problem is null && (ms < 1 || ms > int.MaxValue)) problem = "must be at least 1 ms";
                if (problem is not null)
                {
                    c.Error(DiagnosticCatalog.InvalidValue, index, directive + " " + key + " " + problem);
                    return null;
                }
                return (key, new ParameterValue(ms, false, ""));
            }
            case "ttl":
            case "retry":
            {
                if (!ValueParsers.TryParseWhole(value, out long seconds) || seconds < 0 || seconds > 86_400)
                {
                    c.Error(DiagnosticCatalog.OutOfRange, index, directive + " " + key + " takes whole seconds from 0 to 86400, not '" + value + "'");
                    return null;
                }
                return (key, new ParameterValue(seconds, false, ""));
            }
            case "loadfactor":
            case "maxattempts":
            {
                // mod_proxy: loadfactor 1 to 100 (decimals since 2.4.50 are rounded away here); maxattempts at least 0.
                long min = key == "loadfactor" ? 1 : 0, max = key == "loadfactor" ? 100 : 1000;
                if (!ValueParsers.TryParseWhole(value, out long n) || n < min || n > max)
                {
                    c.Error(DiagnosticCatalog.OutOfRange, index, directive + " " + key + " takes a whole number from " + min + " to " + max + ", not '" + value + "'");
                    return null;
                }
                return (key, new ParameterValue(n, false, ""));
            }
            case "lbmethod":
            {
                string method = value.ToLowerInvariant();
                if (method is "byrequests" or "bybusyness") return (key, new ParameterValue(0, false, method));
                c.Error(method is "bytraffic" or "heartbeat" ? DiagnosticCatalog.UnsupportedFeature : DiagnosticCatalog.InvalidValue, index, method is "bytraffic" or "heartbeat"
                    ? directive + " lbmethod=" + value + " is mod_proxy_balancer's, but EventMpm builds byrequests and bybusyness"
                    : directive + " lbmethod must be byrequests or bybusyness, not '" + value + "'");
                return null;
            }
            case "upgrade":
            {
                // mod_proxy_http's upgrade=: the protocol a client may ask to switch to (RFC 9110 §7.8 token).
                if (value.Length == 0 || value.IndexOfAny(new[] { ' ', ',', '/', ';', '"' }) >= 0)
                {
                    c.Error(DiagnosticCatalog.InvalidValue, index, directive + " upgrade takes a protocol name such as websocket, not '" + value + "'");
                    return null;
                }
                return (key, new ParameterValue(0, false, value.ToLowerInvariant()));
            }
            case "keepalive":
            case "disablereuse":
            case "enablereuse":
            {
                if (!ValueParsers.IsFlag(value, out bool on))
                {
                    c.Error(DiagnosticCatalog.InvalidValue, index, directive + " " + key + " must be On or Off, not '" + value + "'");
                    return null;
                }
                return (key, new ParameterValue(0, on, ""));
            }
        }
        if (s_proxyParametersNotBuilt.TryGetValue(key, out string? reason))
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, index, directive + " " + key + "= is mod_proxy's, but EventMpm does not build it: " + reason);
            return null;
        }
        c.Error(DiagnosticCatalog.InvalidValue, index, directive + ": unknown parameter '" + key + "'; " + owner switch
        {
            ParameterOwner.Balancer => "a balancer takes lbmethod and maxattempts",
            ParameterOwner.Member => "a member takes loadfactor, connectiontimeout, timeout, ttl, retry, keepalive, disablereuse, enablereuse and upgrade",
            _ => "EventMpm takes connectiontimeout, timeout, ttl, retry, keepalive, disablereuse, enablereuse and upgrade",
        });
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
        string url = c.Arg(first);
        if (BalancerName(url) is not null)
        {
            // mod_proxy rewrites a balancer's redirects for each of its members.
            if (CheckBalancerUrl(c, first) is not string normalized) return;
            url = normalized;
        }
        else if (CheckProxyUrl(c, first) is null) return;
        c.Settings.ProxyPassReverse.Add((new ProxyReverse(path, url), c.Name.Location));
    }
}
