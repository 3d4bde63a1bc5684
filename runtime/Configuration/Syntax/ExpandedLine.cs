using System.Collections.Generic;
using System.Text;

namespace EventMpm.Configuration.Syntax;

/// <summary>
/// A logical line after <c>${NAME}</c> substitution (httpd's <c>ap_resolve_env</c>, which runs
/// before the line is split into words). Keeps the map back to the written text so a word that
/// came from a variable still points at the <c>${NAME}</c> that produced it.
/// </summary>
public sealed class ExpandedLine
{
    private readonly LogicalLine _line;
    private readonly List<Substitution> _substitutions;

    private ExpandedLine(LogicalLine line, string text, List<Substitution> substitutions)
    {
        _line = line;
        Text = text;
        _substitutions = substitutions;
    }

    public string Text { get; }

    public SourceLocation Locate(int offset, int length)
    {
        int start = ToWritten(offset);
        int end = ToWritten(offset + length);
        return _line.Locate(start, end > start ? end - start : length);
    }

    private int ToWritten(int offset)
    {
        int delta = 0;
        foreach (Substitution s in _substitutions)
        {
            if (offset < s.ExpandedStart) break;
            if (offset < s.ExpandedStart + s.ExpandedLength) return s.WrittenStart;
            delta += s.WrittenLength - s.ExpandedLength;
        }
        return offset + delta;
    }

    /// <summary>
    /// Replaces each <c>${NAME}</c> with its value; an unknown name is left as written and
    /// reported through <paramref name="undefined"/> (httpd's AH00111 warning).
    /// </summary>
    public static ExpandedLine Expand(LogicalLine line, IReadOnlyDictionary<string, string> variables, System.Action<string, SourceLocation> undefined)
    {
        string text = line.Text;
        if (text.IndexOf("${", System.StringComparison.Ordinal) < 0)
        {
            return new ExpandedLine(line, text, new List<Substitution>());
        }
        var result = new StringBuilder();
        var substitutions = new List<Substitution>();
        int i = 0;
        while (i < text.Length)
        {
            int open = text.IndexOf("${", i, System.StringComparison.Ordinal);
            int close = open < 0 ? -1 : text.IndexOf('}', open + 2);
            if (open < 0 || close < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }
            result.Append(text, i, open - i);
            string name = text.Substring(open + 2, close - open - 2);
            int writtenLength = close + 1 - open;
            if (name.Length > 0 && name.IndexOf(':') < 0 && variables.TryGetValue(name, out string? value))
            {
                substitutions.Add(new Substitution(result.Length, value.Length, open, writtenLength));
                result.Append(value);
            }
            else
            {
                undefined(name, line.Locate(open, writtenLength));
                result.Append(text, open, writtenLength);
            }
            i = close + 1;
        }
        return new ExpandedLine(line, result.ToString(), substitutions);
    }

    private readonly record struct Substitution(int ExpandedStart, int ExpandedLength, int WrittenStart, int WrittenLength);
}
