namespace EventMpm.Configuration;

/// <summary>Where a token came from: a file, 1-based line and column, and its length in characters.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column, int Length)
{
    public static readonly SourceLocation None = new("", 0, 0, 0);

    public bool IsNone => Line == 0;

    /// <summary>The MSBuild / compiler form: <c>file(line,col)</c>.</summary>
    public override string ToString() => IsNone ? "(none)" : File + "(" + Line + "," + Column + ")";
}
