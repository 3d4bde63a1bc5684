namespace EventMpm.Configuration;

/// <summary>
/// The whole configuration after every directive and every check: plain values only, compared
/// by value, so the generator can cache it and tests can compare it. Defaults are httpd 2.4's.
/// </summary>
public sealed record ServerSettings
{
    // The event MPM (httpd's event.c).
    public int AsyncRequestWorkerFactor { get; init; } = HttpdDefaults.AsyncRequestWorkerFactor;
    public bool EnableExceptionHook { get; init; } = HttpdDefaults.EnableExceptionHook;
    public int ListenBacklog { get; init; } = HttpdDefaults.ListenBacklog;
    public int MaxConnectionsPerChild { get; init; } = HttpdDefaults.MaxConnectionsPerChild;
    public int MaxMemFree { get; init; } = HttpdDefaults.MaxMemFree;
    public int MaxRequestWorkers { get; init; } = HttpdDefaults.MaxRequestWorkers;
    public int MaxSpareThreads { get; init; } = HttpdDefaults.MaxSpareThreads;
    public int MinSpareThreads { get; init; } = HttpdDefaults.MinSpareThreads;
    public int ReceiveBufferSize { get; init; } = HttpdDefaults.ReceiveBufferSize;
    public int SendBufferSize { get; init; } = HttpdDefaults.SendBufferSize;
    public int ServerLimit { get; init; } = HttpdDefaults.ServerLimit;
    public int StartServers { get; init; } = HttpdDefaults.StartServers;
    public int ThreadLimit { get; init; } = HttpdDefaults.ThreadLimit;
    public int ThreadsPerChild { get; init; } = HttpdDefaults.ThreadsPerChild;
    public int ThreadStackSize { get; init; } = HttpdDefaults.ThreadStackSize;

    // HTTP core (core.c, http_core.c).
    /// <summary>AcceptFilter http: TCP_DEFER_ACCEPT on the listening sockets unless the filter is <c>none</c>.</summary>
    public bool DeferAccept { get; init; } = HttpdDefaults.DeferAccept;
    public EquatableArray<string> DirectoryIndex { get; init; } = new(new[] { "index.html" });
    public bool KeepAlive { get; init; } = HttpdDefaults.KeepAlive;
    public int KeepAliveTimeoutMilliseconds { get; init; } = HttpdDefaults.KeepAliveTimeoutMilliseconds;
    public int MaxKeepAliveRequests { get; init; } = HttpdDefaults.MaxKeepAliveRequests;
    public int TimeoutMilliseconds { get; init; } = HttpdDefaults.TimeoutMilliseconds;
    public int GracefulShutdownTimeout { get; init; } = HttpdDefaults.GracefulShutdownTimeout;
    public int LimitRequestLine { get; init; } = HttpdDefaults.LimitRequestLine;
    public int LimitRequestFieldSize { get; init; } = HttpdDefaults.LimitRequestFieldSize;
    public int LimitRequestFields { get; init; } = HttpdDefaults.LimitRequestFields;
    public long LimitRequestBody { get; init; } = HttpdDefaults.LimitRequestBody;

    // mod_reqtimeout's compiled-in defaults: header=20-40,MinRate=500 body=20,MinRate=500.
    public int RequestReadHandshakeTimeout { get; init; } = HttpdDefaults.RequestReadHandshakeTimeout;
    public int RequestReadHeaderTimeout { get; init; } = HttpdDefaults.RequestReadHeaderTimeout;
    public int RequestReadHeaderMaxTimeout { get; init; } = HttpdDefaults.RequestReadHeaderMaxTimeout;
    public int RequestReadHeaderMinRate { get; init; } = HttpdDefaults.RequestReadHeaderMinRate;
    public int RequestReadBodyTimeout { get; init; } = HttpdDefaults.RequestReadBodyTimeout;
    public int RequestReadBodyMaxTimeout { get; init; } = HttpdDefaults.RequestReadBodyMaxTimeout;
    public int RequestReadBodyMinRate { get; init; } = HttpdDefaults.RequestReadBodyMinRate;

    // Logs, types, status.
    public LogLevel LogLevel { get; init; } = HttpdDefaults.LogLevel;
    public EquatableArray<LogFormatSpec> LogFormats { get; init; } = EquatableArray<LogFormatSpec>.Empty;

    /// <summary>Empty means EventMpm's built-in media-type table.</summary>
    public string TypesConfig { get; init; } = "";
    public EquatableArray<MimeMapping> AddType { get; init; } = EquatableArray<MimeMapping>.Empty;
    public bool ExtendedStatus { get; init; } = HttpdDefaults.ExtendedStatus;
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
