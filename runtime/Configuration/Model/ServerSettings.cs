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

    public int KeepAliveTimeoutMilliseconds { get; init; } = 5_000;
    public int MaxKeepAliveRequests { get; init; } = 100;
    public int TimeoutMilliseconds { get; init; } = 60_000;
    public int GracefulShutdownTimeout { get; init; } = 0;
    public int LimitRequestLine { get; init; } = 8190;
    public int LimitRequestFieldSize { get; init; } = 8190;
    public int LimitRequestFields { get; init; } = 100;
    public long LimitRequestBody { get; init; } = 1L << 30;

    // mod_ssl (ssl_engine_config.c), with safer defaults where stated.
    /// <summary>SSLEngine: whether the https listeners speak TLS (off, as httpd's).</summary>
    public bool SSLEngine { get; init; }
    /// <summary>SSLProtocol as OpenSSL's version range (0x0303 is TLS 1.2, 0x0304 TLS 1.3): TLS 1.2 and 1.3, where httpd's default "all -SSLv3" also allows 1.0 and 1.1.</summary>
    public int SSLProtocolMin { get; init; } = TlsVersions.Tls12;
    public int SSLProtocolMax { get; init; } = TlsVersions.Tls13;
    /// <summary>SSLCipherSuite for TLS 1.2: forward secrecy and AEAD only (Mozilla's "intermediate" set), where httpd's default is OpenSSL's DEFAULT.</summary>
    public string SSLCipherSuite { get; init; } = "ECDHE+AESGCM:ECDHE+CHACHA20";
    /// <summary>SSLCipherSuite TLSv1.3; empty means OpenSSL's own (its three AEAD suites), as httpd's.</summary>
    public string SSLCipherSuiteTls13 { get; init; } = "";
    /// <summary>SSLHonorCipherOrder: on, where httpd's default is off; the list above is ordered strongest first.</summary>
    public bool SSLHonorCipherOrder { get; init; } = true;
    public bool SSLSessionTickets { get; init; } = true;
    /// <summary>SSLSessionCacheTimeout: how long a session may be resumed, in seconds (httpd's 300).</summary>
    public int SSLSessionCacheTimeout { get; init; } = 300;
    /// <summary>SSLVerifyClient: 0 none, 1 optional, 2 require, 3 optional_no_ca (httpd's none).</summary>
    public int SSLVerifyClient { get; init; }
    /// <summary>SSLVerifyDepth: how many CA certificates may stand between a client's certificate and a trusted one (httpd's 1).</summary>
    public int SSLVerifyDepth { get; init; } = 1;
    /// <summary>SSLOpenSSLConfCmd, in order: one "Command Value" per line, handed to OpenSSL's SSL_CONF at start.</summary>
    public string SSLOpenSSLConfCmd { get; init; } = "";

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

    /// <summary>mod_headers' Header and RequestHeader rules, in the order written (a &lt;Location&gt;'s apply after the top level's).</summary>
    public EquatableArray<HeaderRule> Headers { get; init; } = EquatableArray<HeaderRule>.Empty;

    /// <summary>mod_alias' Redirect lines, in the order written (the first that matches answers).</summary>
    public EquatableArray<RedirectRule> Redirects { get; init; } = EquatableArray<RedirectRule>.Empty;

    /// <summary>mod_alias' Alias lines, in the order written (the first that matches serves).</summary>
    public EquatableArray<AliasRule> Aliases { get; init; } = EquatableArray<AliasRule>.Empty;

    /// <summary>mod_expires' lines (ExpiresActive, ExpiresDefault, ExpiresByType), in the order written.</summary>
    public EquatableArray<ExpiresRule> Expires { get; init; } = EquatableArray<ExpiresRule>.Empty;

    /// <summary>ErrorDocument lines (a later one for the same status and place replaces an earlier one).</summary>
    public EquatableArray<ErrorDocumentRule> ErrorDocuments { get; init; } = EquatableArray<ErrorDocumentRule>.Empty;

    /// <summary>FileETag's parts: 1 the modification time, 2 the size (httpd 2.4's default, MTime Size, is both); 0 for None.</summary>
    public int FileETag { get; init; } = 3;

    // core: what the server says of itself, and TRACE.
    /// <summary>ServerTokens: how much the Server field says (Prod, Major, Minor, Minimal, OS, Full); Minimal unless set (httpd's is Full).</summary>
    public string ServerTokens { get; init; } = "Minimal";
    /// <summary>ServerSignature On: the server's own error pages end with the server's name and address (httpd's Off).</summary>
    public bool ServerSignature { get; init; } = false;
    /// <summary>TraceEnable: whether TRACE reaches C# handlers and backends (httpd's On); Off answers it 405 everywhere.</summary>
    public bool TraceEnable { get; init; } = true;

    // mod_proxy, mod_proxy_http.
    // (ProxyPass and ProxyPassReverse are deployment values: DeploymentSettings.)
    /// <summary>ProxyTimeout in milliseconds; 0 means Timeout's (httpd's default).</summary>
    public int ProxyTimeoutMilliseconds { get; init; } = 0;
    public bool ProxyPreserveHost { get; init; } = false;
    /// <summary>ProxyAddHeaders: X-Forwarded-For, -Host and -Server to the backend (httpd's On).</summary>
    public bool ProxyAddHeaders { get; init; } = true;
    /// <summary>ProxyStatus: whether the status page shows the proxy's counts (On, Full) or not (Off); httpd's default is Off, EventMpm's On.</summary>
    public bool ProxyStatus { get; init; } = true;
    /// <summary>ProxyErrorOverride: a backend's 4xx/5xx answer is replaced by this server's own error page (httpd's Off).</summary>
    public bool ProxyErrorOverride { get; init; } = false;
    /// <summary>The statuses ProxyErrorOverride replaces, space-separated; empty means every 4xx and 5xx.</summary>
    public string ProxyErrorOverrideStatuses { get; init; } = "";

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
