using EventMpm.Configuration;

namespace EventMpm.Generator;

/// <summary>What a file given to the build is for (the <c>EventMpmRole</c> item metadata set by build/EventMpm.targets).</summary>
internal static class FileRoles
{
    /// <summary>An <c>EventMpmConfig</c> item: a configuration file read from the top.</summary>
    public const string Main = "Main";
    /// <summary>A file that <c>Include</c> may name.</summary>
    public const string Include = "Include";
    /// <summary>The project file itself, to point diagnostics at a <c>Directive</c> item's line.</summary>
    public const string Project = "Project";
    /// <summary>The <c>Directive</c> items, one <c>Name&lt;TAB&gt;Value</c> per line, written under obj/.</summary>
    public const string Directives = "Directives";
    /// <summary>A PEM file under the project (*.pem, *.crt, *.key): a certificate or key the build can check.</summary>
    public const string Certificate = "Certificate";
}

/// <summary>One additional file's path, role and text: plain strings, so the pipeline caches by value.</summary>
internal sealed record ConfigFile(string Path, string Role, string Text);

/// <summary>The project-level facts the generator needs, from build properties.</summary>
internal sealed record ProjectInfo(string Directory, string ProjectFile, bool EmitEntryPoint);

/// <summary>Everything the configuration depends on.</summary>
internal sealed record GeneratorInput(EquatableArray<ConfigFile> Files, ProjectInfo Project);

/// <summary>What the emitter needs: the settings and the names of the files they came from.</summary>
internal sealed record EmitModel(ServerSettings Settings, EquatableArray<string> Sources, bool EmitEntryPoint, EquatableArray<HandlerCheck> Handlers);

/// <summary>
/// A SetHandler's C# type, looked up: its conf line, and either the problem (a diagnostic ID and
/// message) or the fully qualified name the emitted <c>new</c> uses.
/// </summary>
internal sealed record HandlerCheck(string TypeName, SourceLocation Location, string DiagnosticId, string Problem, string FullyQualifiedName)
{
    public static HandlerCheck Bad(HandlerReference reference, string id, string problem) => new(reference.TypeName, reference.Location, id, problem, "");

    public bool IsValid => DiagnosticId.Length == 0;
}
