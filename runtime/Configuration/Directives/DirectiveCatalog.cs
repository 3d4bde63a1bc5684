using System.Collections.Generic;
using System.Globalization;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// Every directive EventMpm understands: the seed's event MPM directives, the core ones the
/// server needs, and the few that act while the file is read. Defaults are httpd 2.4's.
/// </summary>
public static partial class DirectiveCatalog
{
    private static readonly Dictionary<string, DirectiveDefinition> s_byName;
    private static readonly Dictionary<string, string> s_aliases = new(System.StringComparer.OrdinalIgnoreCase)
    {
        // Renamed in httpd 2.3.13; httpd still reads the old names with an informational message.
        ["MaxClients"] = "MaxRequestWorkers",
        ["MaxRequestsPerChild"] = "MaxConnectionsPerChild",
    };

    public static IReadOnlyList<DirectiveDefinition> All { get; }

    static DirectiveCatalog()
    {
        All = Build();
        s_byName = new Dictionary<string, DirectiveDefinition>(System.StringComparer.OrdinalIgnoreCase);
        foreach (DirectiveDefinition d in All) s_byName.Add(d.Name, d);
    }

    /// <summary>Finds a directive by any spelling; <paramref name="alias"/> is set when an old name was used.</summary>
    public static DirectiveDefinition? Find(string name, out bool alias)
    {
        alias = s_aliases.TryGetValue(name, out string? canonical);
        return s_byName.TryGetValue(alias ? canonical! : name, out DirectiveDefinition? d) ? d : null;
    }

    public static DirectiveDefinition? Find(string name) => Find(name, out _);

    /// <summary>The known directive nearest to a misspelt name, or null when none is close.</summary>
    public static string? Suggest(string name)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in Names())
        {
            int distance = EditDistance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }
        int allowed = System.Math.Max(2, name.Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    private static IEnumerable<string> Names()
    {
        foreach (DirectiveDefinition d in All) yield return d.Name;
        foreach (string alias in s_aliases.Keys) yield return alias;
    }

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = System.Math.Min(System.Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>
    /// The rows. A directive is declared here once: its name, arity, scope, help, where it may be
    /// written, how its words are checked and applied, how its value is shown (which gives its
    /// default, from <see cref="ServerSettings"/>), and the constants it becomes. The generator
    /// writes IServerConfig's members and every CompiledConfig from <see cref="DirectiveDefinition.Constants"/>;
    /// <c>-V</c> shows <see cref="DirectiveDefinition.Show"/>.
    /// </summary>
    private static List<DirectiveDefinition> Build()
    {
        const DirectiveScope D = DirectiveScope.Deployment;
        const DirectiveScope R = DirectiveScope.Reading;
        var list = new List<DirectiveDefinition>
        {
            // ---- The event MPM (seed: the directives mpm_event documents) ----
            new("AsyncRequestWorkerFactor", Arity.One, C, "Limits the number of connections per process to ThreadsPerChild plus this factor times the idle workers", null, AsyncRequestWorkerFactor)
                { Show = s => Number(s.AsyncRequestWorkerFactor), Constants = [CompiledConstant.Int("AsyncRequestWorkerFactor", s => s.AsyncRequestWorkerFactor)] },
            new("CoreDumpDirectory", Arity.One, D, "The directory a crashing process dumps core into", null, c => Deploy(c, d => d with { CoreDumpDirectory = c.Arg(0) }))
                { Show = s => s.Deployment.CoreDumpDirectory },
            OnOff("EnableExceptionHook", "Runs exception hooks after a crash", s => s.EnableExceptionHook, (s, v) => s with { EnableExceptionHook = v },
                "EnableExceptionHook runs mod_whatkilledus-style hooks after a crash in httpd; a .NET process has none. Here the control process logs a crashed child with its signal (AH00052) and replaces it at once; set CoreDumpDirectory to keep its core dump."),
            new("Group", Arity.One, D, "The group the child processes run as: a name or #gid", null, c => Account(c, (d, v) => d with { Group = v })) { Show = s => s.Deployment.Group },
            new("Listen", Arity.OneOrTwo, D, "An address and port to listen on: [IP-address:]port [protocol]", "", Listen, repeatable: true),
            Whole("ListenBacklog", "The length of the kernel's pending-connection queue", s => s.ListenBacklog, (s, v) => s with { ListenBacklog = v }, min: 1),
            new("ListenCoresBucketsRatio", Arity.One, C, "Cores per listener bucket (SO_REUSEPORT copies of the listening sockets); not supported: the children share one set", "", ListenCoresBucketsRatio),
            Whole("MaxConnectionsPerChild", "Connections a child process handles before it is replaced; 0 means never", s => s.MaxConnectionsPerChild, (s, v) => s with { MaxConnectionsPerChild = v }),
            Whole("MaxMemFree", "KBytes of free memory an allocator keeps before giving it back; 0 means unlimited", s => s.MaxMemFree, (s, v) => s with { MaxMemFree = v },
                explain: "MaxMemFree caps the free memory of httpd's APR allocators; EventMpm has none: each worker owns fixed buffers (80 KiB) and the .NET garbage collector returns the rest to the system, so the value has no effect."),
            new("MaxRequestWorkers", Arity.One, C, "The most worker threads serving at once, over all child processes", null, MaxRequestWorkers)
                { Show = s => Number(s.MaxRequestWorkers), Constants = [CompiledConstant.Int("MaxRequestWorkers", s => s.MaxRequestWorkers)] },
            Whole("MaxSpareThreads", "The most idle worker threads before a child process is stopped", s => s.MaxSpareThreads, (s, v) => s with { MaxSpareThreads = v }),
            Whole("MinSpareThreads", "The fewest idle worker threads before another child process is started", s => s.MinSpareThreads, (s, v) => s with { MinSpareThreads = v }),
            new("PidFile", Arity.One, D, "The file the control process writes its process id to", null, c => Deploy(c, d => d with { PidFile = c.Arg(0) })) { Show = s => s.Deployment.PidFile },
            new("ReceiveBufferSize", Arity.One, C, "The TCP receive buffer size in bytes; 0 means the system default", null, c => SocketBuffer(c, (s, v) => s with { ReceiveBufferSize = v }))
                { Show = s => Number(s.ReceiveBufferSize), Constants = [CompiledConstant.Int("ReceiveBufferSize", s => s.ReceiveBufferSize)] },
            new("ScoreBoardFile", Arity.One, D, "A file to hold the shared scoreboard; unset means anonymous shared memory", null, c => Deploy(c, d => d with { ScoreBoardFile = c.Arg(0) }))
                { Show = s => s.Deployment.ScoreBoardFile },
            new("SendBufferSize", Arity.One, C, "The TCP send buffer size in bytes; 0 means the system default", null, c => SocketBuffer(c, (s, v) => s with { SendBufferSize = v }))
                { Show = s => Number(s.SendBufferSize), Constants = [CompiledConstant.Int("SendBufferSize", s => s.SendBufferSize)] },
            Whole("ServerLimit", "The most child processes the scoreboard has room for", s => s.ServerLimit, (s, v) => s with { ServerLimit = v }),
            Whole("StartServers", "Child processes started at server start", s => s.StartServers, (s, v) => s with { StartServers = v }),
            Whole("ThreadLimit", "The most worker threads a child process can be configured for", s => s.ThreadLimit, (s, v) => s with { ThreadLimit = v }),
            Whole("ThreadsPerChild", "Worker threads in each child process", s => s.ThreadsPerChild, (s, v) => s with { ThreadsPerChild = v }),
            Whole("ThreadStackSize", "The stack size of each worker thread in bytes; 0 means the system default", s => s.ThreadStackSize, (s, v) => s with { ThreadStackSize = v }),
            new("User", Arity.One, D, "The user the child processes run as: a name or #uid", null, c => Account(c, (d, v) => d with { User = v })) { Show = s => s.Deployment.User },

            // ---- Core ----
            new("ServerRoot", Arity.One, D, "The directory relative paths are resolved against; unset means the binary's directory", null, c => Deploy(c, d => d with { ServerRoot = c.Arg(0) }))
                { Show = s => s.Deployment.ServerRoot },
            new("ServerName", Arity.One, D, "The server's own name: [scheme://]host[:port]", null, ServerName) { Show = s => s.Deployment.ServerName },
            new("DocumentRoot", Arity.One, D, "The directory the files are served from", null, c => Deploy(c, d => d with { DocumentRoot = c.Arg(0) })) { Show = s => s.Deployment.DocumentRoot },
            new("DirectoryIndex", Arity.OneOrMore, C, "The files to look for when a directory is requested, or 'disabled'", null, DirectoryIndex)
                { Show = s => s.DirectoryIndex.Count == 0 ? "disabled" : string.Join(" ", s.DirectoryIndex) },
            new("AcceptFilter", Arity.Two, C, "Delays accepting a connection until its request arrives: AcceptFilter http data|none (any filter but none is TCP_DEFER_ACCEPT)", null, AcceptFilter, repeatable: true)
                { Show = s => s.DeferAccept ? "http data" : "http none", Constants = [CompiledConstant.Bool("DeferAccept", s => s.DeferAccept)] },
            OnOff("KeepAlive", "Whether a connection may carry more than one request", s => s.KeepAlive, (s, v) => s with { KeepAlive = v }),
            Duration("KeepAliveTimeout", "How long an idle kept-alive connection waits for its next request; 0 turns keep-alive off", "KeepAliveTimeoutMilliseconds",
                s => s.KeepAliveTimeoutMilliseconds, (s, v) => s with { KeepAliveTimeoutMilliseconds = v }),
            Whole("MaxKeepAliveRequests", "Requests one connection may carry; 0 means unlimited", s => s.MaxKeepAliveRequests, (s, v) => s with { MaxKeepAliveRequests = v }),
            Duration("Timeout", "How long a read or write on a connection may wait", "TimeoutMilliseconds", s => s.TimeoutMilliseconds, (s, v) => s with { TimeoutMilliseconds = v }),
            Whole("GracefulShutdownTimeout", "Seconds a graceful stop waits for requests in flight; 0 means no limit", s => s.GracefulShutdownTimeout, (s, v) => s with { GracefulShutdownTimeout = v }),
            Whole("LimitRequestLine", "The longest request line, in bytes", s => s.LimitRequestLine, (s, v) => s with { LimitRequestLine = v }),
            Whole("LimitRequestFieldSize", "The longest request header line, in bytes", s => s.LimitRequestFieldSize, (s, v) => s with { LimitRequestFieldSize = v }),
            Whole("LimitRequestFields", "The most request header lines; 0 means unlimited", s => s.LimitRequestFields, (s, v) => s with { LimitRequestFields = v }),
            new("LimitRequestBody", Arity.One, C, "The largest request body, in bytes, up to 2147483647; 0 means unlimited", null, LimitRequestBody)
                { Show = s => Number(s.LimitRequestBody), Constants = [CompiledConstant.Long("LimitRequestBody", s => s.LimitRequestBody)] },
            new("RequestReadTimeout", Arity.OneOrMore, C, "Limits on reading a request: handshake=, header= and body= timeout[-maxtimeout][,MinRate=rate]", null, RequestReadTimeoutParser.Apply)
                { Show = RequestReadTimeoutParser.Describe, Constants = RequestReadTimeoutParser.Constants },
            new("ErrorLog", Arity.One, D, "The file the error log is written to", null, ErrorLog) { Show = s => s.Deployment.ErrorLog },
            new("LogLevel", Arity.OneOrMore, C, "How much the error log says: emerg, alert, crit, error, warn, notice, info, debug, trace1-8", null, LogLevelParser.Apply)
                { Show = s => s.LogLevel.ToString().ToLowerInvariant(), Constants = [CompiledConstant.Level("LogLevel", s => s.LogLevel)] },
            new("LogFormat", Arity.OneOrTwo, C, "An access log format, optionally named: LogFormat format [nickname]", "", LogFormatParser.ApplyLogFormat, repeatable: true),
            new("CustomLog", Arity.TwoOrThree, D, "An access log: CustomLog file format|nickname", "", LogFormatParser.ApplyCustomLog, repeatable: true),
            new("TypesConfig", Arity.One, C, "A mime.types file read at start; unset means the built-in table", null, c => Set(c, s => s with { TypesConfig = c.Arg(0) }))
                { Show = s => s.TypesConfig.Length == 0 ? "(built-in table)" : s.TypesConfig, Constants = [CompiledConstant.Text("TypesConfig", s => s.TypesConfig)] },
            new("AddType", Arity.TwoOrMore, C, "Maps file extensions to a media type: AddType media-type extension...", "", AddType, repeatable: true),
            OnOff("ExtendedStatus", "Whether the status page shows each request", s => s.ExtendedStatus, (s, v) => s with { ExtendedStatus = v }),
            new("SetHandler", Arity.One, C, "The handler that serves a <Location>: server-status, metrics, default-handler, or a C# handler's full type name", "", SetHandler, DirectiveContexts.Location),
            new("Require", Arity.OneOrMore, C, "Who may have a <Location>: all granted, all denied, local, or ip addresses and networks; several lines grant if any does", "all granted", Require, DirectiveContexts.Location, repeatable: true),

            // ---- Acted on while reading ----
            new("Define", Arity.OneOrTwo, R, "Defines a variable for ${NAME} and <IfDefine>", "", null, repeatable: true),
            new("UnDefine", Arity.One, R, "Removes a variable defined with Define", "", null, repeatable: true),
            new("Include", Arity.One, R, "Reads more configuration files; wildcards allowed", "", null, repeatable: true),
            new("IncludeOptional", Arity.One, R, "Like Include, but a missing file or an unmatched wildcard is not an error", "", null, repeatable: true),
            new("LoadModule", Arity.Two, R, "Names a module; EventMpm's modules are built in, so this only checks the name", "", null, repeatable: true),
        };
        list.AddRange(TlsRows());
        list.AddRange(ProxyRows());
        list.AddRange(HeaderRows());
        list.AddRange(AliasRows());
        list.AddRange(ResponseRows());
        list.AddRange(ExpiresRows());
        return list;
    }

    private const DirectiveScope C = DirectiveScope.Compiled;

    // ---- the shapes most rows take ----

    /// <summary>A whole number at least <paramref name="min"/>, compiled into the constant of the same name.</summary>
    private static DirectiveDefinition Whole(string name, string help, System.Func<ServerSettings, int> get, System.Func<ServerSettings, int, ServerSettings> set, long min = 0, string? explain = null)
        => new(name, Arity.One, C, help, null, c =>
        {
            Int(c, min, set);
            if (explain is not null) Explain(c, explain);
        })
        { Show = s => Number(get(s)), Constants = [CompiledConstant.Int(name, get)] };

    /// <summary>On or Off, compiled into the constant of the same name.</summary>
    private static DirectiveDefinition OnOff(string name, string help, System.Func<ServerSettings, bool> get, System.Func<ServerSettings, bool, ServerSettings> set, string? explain = null)
        => new(name, Arity.Flag, C, help, null, c =>
        {
            Flag(c, set);
            if (explain is not null) Explain(c, explain);
        })
        { Show = s => get(s) ? "On" : "Off", Constants = [CompiledConstant.Bool(name, get)] };

    /// <summary>A duration (httpd's seconds, or with ms, s, mi, h), compiled in milliseconds into <paramref name="member"/>.</summary>
    private static DirectiveDefinition Duration(string name, string help, string member, System.Func<ServerSettings, int> get, System.Func<ServerSettings, int, ServerSettings> set)
        => new(name, Arity.One, C, help, null, c => Ms(c, set))
        { Show = s => get(s) % 1000 == 0 ? Number(get(s) / 1000) : Number(get(s)) + "ms", Constants = [CompiledConstant.Int(member, get)] };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    // ---- small appliers shared by many rows ----

    private static void Set(DirectiveCall c, System.Func<ServerSettings, ServerSettings> change)
        => c.Settings.Settings = change(c.Settings.Settings);

    private static void Deploy(DirectiveCall c, System.Func<DeploymentSettings, DeploymentSettings> change)
    {
        if (c.Text(0) is not null) c.Settings.Deployment = change(c.Settings.Deployment);
    }

    private static void Int(DirectiveCall c, long min, System.Func<ServerSettings, int, ServerSettings> change)
    {
        if (c.Number(0, min) is long v) Set(c, s => change(s, (int)v));
    }

    private static void Ms(DirectiveCall c, System.Func<ServerSettings, int, ServerSettings> change)
    {
        if (c.Milliseconds(0) is int v) Set(c, s => change(s, v));
    }

    /// <summary>Says at the directive's line what it does in this server, where that differs from httpd.</summary>
    private static void Explain(DirectiveCall c, string message) => c.Diagnostics.Report(DiagnosticCatalog.DifferentHere, c.Name.Location, message);

    private static void Flag(DirectiveCall c, System.Func<ServerSettings, bool, ServerSettings> change)
    {
        if (c.Flag() is bool v) Set(c, s => change(s, v));
    }

    private static void Account(DirectiveCall c, System.Func<DeploymentSettings, string, DeploymentSettings> change)
    {
        string? problem = ValueParsers.ParseAccount(c.Arg(0));
        if (problem is null) c.Settings.Deployment = change(c.Settings.Deployment, c.Arg(0));
        else c.Error(DiagnosticCatalog.InvalidValue, 0, c.Definition.Name + ": " + problem);
    }

    // ---- directives with their own rules ----

    private static void AsyncRequestWorkerFactor(DirectiveCall c)
    {
        if (!double.TryParse(c.Arg(0), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out double factor))
        {
            c.Error(DiagnosticCatalog.NotANumber, 0, "AsyncRequestWorkerFactor: error parsing value '" + c.Arg(0) + "' (a positive number such as 2 or 1.5)");
            return;
        }
        if (factor <= 0)
        {
            c.Error(DiagnosticCatalog.OutOfRange, 0, "AsyncRequestWorkerFactor argument must be a positive number, not " + c.Arg(0));
            return;
        }
        c.Settings.WorkerFactorWritten = factor;
        c.Settings.WorkerFactorLocation = c.Args[0].Location;
    }

    private static void MaxRequestWorkers(DirectiveCall c)
    {
        if (c.Count(0) is int v)
        {
            Set(c, s => s with { MaxRequestWorkers = v });
            c.Settings.MaxRequestWorkersWritten = true;
        }
    }

    /// <summary>SendBufferSize and ReceiveBufferSize: httpd refuses buffers under 512 bytes (listen.c); 0 keeps the kernel's default.</summary>
    private static void SocketBuffer(DirectiveCall c, System.Func<ServerSettings, int, ServerSettings> change)
    {
        if (c.Count(0) is not int v) return;
        if (v != 0 && v < 512) c.Error(DiagnosticCatalog.OutOfRange, 0, c.Definition.Name + " must be >= 512 bytes, or 0 for system default, not " + c.Arg(0));
        else Set(c, s => change(s, v));
    }

    /// <summary>
    /// httpd's core maps a protocol to an accept filter; on Linux every filter but <c>none</c>
    /// means TCP_DEFER_ACCEPT (listen.c), and the default for http is <c>data</c>. Plain http is
    /// the only protocol here, so a filter for another one changes nothing.
    /// </summary>
    private static void AcceptFilter(DirectiveCall c)
    {
        if (!string.Equals(c.Arg(0), "http", System.StringComparison.OrdinalIgnoreCase))
        {
            Explain(c, "AcceptFilter " + c.Arg(0) + " has no effect: EventMpm listens for plain http only");
            return;
        }
        Set(c, s => s with { DeferAccept = !string.Equals(c.Arg(1), "none", System.StringComparison.OrdinalIgnoreCase) });
    }

    /// <summary>
    /// Refused with a reason rather than as an unknown name: buckets need per-child copies of the
    /// listening sockets and spare-thread limits divided by a core count known only at start,
    /// which the compiled limits cannot follow. httpd without the directive has one bucket, as here.
    /// </summary>
    private static void ListenCoresBucketsRatio(DirectiveCall c)
    {
        if (c.Count(0) is not int ratio) return;
        if (ratio == 0) c.Error(DiagnosticCatalog.OutOfRange, 0, "ListenCoresBucketsRatio must be > 0"); // httpd's own message
        else c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "ListenCoresBucketsRatio: listener buckets are not supported; the children share one set of listening sockets, as in httpd without this directive");
    }

    private static void LimitRequestBody(DirectiveCall c)
    {
        // httpd's documented ceiling for LimitRequestBody: 2147483647 (2 GB).
        if (c.Number(0, 0, int.MaxValue) is long v) Set(c, s => s with { LimitRequestBody = v });
    }

    private static void Listen(DirectiveCall c)
    {
        string? problem = ValueParsers.ParseListen(c.Arg(0), out ListenAddress? address);
        if (problem is not null)
        {
            c.Error(problem.StartsWith("port ", System.StringComparison.Ordinal) && problem.Contains("out of range") ? DiagnosticCatalog.OutOfRange : DiagnosticCatalog.InvalidValue, 0, "Listen: " + problem);
            return;
        }
        // httpd's default protocol: https for port 443, http for any other.
        string protocol = c.Args.Count == 2 ? c.Arg(1).ToLowerInvariant() : address!.Port == 443 ? "https" : "http";
        if (protocol != "http" && protocol != "https")
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 1, "Listen: protocol '" + c.Arg(1) + "' is not supported; EventMpm speaks http, and https with SSLEngine on");
            return;
        }
        address = address! with { Protocol = protocol };
        if (protocol == "https" && c.Args.Count == 2) c.Settings.HttpsWritten.Add(c.Args[1].Location);
        foreach ((ListenAddress earlier, SourceLocation where) in c.Settings.Listen)
        {
            if (earlier.SameSocket(address))
            {
                c.Error(DiagnosticCatalog.DuplicateListen, 0, "Cannot define multiple Listeners on the same IP:port: " + address + " is already given at " + where);
                return;
            }
        }
        c.Settings.Listen.Add((address!, c.Args[0].Location));
    }

    private static void ServerName(DirectiveCall c)
    {
        string? problem = ValueParsers.ParseServerName(c.Arg(0));
        if (problem is null) c.Settings.Deployment = c.Settings.Deployment with { ServerName = c.Arg(0) };
        else c.Error(DiagnosticCatalog.InvalidValue, 0, "ServerName: " + problem);
    }

    private static void ErrorLog(DirectiveCall c)
    {
        string path = c.Arg(0);
        if (path.StartsWith("|", System.StringComparison.Ordinal) || path.StartsWith("syslog", System.StringComparison.OrdinalIgnoreCase))
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "ErrorLog: piped logs and syslog are not supported; give a file (or /dev/stderr)");
            return;
        }
        Deploy(c, d => d with { ErrorLog = path });
    }

    private static void DirectoryIndex(DirectiveCall c)
    {
        var files = new List<string>();
        for (int i = 0; i < c.Args.Count; i++)
        {
            if (string.Equals(c.Arg(i), "disabled", System.StringComparison.OrdinalIgnoreCase))
            {
                // httpd: "disabled" must stand alone; it turns the lookup off.
                if (c.Args.Count > 1)
                {
                    c.Error(DiagnosticCatalog.InvalidValue, i, "DirectoryIndex: 'disabled' must be the only argument");
                    return;
                }
                continue;
            }
            files.Add(c.Arg(i));
        }
        Set(c, s => s with { DirectoryIndex = new EquatableArray<string>(files) });
    }

    private static void AddType(DirectiveCall c)
    {
        string type = c.Arg(0);
        int slash = type.IndexOf('/');
        if (slash <= 0 || slash == type.Length - 1 || type.IndexOf(' ') >= 0)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "AddType: '" + type + "' is not a media type (type/subtype)");
            return;
        }
        for (int i = 1; i < c.Args.Count; i++)
        {
            string extension = c.Arg(i).TrimStart('.').ToLowerInvariant();
            if (extension.Length == 0 || extension.IndexOf('/') >= 0)
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "AddType: '" + c.Arg(i) + "' is not a file extension");
                continue;
            }
            c.Settings.AddTypes.RemoveAll(m => m.Extension == extension);
            c.Settings.AddTypes.Add(new MimeMapping(extension, type));
        }
    }

    /// <summary>The handlers EventMpm has built in.</summary>
    public static readonly string[] BuiltInHandlers = { "server-status", "metrics", "default-handler" };

    /// <summary>
    /// A built-in handler (names are case-insensitive, as httpd's), or a C# handler named by its
    /// full type name, which the generator then looks up in the compilation (EMPM043, EMPM044).
    /// </summary>
    private static void SetHandler(DirectiveCall c)
    {
        string handler = c.Arg(0);
        if (string.Equals(handler, "none", System.StringComparison.OrdinalIgnoreCase)) handler = "default-handler";
        if (System.Array.IndexOf(BuiltInHandlers, handler.ToLowerInvariant()) >= 0)
        {
            UpdateLocation(c, l => l with { Handler = handler.ToLowerInvariant() });
            return;
        }
        if (!IsTypeName(handler))
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "SetHandler: unknown handler '" + handler + "'; the built-in handlers are "
                + string.Join(", ", BuiltInHandlers) + ", and a C# handler is named by its full type name (MyApp.Handlers.Hello)");
            return;
        }
        c.Settings.CodeHandlers.Add(new HandlerReference(handler, c.Args[0].Location));
        UpdateLocation(c, l => l with { Handler = handler });
    }

    /// <summary>A dotted C# name: identifiers (letters, digits, '_', not starting with a digit) joined by '.'.</summary>
    private static bool IsTypeName(string name)
    {
        foreach (string part in name.Split('.'))
        {
            if (part.Length == 0 || char.IsDigit(part[0])) return false;
            foreach (char ch in part)
            {
                if (!char.IsLetterOrDigit(ch) && ch != '_') return false;
            }
        }
        return true;
    }

    private static void Require(DirectiveCall c)
    {
        var words = new List<string>();
        for (int i = 0; i < c.Args.Count; i++) words.Add(c.Arg(i));
        string? problem = RequireRules.Check(words);
        if (problem is not null)
        {
            bool unsupported = words[0].Equals("not", System.StringComparison.OrdinalIgnoreCase);
            c.Error(unsupported ? DiagnosticCatalog.UnsupportedFeature : DiagnosticCatalog.InvalidValue, unsupported ? -1 : System.Math.Min(1, c.Args.Count - 1), problem);
            return;
        }
        string line = string.Join(" ", words);
        UpdateLocation(c, l => l with { Require = l.Require.Length == 0 ? line : l.Require + "\n" + line });
    }

    /// <summary>The section's entry; its handler stays empty (inherited from enclosing paths) until SetHandler names one.</summary>
    private static void UpdateLocation(DirectiveCall c, System.Func<LocationSpec, LocationSpec> change)
    {
        int at = c.Settings.Locations.FindIndex(l => l.Path == c.Location);
        LocationSpec current = at >= 0 ? c.Settings.Locations[at] : new LocationSpec(c.Location!, "");
        if (at >= 0) c.Settings.Locations.RemoveAt(at);
        c.Settings.Locations.Add(change(current));
    }
}
