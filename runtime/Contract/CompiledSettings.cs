using System.Collections.Generic;
using EventMpm.Configuration;

namespace EventMpm.Contract;

/// <summary>Reads a compiled configuration back into one <see cref="ServerSettings"/> (for -V, -t and tests).</summary>
public static class CompiledSettings
{
    public static ServerSettings Read<TConfig>() where TConfig : struct, IServerConfig => new()
    {
        AsyncRequestWorkerFactor = TConfig.AsyncRequestWorkerFactor,
        EnableExceptionHook = TConfig.EnableExceptionHook,
        ListenBacklog = TConfig.ListenBacklog,
        MaxConnectionsPerChild = TConfig.MaxConnectionsPerChild,
        MaxMemFree = TConfig.MaxMemFree,
        MaxRequestWorkers = TConfig.MaxRequestWorkers,
        MaxSpareThreads = TConfig.MaxSpareThreads,
        MinSpareThreads = TConfig.MinSpareThreads,
        ReceiveBufferSize = TConfig.ReceiveBufferSize,
        SendBufferSize = TConfig.SendBufferSize,
        ServerLimit = TConfig.ServerLimit,
        StartServers = TConfig.StartServers,
        ThreadLimit = TConfig.ThreadLimit,
        ThreadsPerChild = TConfig.ThreadsPerChild,
        ThreadStackSize = TConfig.ThreadStackSize,
        DeferAccept = TConfig.DeferAccept,
        KeepAlive = TConfig.KeepAlive,
        KeepAliveTimeoutMilliseconds = TConfig.KeepAliveTimeoutMilliseconds,
        MaxKeepAliveRequests = TConfig.MaxKeepAliveRequests,
        TimeoutMilliseconds = TConfig.TimeoutMilliseconds,
        GracefulShutdownTimeout = TConfig.GracefulShutdownTimeout,
        LimitRequestLine = TConfig.LimitRequestLine,
        LimitRequestFieldSize = TConfig.LimitRequestFieldSize,
        LimitRequestFields = TConfig.LimitRequestFields,
        LimitRequestBody = TConfig.LimitRequestBody,
        RequestReadHandshakeTimeout = TConfig.RequestReadHandshakeTimeout,
        RequestReadHeaderTimeout = TConfig.RequestReadHeaderTimeout,
        RequestReadHeaderMaxTimeout = TConfig.RequestReadHeaderMaxTimeout,
        RequestReadHeaderMinRate = TConfig.RequestReadHeaderMinRate,
        RequestReadBodyTimeout = TConfig.RequestReadBodyTimeout,
        RequestReadBodyMaxTimeout = TConfig.RequestReadBodyMaxTimeout,
        RequestReadBodyMinRate = TConfig.RequestReadBodyMinRate,
        LogLevel = TConfig.LogLevel,
        ExtendedStatus = TConfig.ExtendedStatus,
        DirectoryIndex = Array(TConfig.DirectoryIndex),
        TypesConfig = TConfig.TypesConfig,
        LogFormats = Array(TConfig.LogFormats),
        AddType = Array(TConfig.AddType),
        Locations = Array(TConfig.Locations),
        Deployment = TConfig.Deployment,
        Directives = Array(TConfig.Directives),
        Warnings = Array(TConfig.Warnings),
    };

    private static EquatableArray<T> Array<T>(IReadOnlyList<T> items) where T : System.IEquatable<T> => new(items);
}
