using System;
using System.IO;
using EventMpm.Contract;
using EventMpm.Configuration;
using EventMpm.Generated;
using EventMpm.Hosting;

namespace EventMpm.Runtime.Tests.Hosting;

/// <summary>
/// The command line over a real CompiledConfig: this test project's test.conf, compiled by the
/// generator during its build, plus a ServerName Directive item in its project file.
/// </summary>
public sealed class ServerHostTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = ServerHost.Run<CompiledConfig>(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_compiled_values_are_the_files_after_httpds_checks()
    {
        ServerSettings s = CompiledSettings.Read<CompiledConfig>();
        Assert.Equal((10, 40, 32), (s.ThreadsPerChild, s.MaxRequestWorkers, s.ThreadLimit));
        Assert.Equal("test.example", s.Deployment.ServerName);
        Assert.Equal(new ListenAddress("127.0.0.1", 18080), Assert.Single(s.Deployment.Listen));
        Assert.Equal(new[] { "test.conf" , "EventMpm.Runtime.Tests.csproj (Directive items)" }, CompiledConfig.Sources);
    }

    [Fact]
    public void Dash_V_lists_compiled_settings_and_every_directive_with_its_origin()
    {
        var (exit, output, _) = Run("-V");
        Assert.Equal(0, exit);
        Assert.Contains("Server MPM:     event", output);
        Assert.Matches(@"\n  ThreadsPerChild +10\n", output);
        Assert.Matches(@"\n  ThreadsPerChild +10 +test\.conf:4\n", output);
        Assert.Matches(@"\n  ServerLimit +16 +default\n", output);
        Assert.Matches(@"\n  ServerName +test\.example +EventMpm\.Runtime\.Tests\.csproj:\d+\n", output);
        Assert.Contains("4 processes x 10 threads = 40 workers; at most 120 connections", output);
    }

    [Fact]
    public void Dash_C_Listen_replaces_the_compiled_address()
    {
        var (exit, output, _) = Run("-C", "Listen 127.0.0.1:9000", "-V");
        Assert.Equal(0, exit);
        Assert.Matches(@"\n  Listen +127\.0\.0\.1:9000 +-C\n", output);
        Assert.DoesNotContain("18080", output);
    }

    [Fact]
    public void Dash_C_reads_environment_variables_like_httpd()
    {
        Environment.SetEnvironmentVariable("EVENTMPM_TEST_DOCROOT", "/srv/from-env");
        var (exit, output, _) = Run("-C", "DocumentRoot ${EVENTMPM_TEST_DOCROOT}", "-V");
        Assert.Equal(0, exit);
        Assert.Matches(@"\n  DocumentRoot +/srv/from-env\n", output);
    }

    [Theory]
    [InlineData("ThreadsPerChild 5", "EMPM080", "ThreadsPerChild is compiled into this binary and cannot be changed with -C")]
    [InlineData("Include other.conf", "EMPM080", "Include is compiled into this binary")]
    [InlineData("Listen 99999", "EMPM004", "port 99999 is out of range")]
    [InlineData("Listen", "EMPM002", "Listen takes 1-2 arguments")]
    [InlineData("DocumentRooot /srv", "EMPM001", "did you mean 'DocumentRoot'")]
    [InlineData("User \"bad name\"", "EMPM005", "is not a user or group name")]
    public void Dash_C_refuses_what_it_cannot_apply(string directive, string id, string message)
    {
        var (exit, _, error) = Run("-C", directive, "-t");
        Assert.Equal(1, exit);
        Assert.Contains("(" + id + ")", error);
        Assert.Contains(message, error);
        Assert.DoesNotContain("Syntax OK", error);
    }

    [Fact]
    public void Dash_t_refuses_a_missing_DocumentRoot_as_a_start_would()
    {
        var (exit, _, error) = Run("-t", "-C", "DocumentRoot /nonexistent/eventmpm-test");
        Assert.Equal(1, exit);
        Assert.Contains("DocumentRoot '/nonexistent/eventmpm-test' is not a directory, or is not readable", error);
        Assert.DoesNotContain("Syntax OK", error);
    }

    [Fact]
    public void An_unknown_option_prints_usage_and_fails()
    {
        var (exit, _, error) = Run("-Z");
        Assert.Equal(1, exit);
        Assert.Contains("illegal option -- 'Z'", error);
        Assert.Contains("-C \"directive\"", error);
    }
}
