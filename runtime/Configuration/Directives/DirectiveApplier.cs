using System.Collections.Generic;
using EventMpm.Configuration.Syntax;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// Checks one directive occurrence against the catalogue (name, argument count, context) and
/// applies it, noting where each value came from and when a later one replaces an earlier one.
/// </summary>
public sealed class DirectiveApplier
{
    private readonly SettingsBuilder _settings;
    private readonly DiagnosticBag _diagnostics;
    private readonly System.Func<SourceLocation, string> _origin;

    public DirectiveApplier(SettingsBuilder settings, DiagnosticBag diagnostics, System.Func<SourceLocation, string> origin)
    {
        _settings = settings;
        _diagnostics = diagnostics;
        _origin = origin;
    }

    /// <summary>The definition when the name, argument count and context are right; null after reporting.</summary>
    public DirectiveDefinition? Resolve(Word name, IReadOnlyList<Word> args, string? location)
    {
        DirectiveDefinition? definition = DirectiveCatalog.Find(name.Value, out bool alias);
        if (definition is null)
        {
            if (HttpdDirectives.Find(name.Value) is var (module, reason))
            {
                _diagnostics.Report(DiagnosticCatalog.UnsupportedFeature, name.Location,
                    name.Value + " is httpd's (" + module + "), not supported by EventMpm: " + reason);
                return null;
            }
            string? suggestion = DirectiveCatalog.Suggest(name.Value);
            _diagnostics.Report(DiagnosticCatalog.UnknownDirective, name.Location,
                "Invalid command '" + name.Value + "', perhaps misspelled or defined by a module not included in the server configuration"
                + (suggestion is null ? "" : " (did you mean '" + suggestion + "'?)"));
            return null;
        }
        if (alias)
        {
            _diagnostics.Report(DiagnosticCatalog.DeprecatedAlias, name.Location,
                name.Value + " is deprecated, use " + definition.Name + " (it means the same)");
        }
        foreach (Word arg in args)
        {
            // httpd reads "KeepAlive On # note" as three arguments: '#' begins a comment only at
            // the start of a line. Say so, rather than that On is wrong. (User and Group take "#uid".)
            if (arg.Quoted || !arg.Value.StartsWith("#", System.StringComparison.Ordinal)) continue;
            if (arg.Value.Length > 1 && char.IsDigit(arg.Value[1]) && definition.Name is "User" or "Group") continue;
            _diagnostics.Report(DiagnosticCatalog.InvalidValue, arg.Location, definition.Name + ": '" + arg.Value
                + "' is read as an argument, as httpd reads it: a '#' starts a comment only at the start of a line, so a comment must start its own line");
            return null;
        }
        string? countProblem = CheckCount(definition, args.Count);
        if (countProblem is not null)
        {
            _diagnostics.Report(DiagnosticCatalog.WrongArgumentCount, name.Location, countProblem);
            return null;
        }
        DirectiveContexts here = location is null ? DirectiveContexts.Server : DirectiveContexts.Location;
        if ((definition.Contexts & here) == 0)
        {
            _diagnostics.Report(DiagnosticCatalog.WrongContext, name.Location, location is null
                ? definition.Name + " is only allowed inside <Location> in EventMpm"
                : definition.Name + " cannot occur within <Location> section");
            return null;
        }
        return definition;
    }

    /// <summary>Applies a resolved directive; <paramref name="fromProject"/> marks a project-file item.</summary>
    public void Apply(DirectiveDefinition definition, Word name, IReadOnlyList<Word> args, string? location, bool fromProject)
    {
        int errorsBefore = _diagnostics.ErrorCount;
        definition.Apply(new DirectiveCall(definition, name, args, location, _settings, _diagnostics));
        if (_diagnostics.ErrorCount != errorsBefore) return;

        string key = location is null ? definition.Name : definition.Name + " " + location;
        if (!definition.Repeatable)
        {
            if (_settings.LastSet.TryGetValue(key, out var earlier))
            {
                if (fromProject && !earlier.FromProject)
                    _diagnostics.Report(DiagnosticCatalog.ProjectOverride, name.Location,
                        definition.Name + " from the project file overrides the value at " + earlier.Location);
                else
                    _diagnostics.Report(DiagnosticCatalog.DuplicateDirective, name.Location,
                        definition.Name + " was already set at " + earlier.Location + "; this later value is used");
                _settings.Written.RemoveAll(w => w.Name == definition.Name);
            }
            _settings.LastSet[key] = (name.Location, fromProject);
        }
        var value = new System.Text.StringBuilder();
        foreach (Word arg in args) value.Append(value.Length == 0 ? "" : " ").Append(AsWritten(arg));
        if (location is not null) value.Append(" (in <Location ").Append(location).Append(">)");
        _settings.Written.Add(new DirectiveValue(definition.Name, value.ToString(), _origin(name.Location)));
    }

    /// <summary>A word as an operator would write it again: quoted (with its quotes escaped) when it needs to be.</summary>
    private static string AsWritten(Word word)
        => word.Quoted || word.Value.Length == 0 || word.Value.IndexOf(' ') >= 0
            ? "\"" + word.Value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""
            : word.Value;

    /// <summary>httpd's argument-count messages (server/config.c invoke_cmd).</summary>
    private static string? CheckCount(DirectiveDefinition d, int n)
    {
        string name = d.Name;
        return d.Arity switch
        {
            Arity.One when n != 1 => name + " takes one argument, " + d.Help,
            Arity.Two when n != 2 => name + " takes two arguments, " + d.Help,
            Arity.OneOrTwo when n < 1 || n > 2 => name + " takes 1-2 arguments, " + d.Help,
            Arity.TwoOrThree when n < 2 || n > 3 => name + " takes 2-3 arguments, " + d.Help,
            Arity.OneOrMore when n < 1 => name + " requires at least one argument, " + d.Help,
            Arity.TwoOrMore when n < 2 => name + " requires at least two arguments, " + d.Help,
            Arity.Flag when n != 1 => name + " must be On or Off",
            _ => null,
        };
    }
}
