namespace EventMpm.Configuration.Syntax;

/// <summary>One word of a directive line, unquoted and unescaped, with where it was written.</summary>
public sealed record Word(string Value, SourceLocation Location, bool Quoted);
