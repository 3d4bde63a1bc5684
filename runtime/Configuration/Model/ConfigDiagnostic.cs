namespace EventMpm.Configuration;

public enum DiagnosticLevel
{
    Info,
    Warning,
    Error,
}

/// <summary>One finding about the configuration, with the token it points at.</summary>
public sealed record ConfigDiagnostic(string Id, DiagnosticLevel Level, string Message, SourceLocation Location)
{
    public override string ToString()
        => Location + ": " + Level.ToString().ToLowerInvariant() + " " + Id + ": " + Message;
}
