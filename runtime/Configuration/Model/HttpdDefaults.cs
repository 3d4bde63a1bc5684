namespace EventMpm.Configuration;

/// <summary>
/// httpd 2.4's defaults for every scalar directive (mpm_default.h, event.c, core.c and httpd.h), in one place: the
/// settings record starts from them, and <c>IServerConfig</c> falls back to them.
/// </summary>
public static class HttpdDefaults
{
    public const int AsyncRequestWorkerFactor = 2;
    public const int ListenBacklog = 511;
    public const int MaxMemFree = 2048;
    public const int MaxRequestWorkers = 400;
    public const int MaxSpareThreads = 250;
    public const int MinSpareThreads = 75;
    public const int ServerLimit = 16;
    public const int StartServers = 3;
    public const int ThreadLimit = 64;
    public const int ThreadsPerChild = 25;
    public const bool KeepAlive = true;
    public const int KeepAliveTimeoutMilliseconds = 5_000;
    public const int MaxKeepAliveRequests = 100;
    public const int TimeoutMilliseconds = 60_000;
    public const int LimitRequestLine = 8190;
    public const int LimitRequestFieldSize = 8190;
    public const int LimitRequestFields = 100;
    public const long LimitRequestBody = 1L << 30;
    public const int RequestReadHeaderTimeout = 20;
    public const int RequestReadHeaderMaxTimeout = 40;
    public const int RequestReadHeaderMinRate = 500;
    public const int RequestReadBodyTimeout = 20;
    public const int RequestReadBodyMinRate = 500;
    public const LogLevel LogLevel = LogLevel.Warn;
    public const bool ExtendedStatus = true;
    public const bool EnableExceptionHook = false;
    public const int MaxConnectionsPerChild = 0;
    public const int SendBufferSize = 0;
    public const int ReceiveBufferSize = 0;
    /// <summary>httpd's core registers "AcceptFilter http data" where TCP_DEFER_ACCEPT exists (Linux).</summary>
    public const bool DeferAccept = true;
    /// <summary>The seconds httpd's listen.c gives TCP_DEFER_ACCEPT for any filter but none.</summary>
    public const int DeferAcceptSeconds = 30;
    public const int ThreadStackSize = 0;
    public const int GracefulShutdownTimeout = 0;
    public const int RequestReadHandshakeTimeout = 0;
    public const int RequestReadBodyMaxTimeout = 0;
}
