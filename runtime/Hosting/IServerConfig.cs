using System.Collections.Generic;
using EventMpm.Configuration;

namespace EventMpm.Hosting;

/// <summary>
/// The contract the generator's <c>CompiledConfig</c> implements. The runtime is generic over
/// <c>TConfig : struct, IServerConfig</c>, so under NativeAOT each member below is a constant
/// folded into the code that reads it (the listener loop, the worker pool, the admission check).
/// The members mirror <see cref="ServerSettings"/>; <see cref="CompiledSettings.Read{TConfig}"/>
/// turns them back into one.
/// </summary>
public interface IServerConfig
{
    // The event MPM.
    static abstract int AsyncRequestWorkerFactor { get; }
    static abstract bool EnableExceptionHook { get; }
    static abstract int ListenBacklog { get; }
    static abstract int MaxConnectionsPerChild { get; }
    static abstract int MaxMemFree { get; }
    static abstract int MaxRequestWorkers { get; }
    static abstract int MaxSpareThreads { get; }
    static abstract int MinSpareThreads { get; }
    static abstract int SendBufferSize { get; }
    static abstract int ServerLimit { get; }
    static abstract int StartServers { get; }
    static abstract int ThreadLimit { get; }
    static abstract int ThreadsPerChild { get; }
    static abstract int ThreadStackSize { get; }

    // HTTP core.
    static abstract bool KeepAlive { get; }
    static abstract int KeepAliveTimeoutMilliseconds { get; }
    static abstract int MaxKeepAliveRequests { get; }
    static abstract int TimeoutMilliseconds { get; }
    static abstract int GracefulShutdownTimeout { get; }
    static abstract int LimitRequestLine { get; }
    static abstract int LimitRequestFieldSize { get; }
    static abstract int LimitRequestFields { get; }
    static abstract long LimitRequestBody { get; }
    static abstract int RequestReadHandshakeTimeout { get; }
    static abstract int RequestReadHeaderTimeout { get; }
    static abstract int RequestReadHeaderMaxTimeout { get; }
    static abstract int RequestReadHeaderMinRate { get; }
    static abstract int RequestReadBodyTimeout { get; }
    static abstract int RequestReadBodyMaxTimeout { get; }
    static abstract int RequestReadBodyMinRate { get; }
    static abstract LogLevel LogLevel { get; }
    static abstract bool ExtendedStatus { get; }

    // Lists and text: read once at start, not on the request path.
    static abstract IReadOnlyList<string> DirectoryIndex { get; }
    static abstract string TypesConfig { get; }
    static abstract IReadOnlyList<LogFormatSpec> LogFormats { get; }
    static abstract IReadOnlyList<MimeMapping> AddType { get; }
    static abstract IReadOnlyList<LocationSpec> Locations { get; }

    /// <summary>The compiled defaults of what <c>-C</c> may change at start.</summary>
    static abstract DeploymentSettings Deployment { get; }

    /// <summary>Every directive's value and origin, for <c>-V</c>.</summary>
    static abstract IReadOnlyList<DirectiveValue> Directives { get; }

    /// <summary>The compile-time warnings, which <c>-t</c> prints again as httpd prints its clamps.</summary>
    static abstract IReadOnlyList<string> Warnings { get; }

    /// <summary>The files the configuration was compiled from.</summary>
    static abstract IReadOnlyList<string> Sources { get; }
}
