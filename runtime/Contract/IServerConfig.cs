using System.Collections.Generic;
using EventMpm.Configuration;

namespace EventMpm.Contract;

/// <summary>
/// The contract the generator's <c>CompiledConfig</c> implements. The runtime is generic over
/// <c>TConfig : struct, IServerConfig</c>, so under NativeAOT each member below is a constant
/// folded into the code that reads it (the listener loop, the worker pool, the admission check).
/// The members mirror <see cref="ServerSettings"/>; <see cref="CompiledSettings.Read{TConfig}"/>
/// turns them back into one. The generator implements every member; the defaults (httpd's) let
/// a test describe a server by the few values it cares about.
/// </summary>
public partial interface IServerConfig
{
    // One static virtual member per directive constant (DirectiveCatalog's rows) is generated
    // into the other part of this interface when the runtime is compiled.

    // Lists and text: read once at start, not on the request path.
    static virtual IReadOnlyList<string> DirectoryIndex => new ServerSettings().DirectoryIndex;
    static virtual IReadOnlyList<LogFormatSpec> LogFormats => System.Array.Empty<LogFormatSpec>();
    static virtual IReadOnlyList<MimeMapping> AddType => System.Array.Empty<MimeMapping>();
    static virtual IReadOnlyList<LocationSpec> Locations => System.Array.Empty<LocationSpec>();
    static virtual IReadOnlyList<HeaderRule> Headers => System.Array.Empty<HeaderRule>();

    /// <summary>
    /// What an edit or edit* rule (by its place in <see cref="Headers"/>) makes of a field's value:
    /// the generator compiles each rule's pattern into this member, so only a server with such
    /// rules carries a regular-expression engine.
    /// </summary>
    static virtual string EditHeader(int rule, string value) => value;
    static virtual IReadOnlyList<RedirectRule> Redirects => System.Array.Empty<RedirectRule>();

    /// <summary>A RedirectMatch (by its place in <see cref="Redirects"/>) matched against a decoded path: its URL with the groups put in, or null when it does not match. Generated per configuration, as EditHeader.</summary>
    static virtual string? RedirectTo(int rule, string path) => null;

    /// <summary>A ProxyPassMatch (by its place among the compiled ProxyPass lines) matched against a decoded path: its URL with the groups put in, or null. Generated, as RedirectTo.</summary>
    static virtual string? ProxyTo(int rule, string path) => null;

    /// <summary>An AliasMatch (by its place in <see cref="Aliases"/>) matched against a decoded path: its file path with the groups put in, or null. Generated, as RedirectTo.</summary>
    static virtual string? AliasTo(int rule, string path) => null;
    static virtual IReadOnlyList<ErrorDocumentRule> ErrorDocuments => System.Array.Empty<ErrorDocumentRule>();
    static virtual IReadOnlyList<ExpiresRule> Expires => System.Array.Empty<ExpiresRule>();
    static virtual IReadOnlyList<AliasRule> Aliases => System.Array.Empty<AliasRule>();

    /// <summary>
    /// Makes the C# handler a SetHandler names by its full type name: the generator emits one
    /// <c>new</c> per handler it checked, so no reflection runs (NativeAOT keeps what it sees).
    /// </summary>
    static virtual Handlers.IRequestHandler? CreateHandler(string typeName) => null;

    /// <summary>The compiled defaults of what <c>-C</c> may change at start.</summary>
    static virtual DeploymentSettings Deployment => new();

    /// <summary>Every directive's value and origin, for <c>-V</c>.</summary>
    static virtual IReadOnlyList<DirectiveValue> Directives => System.Array.Empty<DirectiveValue>();

    /// <summary>The compile-time warnings, which <c>-t</c> prints again as httpd prints its clamps.</summary>
    static virtual IReadOnlyList<string> Warnings => System.Array.Empty<string>();

    /// <summary>The files the configuration was compiled from.</summary>
    static virtual IReadOnlyList<string> Sources => System.Array.Empty<string>();
}
