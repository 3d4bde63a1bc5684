using System.Linq;
using EventMpm.Configuration;

namespace EventMpm.Runtime.Tests.Configuration;

/// <summary>httpd's file syntax (config.c: ap_build_config(), util.c: ap_getword_conf()), read through the shared compiler.</summary>
public sealed class SyntaxTests
{
    private static ServerSettings Clean(string conf, MemoryFileSource? files = null)
    {
        ConfigResult result = MemoryFileSource.Compile(conf, files);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Settings;
    }

    private static ConfigDiagnostic Single(ConfigResult result, string id) => Assert.Single(result.Diagnostics, d => d.Id == id);

    [Fact]
    public void Backslash_continuation_joins_lines_and_keeps_token_positions()
    {
        Assert.Equal(9000, Clean("Listen \\\n   9000\n").Deployment.Listen[0].Port);

        ConfigDiagnostic d = Single(MemoryFileSource.Compile("Listen 80\nThreadsPerChild \\\n   abc\n"), "EMPM003");
        Assert.Equal((3, 4), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Windows_line_ends_are_read_like_unix_ones()
        => Assert.Equal(12, Clean("Listen 80\r\nThreadsPerChild 12\r\nMaxRequestWorkers 48\r\n").ThreadsPerChild);

    [Fact]
    public void A_hash_after_a_directive_is_an_argument_not_a_comment()
    {
        // Said as such, not as a wrong count or value (httpd says "takes one argument").
        ConfigDiagnostic d = Single(MemoryFileSource.Compile("Listen 80\nStartServers 2 # two\n"), "EMPM005");
        Assert.Equal("StartServers: '#' is read as an argument, as httpd reads it: a '#' starts a comment only at the start of a line, so a comment must start its own line", d.Message);
        Assert.Equal((2, 16), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Comment_lines_may_be_indented_and_a_trailing_backslash_swallows_the_next_line()
    {
        ServerSettings s = Clean("Listen 80\n    # indented comment\n# comment \\\nThreadsPerChild abc\n");
        Assert.Equal(25, s.ThreadsPerChild);
    }

    [Fact]
    public void Quotes_group_words_and_unescape_their_quote_and_backslash()
    {
        ServerSettings s = Clean("Listen 80\nThreadsPerChild \"10\"\nMaxRequestWorkers '40'\nDocumentRoot \"/srv/my site\"\nLogFormat \"%h \\\"%r\\\"\" quoted\n");
        Assert.Equal(10, s.ThreadsPerChild);
        Assert.Equal(40, s.MaxRequestWorkers);
        Assert.Equal("/srv/my site", s.Deployment.DocumentRoot);
        Assert.Equal("%h \"%r\"", s.LogFormats.Single(f => f.Nickname == "quoted").Format);
    }

    [Fact]
    public void Directive_names_are_case_insensitive()
        => Assert.Equal(16, Clean("LISTEN 80\nthreadsperchild 16\nMaxRequestWorkers 64\n").ThreadsPerChild);

    [Fact]
    public void Define_sets_variables_for_later_lines_and_IfDefine()
    {
        ServerSettings s = Clean("Define PORT 9090\nDefine LOWLOAD\nListen ${PORT}\n<IfDefine LOWLOAD>\n  ThreadsPerChild 5\n  MaxRequestWorkers 20\n</IfDefine>\n<IfDefine !LOWLOAD>\n  ThreadsPerChild 50\n</IfDefine>\n");
        Assert.Equal(9090, s.Deployment.Listen[0].Port);
        Assert.Equal(5, s.ThreadsPerChild);
    }

    [Fact]
    public void An_undefined_variable_is_left_as_written_with_a_warning()
    {
        ConfigResult result = MemoryFileSource.Compile("Listen 80\nDocumentRoot ${WWW}/htdocs\n");
        Assert.Equal(DiagnosticLevel.Warning, Single(result, "EMPM023").Level);
        Assert.Equal("${WWW}/htdocs", result.Settings.Deployment.DocumentRoot);
    }

    [Fact]
    public void IfModule_is_decided_while_reading_and_a_false_section_is_not_parsed()
    {
        ServerSettings s = Clean("Listen 80\n<IfModule mod_status.c>\n  ExtendedStatus Off\n</IfModule>\n<IfModule rewrite_module>\n  RewriteEngine on\n  <Nested>\n  </Nested>\n</IfModule>\n<IfModule !mpm_prefork_module>\n  <IfModule mpm_event_module>\n    ThreadsPerChild 20\n    MaxRequestWorkers 80\n  </IfModule>\n</IfModule>\n");
        Assert.False(s.ExtendedStatus);
        Assert.Equal(20, s.ThreadsPerChild);
    }

    [Fact]
    public void IfDirective_tests_the_catalogue()
        => Assert.Equal(30, Clean("Listen 80\n<IfDirective AsyncRequestWorkerFactor>\n ThreadsPerChild 30\n MaxRequestWorkers 60\n</IfDirective>\n<IfDirective H2Push>\n H2Push on\n</IfDirective>\n").ThreadsPerChild);

    [Fact]
    public void Location_sections_bind_handlers()
    {
        ServerSettings s = Clean("Listen 80\n<Location /server-status>\n    SetHandler server-status\n</Location>\n<Location /files>\n    SetHandler none\n</Location>\n");
        Assert.Equal(new[] { new LocationSpec("/server-status", "server-status"), new LocationSpec("/files", "default-handler") }, s.Locations);
    }

    [Fact]
    public void A_later_value_replaces_an_earlier_one_and_is_reported()
    {
        ConfigResult result = MemoryFileSource.Compile("Listen 80\nKeepAliveTimeout 5\nKeepAliveTimeout 15\n");
        Assert.Equal(15_000, result.Settings.KeepAliveTimeoutMilliseconds);
        Assert.Contains("already set at /etc/site/httpd.conf(2,1)", Single(result, "EMPM030").Message);
    }

    [Fact]
    public void Project_file_directives_apply_after_the_file()
    {
        var item = new SourceLocation("/etc/site/Site.csproj", 7, 5, 40);
        ConfigResult result = MemoryFileSource.Compile("Listen 80\nKeepAliveTimeout 5\n", null,
            new ProjectDirective("KeepAliveTimeout", "2", item), new ProjectDirective("Listen", "127.0.0.1:81", item));
        Assert.Equal(2_000, result.Settings.KeepAliveTimeoutMilliseconds);
        Assert.Equal(new[] { 80, 81 }, result.Settings.Deployment.Listen.Select(l => l.Port));
        Assert.Equal(item, Single(result, "EMPM031").Location);
        Assert.Contains(result.Settings.Directives, d => d.Name == "KeepAliveTimeout" && d.Value == "2" && d.Origin == "Site.csproj:7");
    }

    [Fact]
    public void Every_directive_reports_its_origin_or_default()
    {
        ServerSettings s = Clean("Listen 80\nThreadsPerChild 20\nMaxRequestWorkers 80\n");
        Assert.Contains(new DirectiveValue("ThreadsPerChild", "20", "httpd.conf:2"), s.Directives);
        Assert.Contains(new DirectiveValue("ServerLimit", "16", "default"), s.Directives);
    }
}
