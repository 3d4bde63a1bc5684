namespace EventMpm.Configuration;

/// <summary>
/// The whole configuration after every directive and every check: plain values only, compared
/// by value, so the generator can cache it and tests can compare it. Each value starts at httpd
/// 2.4's default (server/mpm/event/mpm_default.h and event.c for the MPM, core.c and httpd.h for
/// the core, mod_reqtimeout.c, mod_status.c): this is the one place a default is written. A
/// directive's row in DirectiveCatalog says how it is set, shown and compiled.
/// </summary>
public sealed record ServerSettings
{
    // The event MPM (httpd's event.c).
    public int AsyncRequestWorkerFactor { get; init; } = 2;
    public bool EnableExceptionHook { get; init; } = false;
    public int ListenBacklog { get; init; } = 511;
    public int MaxConnectionsPerChild { get; init; } = 0;
    public int MaxMemFree { get; init; } = 2048;
    public int MaxRequestWorkers { get; init; } = 400;
    public int MaxSpareThreads { get; init; } = 250;
    public int MinSpareThreads { get; init; } = 75;
    public int ReceiveBufferSize { get; init; } = 0;
    public int SendBufferSize { get; init; } = 0;
    public int ServerLimit { get; init; } = 16;
    public int StartServers { get; init; } = 3;
    public int ThreadLimit { get; init; } = 64;
    public int ThreadsPerChild { get; init; } = 25;
    public int ThreadStackSize { get; init; } = 0;

    // HTTP core (core.c, http_core.c).
    /// <summary>AcceptFilter http: TCP_DEFER_ACCEPT on the listening sockets unless the filter is <c>none</c>.</summary>
    public bool DeferAccept { get; init; } = true;
    public EquatableArray<string> DirectoryIndex { get; init; } = new(new[] { "index.html" });
    public bool KeepAlive { get; init; } = true;

    /// <summary>mod_ssl's SSLEngine: whether the https listeners speak TLS (off, as httpd's).</summary>
    public bool SSLEngine { get; init; }
    public int KeepAliveTimeoutMilliseconds { get; init; } = 5_000;
    public int MaxKeepAliveRequests { get; init; } = 100;
    public int TimeoutMilliseconds { get; init; } = 60_000;
    public int GracefulShutdownTimeout { get; init; } = 0;
    public int LimitRequestLine { get; init; } = 8190;
    public int LimitRequestFieldSize { get; init; } = 8190;
    public int LimitRequestFields { get; init; } = 100;
    public long LimitRequestBody { get; init; } = 1L << 30;

    // mod_reqtimeout's compiled-in defaults: header=20-40,MinRate=500 body=20,MinRate=500.
    public int RequestReadHandshakeTimeout { get; init; } = 0;
    public int RequestReadHeaderTimeout { get; init; } = 20;
    public int RequestReadHeaderMaxTimeout { get; init; } = 40;
    public int RequestReadHeaderMinRate { get; init; } = 500;
    public int RequestReadBodyTimeout { get; init; } = 20;
    public int RequestReadBodyMaxTimeout { get; init; } = 0;
    public int RequestReadBodyMinRate { get; init; } = 500;

    // Logs, types, status.
    public LogLevel LogLevel { get; init; } = LogLevel.Warn;
    public EquatableArray<LogFormatSpec> LogFormats { get; init; } = EquatableArray<LogFormatSpec>.Empty;

    /// <summary>Empty means EventMpm's built-in media-type table.</summary>
    public string TypesConfig { get; init; } = "";
    public EquatableArray<MimeMapping> AddType { get; init; } = EquatableArray<MimeMapping>.Empty;
    public bool ExtendedStatus { get; init; } = true;
    public EquatableArray<LocationSpec> Locations { get; init; } = EquatableArray<LocationSpec>.Empty;

    /// <summary>Every SetHandler that names a C# type, for the generator to look up in the compilation.</summary>
    public EquatableArray<HandlerReference> CodeHandlers { get; init; } = EquatableArray<HandlerReference>.Empty;

    /// <summary>What <c>-C</c> may change at start.</summary>
    public DeploymentSettings Deployment { get; init; } = new();

    /// <summary>Every directive's effective value and origin, in catalogue order.</summary>
    public EquatableArray<DirectiveValue> Directives { get; init; } = EquatableArray<DirectiveValue>.Empty;

    /// <summary>The compile-time warnings, replayed by <c>-t</c> as httpd prints its clamps.</summary>
    public EquatableArray<string> Warnings { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Child processes at full load: MaxRequestWorkers / ThreadsPerChild (the seed's arithmetic).</summary>
    public int MaxProcesses => MaxRequestWorkers / ThreadsPerChild;

    /// <summary>The documented absolute maximum: (AsyncRequestWorkerFactor + 1) × MaxRequestWorkers.</summary>
    public long MaxConnections => (long)(AsyncRequestWorkerFactor + 1) * MaxRequestWorkers;

    /// <summary>The capacity in one line, as the build, <c>-V</c> and the status page say it.</summary>
    public string Capacity => MaxProcesses.ToString(System.Globalization.CultureInfo.InvariantCulture) + " processes x "
        + ThreadsPerChild.ToString(System.Globalization.CultureInfo.InvariantCulture) + " threads = "
        + MaxRequestWorkers.ToString(System.Globalization.CultureInfo.InvariantCulture) + " workers; at most "
        + MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture) + " connections";
}
