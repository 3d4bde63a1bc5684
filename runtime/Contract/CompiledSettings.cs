using System.Collections.Generic;
using EventMpm.Configuration;

namespace EventMpm.Contract;

/// <summary>Reads a compiled configuration back into one <see cref="ServerSettings"/> (for -V, -t and tests).</summary>
public static partial class CompiledSettings
{
    public static ServerSettings Read<TConfig>() where TConfig : struct, IServerConfig => ReadConstants<TConfig>(new ServerSettings()) with
    {
        DirectoryIndex = Array(TConfig.DirectoryIndex),
        LogFormats = Array(TConfig.LogFormats),
        AddType = Array(TConfig.AddType),
        Locations = Array(TConfig.Locations),
        Headers = Array(TConfig.Headers),
        Redirects = Array(TConfig.Redirects),
        ErrorDocuments = Array(TConfig.ErrorDocuments),
        Expires = Array(TConfig.Expires),
        Aliases = Array(TConfig.Aliases),
        Deployment = TConfig.Deployment,
        Directives = Array(TConfig.Directives),
        Warnings = Array(TConfig.Warnings),
    };

    private static EquatableArray<T> Array<T>(IReadOnlyList<T> items) where T : System.IEquatable<T> => new(items);
}
