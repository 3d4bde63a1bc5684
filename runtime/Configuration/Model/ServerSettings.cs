namespace EventMpm.Configuration;

/// <summary>
/// The whole configuration after every directive and every check: plain values only, compared
/// by value, so the generator can cache it and tests can compare it. Defaults are httpd 2.4's.
/// </summary>
public sealed record ServerSettings
{
    // The event MPM (httpd's mpm_event; reference §1.3).
    public int AsyncRequestWorkerFactor { get; init; } = 2;
    public bool EnableExceptionHook { get; init; }
    public int ListenBacklog { get; init; } = 511;
    public int MaxConnectionsPerChild { get; init; }
    public int MaxMemFree { get; init; } = 2048;
    public int MaxRequestWorkers { get; init; } = 400;
    public int MaxSpareThreads { get; init; } = 250;
    public int MinSpareThreads { get; init; } = 75;
    public int SendBufferSize { get; init; }
    public int ServerLimit { get; init; } = 16;
    public int StartServers { get; init; } = 3;
    public int ThreadLimit { get; init; } = 64;
    public int ThreadsPerChild { get; init; } = 25;
    public int ThreadStackSize { get; init; }

    // HTTP core (reference §7.1).
    public EquatableArray<string> DirectoryIndex { get; init; } = new(new[] { "index.html" });
    public bool KeepAlive { get; init; } = true;
    public int KeepAliveTimeoutMilliseconds { get; init; } = 5_000;
    public int MaxKeepAliveRequests { get; init; } = 100;
    public int TimeoutMilliseconds { get; init; } = 60_000;
    public int GracefulShutdownTimeout { get; init; }
    public int LimitRequestLine { get; init; } = 8190;
    public int LimitRequestFieldSize { get; init; } = 8190;
    public int LimitRequestFields { get; init; } = 100;
    public long LimitRequestBody { get; init; } = 1L << 30;

    // mod_reqtimeout's compiled-in defaults: header=20-40,MinRate=500 body=20,MinRate=500.
    public int RequestReadHandshakeTimeout { get; init; }
    public int RequestReadHeaderTimeout { get; init; } = 20;
    public int RequestReadHeaderMaxTimeout { get; init; } = 40;
    public int RequestReadHeaderMinRate { get; init; } = 500;
    public int RequestReadBodyTimeout { get; init; } = 20;
    public int RequestReadBodyMaxTimeout { get; init; }
    public int RequestReadBodyMinRate { get; init; } = 500;

    // Logs, types, status.
    public LogLevel LogLevel { get; init; } = LogLevel.Warn;
    public EquatableArray<LogFormatSpec> LogFormats { get; init; } = EquatableArray<LogFormatSpec>.Empty;

    /// <summary>Empty means EventMpm's built-in media-type table.</summary>
    public string TypesConfig { get; init; } = "";
    public EquatableArray<MimeMapping> AddType { get; init; } = EquatableArray<MimeMapping>.Empty;
    public bool ExtendedStatus { get; init; } = true;
    public EquatableArray<LocationSpec> Locations { get; init; } = EquatableArray<LocationSpec>.Empty;

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
}
