using System.Linq;
using EventMpm.Configuration;

namespace EventMpm.Runtime.Tests.Configuration;

/// <summary>Include and IncludeOptional: paths, wildcards, directories, recursion.</summary>
public sealed class IncludeTests
{
    [Fact]
    public void Wildcards_include_matching_files_in_alphabetical_order()
    {
        var files = new MemoryFileSource()
            .Add("conf.d/b.conf", "ThreadsPerChild 7\n")
            .Add("conf.d/a.conf", "ThreadsPerChild 5\nMaxRequestWorkers 35\n")
            .Add("conf.d/notes.txt", "this is not configuration\n");

        ConfigResult result = MemoryFileSource.Compile("Listen 80\nInclude conf.d/*.conf\n", files);

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal(7, result.Settings.ThreadsPerChild);
        ConfigDiagnostic twice = Assert.Single(result.Diagnostics, d => d.Id == "EMPM030");
        Assert.Equal("/etc/site/conf.d/b.conf", twice.Location.File);
    }

    [Fact]
    public void A_directory_includes_every_file_beneath_it()
    {
        var files = new MemoryFileSource().Add("extra/one.conf", "Listen 81\n").Add("extra/deeper/two.conf", "Listen 82\n");

        ConfigResult result = MemoryFileSource.Compile("Listen 80\nInclude extra\n", files);

        Assert.Equal(new[] { 80, 82, 81 }, result.Settings.Deployment.Listen.Select(l => l.Port));
    }

    [Fact]
    public void Relative_paths_resolve_under_ServerRoot_then_beside_the_including_file()
    {
        var files = new MemoryFileSource()
            .Add("/opt/web/conf/ports.conf", "Listen 90\n")
            .Add("conf/extra/mpm.conf", "Include limits.conf\n")
            .Add("conf/extra/limits.conf", "ThreadsPerChild 8\nMaxRequestWorkers 32\n");

        ConfigResult result = MemoryFileSource.Compile("Include conf/extra/mpm.conf\nServerRoot /opt/web\nInclude conf/ports.conf\n", files);

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal(8, result.Settings.ThreadsPerChild);
        Assert.Equal(90, result.Settings.Deployment.Listen.Single().Port);
    }

    [Fact]
    public void IncludeOptional_ignores_a_missing_file_and_an_empty_wildcard()
    {
        ConfigResult result = MemoryFileSource.Compile("Listen 80\nIncludeOptional conf/local.conf\nIncludeOptional sites/*.conf\n");
        Assert.DoesNotContain(result.Diagnostics, d => d.Level != DiagnosticLevel.Info);
    }

    [Fact]
    public void Mutual_inclusion_is_stopped()
    {
        var files = new MemoryFileSource().Add("a.conf", "Include b.conf\n").Add("b.conf", "Include a.conf\n");

        ConfigResult result = MemoryFileSource.Compile("Listen 80\nInclude a.conf\n", files);

        ConfigDiagnostic d = Assert.Single(result.Diagnostics, x => x.Id == "EMPM022");
        Assert.Equal(("/etc/site/b.conf", 1), (d.Location.File, d.Location.Line));
        Assert.Contains("httpd.conf -> a.conf -> b.conf", d.Message);
    }

    [Fact]
    public void A_section_must_close_in_the_file_that_opened_it()
    {
        var files = new MemoryFileSource().Add("open.conf", "<Location /x>\n");

        ConfigResult result = MemoryFileSource.Compile("Listen 80\nInclude open.conf\n</Location>\n", files);

        Assert.Contains(result.Diagnostics, d => d.Id == "EMPM013" && d.Location.File == "/etc/site/open.conf");
        Assert.Contains(result.Diagnostics, d => d.Id == "EMPM011" && d.Location.Line == 3);
    }
}
