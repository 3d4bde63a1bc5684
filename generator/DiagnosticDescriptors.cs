using System.Collections.Generic;
using EventMpm.Configuration;
using Microsoft.CodeAnalysis;

namespace EventMpm.Generator;

/// <summary>
/// The Roslyn face of <see cref="DiagnosticCatalog"/>: one descriptor per stable ID, one category.
/// The message is carried whole, because the shared compiler words it (the runtime's -C and -t
/// print the same sentences).
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string Category = "EventMpm.Configuration";

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = Create();

    public static DiagnosticDescriptor For(string id) => s_byId[id];

    private static Dictionary<string, DiagnosticDescriptor> Create()
    {
        var result = new Dictionary<string, DiagnosticDescriptor>();
        foreach (DiagnosticKind kind in DiagnosticCatalog.All)
        {
#pragma warning disable RS1017 // The IDs are constants of the shared catalogue, which the runtime compiles too.
            result.Add(kind.Id, new DiagnosticDescriptor(
                kind.Id,
                kind.Title,
                "{0}",
                Category,
                kind.Level switch
                {
                    DiagnosticLevel.Error => DiagnosticSeverity.Error,
                    DiagnosticLevel.Warning => DiagnosticSeverity.Warning,
                    _ => DiagnosticSeverity.Info,
                },
                isEnabledByDefault: true,
                customTags: kind.Level == DiagnosticLevel.Error ? new[] { WellKnownDiagnosticTags.NotConfigurable } : new string[0]));
#pragma warning restore RS1017
        }
        return result;
    }
}
