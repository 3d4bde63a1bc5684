using System.IO;
using System.Linq;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;

namespace EventMpm.Generator.Tests;

/// <summary>The README's tables are the user's reference: they must list what the compiler knows.</summary>
public sealed class DocumentationTests
{
    private static readonly string[] s_readme = File.ReadAllLines(EmitterTests.Repo("README.md"));

    [Fact]
    public void Every_diagnostic_is_in_the_table_with_its_severity()
    {
        foreach (DiagnosticKind kind in DiagnosticCatalog.All)
        {
            string row = s_readme.SingleOrDefault(l => l.StartsWith("| " + kind.Id + " |")) ?? "";
            Assert.True(row.StartsWith("| " + kind.Id + " | " + kind.Level.ToString().ToLowerInvariant() + " |"), kind.Id + " is missing from README.md or has the wrong severity");
        }
    }

    [Fact]
    public void Every_directive_is_in_the_table()
    {
        foreach (DirectiveDefinition d in DirectiveCatalog.All)
        {
            Assert.True(s_readme.Any(l => l.StartsWith("| `" + d.Name + "` |")), d.Name + " is missing from README.md");
        }
    }
}
