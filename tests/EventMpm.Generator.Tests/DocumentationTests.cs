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

    /// <summary>The table's rows are directives EventMpm has, and a default written as a value is the compiler's.</summary>
    [Fact]
    public void Every_row_of_the_table_is_a_directive_with_its_default()
    {
        int start = System.Array.IndexOf(s_readme, "| Directive | Default | When decided | What the compiler checks |");
        Assert.True(start >= 0, "the directive table is gone from README.md");
        var rows = s_readme.Skip(start + 2).TakeWhile(l => l.StartsWith("| `")).ToList();
        Assert.Equal(DirectiveCatalog.All.Count(), rows.Count);
        foreach (string row in rows)
        {
            string[] cells = row.Split(" | ");
            string name = cells[0].Trim('|', ' ', '`');
            DirectiveDefinition? d = DirectiveCatalog.All.SingleOrDefault(x => x.Name == name);
            Assert.True(d is not null, name + " is in README.md's table but is no directive of EventMpm's");
            // A default in backticks is a value; in words ("(none)", "the binary's folder") it is a description.
            if (cells[1].StartsWith("`") && d!.DefaultText.Length > 0)
            {
                Assert.True(cells[1] == "`" + d.DefaultText + "`", $"{name}: README.md says {cells[1]}, the compiler's default is {d.DefaultText}");
            }
        }
    }
}
