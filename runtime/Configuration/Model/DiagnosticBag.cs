using System.Collections.Generic;

namespace EventMpm.Configuration;

/// <summary>Collects diagnostics in the order they were found.</summary>
public sealed class DiagnosticBag
{
    private readonly List<ConfigDiagnostic> _items = new();

    public IReadOnlyList<ConfigDiagnostic> Items => _items;

    public int ErrorCount { get; private set; }

    public bool HasErrors => ErrorCount > 0;

    public void Report(DiagnosticKind kind, SourceLocation location, string message)
    {
        _items.Add(new ConfigDiagnostic(kind.Id, kind.Level, message, location));
        if (kind.Level == DiagnosticLevel.Error) ErrorCount++;
    }
}
