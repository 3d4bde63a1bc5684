using System.Collections.Generic;
using System.Globalization;
using EventMpm.Configuration.Syntax;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// One directive occurrence being applied: its words, the settings it writes to, and the
/// helpers that read its values strictly and report at the offending word.
/// </summary>
public sealed class DirectiveCall
{
    internal DirectiveCall(DirectiveDefinition definition, Word name, IReadOnlyList<Word> args, string? location, SettingsBuilder settings, DiagnosticBag diagnostics)
    {
        Definition = definition;
        Name = name;
        Args = args;
        Location = location;
        Settings = settings;
        Diagnostics = diagnostics;
    }

    public DirectiveDefinition Definition { get; }

    public Word Name { get; }

    public IReadOnlyList<Word> Args { get; }

    /// <summary>The enclosing <c>&lt;Location&gt;</c> path, or null at top level.</summary>
    public string? Location { get; }

    public SettingsBuilder Settings { get; }

    public DiagnosticBag Diagnostics { get; }

    public string Arg(int index) => Args[index].Value;

    public void Error(DiagnosticKind kind, int argIndex, string message)
        => Diagnostics.Report(kind, argIndex < 0 ? Name.Location : Args[argIndex].Location, message);

    /// <summary>A whole number at least <paramref name="min"/>, or null after reporting why not.</summary>
    public long? Number(int index, long min, long max = int.MaxValue)
    {
        string text = Arg(index);
        if (!ValueParsers.TryParseWhole(text, out long value))
        {
            string atoi = ValueParsers.AtoiPrefix(text).ToString(CultureInfo.InvariantCulture);
            Error(DiagnosticCatalog.NotANumber, index, Definition.Name + " takes a whole number, not '" + text + "' (httpd would silently read it as " + atoi + ")");
            return null;
        }
        if (value < min)
        {
            string what = min == 0 ? "must not be negative" : "must be at least " + min.ToString(CultureInfo.InvariantCulture);
            Error(DiagnosticCatalog.OutOfRange, index, Definition.Name + " " + what + ", not " + text);
            return null;
        }
        if (value > max)
        {
            Error(DiagnosticCatalog.OutOfRange, index, Definition.Name + " must be at most " + max.ToString(CultureInfo.InvariantCulture) + ", not " + text);
            return null;
        }
        return value;
    }

    /// <summary>A count that fits an int and is not negative.</summary>
    public int? Count(int index) => (int?)Number(index, 0);

    public bool? Flag()
    {
        if (ValueParsers.IsFlag(Arg(0), out bool on)) return on;
        Error(DiagnosticCatalog.InvalidValue, 0, Definition.Name + " must be On or Off, not '" + Arg(0) + "'");
        return null;
    }

    /// <summary>A duration in milliseconds; a bare number is seconds, as in httpd.</summary>
    public int? Milliseconds(int index)
    {
        string? problem = ValueParsers.ParseTimeout(Arg(index), 1000, out long ms);
        if (problem is null) return (int)ms;
        Error(DiagnosticCatalog.InvalidValue, index, Definition.Name + " " + problem);
        return null;
    }

    /// <summary>A non-empty word (a path or a name).</summary>
    public string? Text(int index)
    {
        if (Arg(index).Length > 0) return Arg(index);
        Error(DiagnosticCatalog.InvalidValue, index, Definition.Name + " needs a non-empty value");
        return null;
    }
}
