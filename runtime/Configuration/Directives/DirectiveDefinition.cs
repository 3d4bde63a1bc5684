using System;

namespace EventMpm.Configuration.Directives;

/// <summary>How many words a directive takes, with httpd's names for the shapes.</summary>
public enum Arity
{
    /// <summary>httpd's TAKE1.</summary>
    One,
    /// <summary>httpd's TAKE12.</summary>
    OneOrTwo,
    /// <summary>httpd's TAKE2.</summary>
    Two,
    /// <summary>httpd's TAKE23.</summary>
    TwoOrThree,
    /// <summary>httpd's ITERATE: one or more.</summary>
    OneOrMore,
    /// <summary>httpd's ITERATE2: a first word and one or more after it.</summary>
    TwoOrMore,
    /// <summary>httpd's FLAG: On or Off.</summary>
    Flag,
}

/// <summary>Where a directive may be written.</summary>
[Flags]
public enum DirectiveContexts
{
    /// <summary>Top level of the file ("server config" in httpd's documentation).</summary>
    Server = 1,
    /// <summary>Inside <c>&lt;Location&gt;</c>.</summary>
    Location = 2,
}

/// <summary>When a directive's value is decided.</summary>
public enum DirectiveScope
{
    /// <summary>Baked into the binary as a constant; <c>-C</c> refuses it.</summary>
    Compiled,
    /// <summary>Compiled in as a default that <c>-C</c> may replace at start.</summary>
    Deployment,
    /// <summary>Acts while the file is read (Define, Include, LoadModule); leaves no setting.</summary>
    Reading,
}

/// <summary>One row of the directive catalogue.</summary>
public sealed class DirectiveDefinition
{
    private static readonly ServerSettings s_defaults = new();
    private readonly string? _defaultText;

    /// <param name="defaultText">The default as written, for a directive without <see cref="Show"/>; null when <see cref="Show"/> says it.</param>
    public DirectiveDefinition(string name, Arity arity, DirectiveScope scope, string help, string? defaultText, Action<DirectiveCall>? apply,
        DirectiveContexts contexts = DirectiveContexts.Server, bool repeatable = false)
    {
        Name = name;
        Arity = arity;
        Scope = scope;
        Help = help;
        _defaultText = defaultText;
        Apply = apply ?? (_ => { });
        Contexts = contexts;
        Repeatable = repeatable;
    }

    /// <summary>The canonical spelling, as httpd's documentation writes it.</summary>
    public string Name { get; }

    public Arity Arity { get; }

    public DirectiveScope Scope { get; }

    /// <summary>The short description httpd prints after an argument-count error.</summary>
    public string Help { get; }

    /// <summary>The default as an operator would write it (httpd's, from <see cref="ServerSettings"/>'s initial values); empty when unset by default.</summary>
    public string DefaultText => _defaultText ?? Show?.Invoke(s_defaults) ?? "";

    /// <summary>The directive's compiled value as an operator would write it (for <c>-V</c>, and the default).</summary>
    public Func<ServerSettings, string>? Show { get; init; }

    /// <summary>The constants its value becomes (none for a deployment directive, a list, or one acting while reading).</summary>
    public CompiledConstant[] Constants { get; init; } = Array.Empty<CompiledConstant>();

    public Action<DirectiveCall> Apply { get; }

    public DirectiveContexts Contexts { get; }

    /// <summary>True when each occurrence adds (Listen, AddType); false when a later one replaces an earlier one.</summary>
    public bool Repeatable { get; }
}
