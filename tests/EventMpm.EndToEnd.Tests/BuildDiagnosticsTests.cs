using System;
using System.IO;
using System.Linq;

namespace EventMpm.EndToEnd.Tests;

/// <summary>
/// A real <c>dotnet build</c> of a project like the StaticSite example, with a mistake in its
/// configuration: the build output carries <c>file(line,col): error EMPMnnn</c> as for C#.
/// </summary>
[Collection(DotnetCollection.Name)]
public sealed class BuildDiagnosticsTests : IDisposable
{
    private readonly string _project = Path.Combine(Path.GetTempPath(), "eventmpm-build-" + Guid.NewGuid().ToString("N")[..8]);

    public BuildDiagnosticsTests() => Directory.CreateDirectory(_project);

    public void Dispose() => Directory.Delete(_project, recursive: true);

    /// <summary>The example's project file with its relative paths pointed back into the repository.</summary>
    private string WriteProject(string conf, string directives = "")
    {
        string csproj = File.ReadAllText(Tool.Repo("examples/StaticSite/StaticSite.csproj"))
            .Replace("../../", Tool.Repo("") + "/")
            .Replace("<EventMpmConfig Include=\"httpd.conf\" />", "<EventMpmConfig Include=\"httpd.conf\" />" + directives);
        File.WriteAllText(Path.Combine(_project, "Site.csproj"), csproj);
        File.WriteAllText(Path.Combine(_project, "httpd.conf"), conf);
        return Path.Combine(_project, "Site.csproj");
    }

    private static string ExampleConf => File.ReadAllText(Tool.Repo("examples/StaticSite/httpd.conf"));

    [Fact]
    public void A_build_says_the_capacity_it_compiled_at_normal_verbosity()
    {
        WriteProject(ExampleConf);

        Tool.Result build = Tool.Dotnet("build", _project);

        Assert.True(build.ExitCode == 0, build.All);
        Assert.Contains("Site: EventMpm compiled 6 processes x 25 threads = 150 workers; at most 450 connections", build.Output);
    }

    [Fact]
    public void A_misspelt_directive_fails_the_build_at_its_line_naming_the_right_one()
    {
        string conf = ExampleConf.Replace("KeepAliveTimeout 5", "KeepAliveTimeut 5");
        int line = conf.Split('\n').ToList().FindIndex(l => l.StartsWith("KeepAliveTimeut", StringComparison.Ordinal)) + 1;
        WriteProject(conf);

        Tool.Result build = Tool.Dotnet("build", _project);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"httpd.conf({line},1): error EMPM001: Invalid command 'KeepAliveTimeut'", build.All);
        Assert.Contains("did you mean 'KeepAliveTimeout'?", build.All);
    }

    [Fact]
    public void ThreadsPerChild_above_ThreadLimit_builds_with_a_warning_naming_the_value_used()
    {
        string conf = ExampleConf.Replace("ThreadsPerChild         25", "ThreadsPerChild        100").Replace("MaxRequestWorkers      150", "MaxRequestWorkers      640");
        int line = conf.Split('\n').ToList().FindIndex(l => l.Contains("ThreadsPerChild        100")) + 1;
        WriteProject(conf);

        Tool.Result build = Tool.Dotnet("build", _project);

        Assert.True(build.ExitCode == 0, build.All);
        Assert.Contains($"httpd.conf({line},5): warning EMPM054: ThreadsPerChild of 100 exceeds ThreadLimit of 64 threads, decreasing to 64.", build.All);
    }

    [Fact]
    public void A_bad_project_file_directive_fails_the_build_naming_the_project_file()
    {
        string project = WriteProject(ExampleConf, "\n    <Directive Include=\"MaxKeepAliveRequests\" Value=\"lots\" />");
        int line = File.ReadAllLines(project).ToList().FindIndex(l => l.Contains("<Directive Include=\"MaxKeepAliveRequests\"")) + 1;

        Tool.Result build = Tool.Dotnet("build", _project);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"Site.csproj({line},5): error EMPM003: MaxKeepAliveRequests takes a whole number, not 'lots'", build.All);
    }
}

[CollectionDefinition(Name)]
public sealed class DotnetCollection
{
    /// <summary>Builds share the repository's obj folders, so these tests run one at a time.</summary>
    public const string Name = "dotnet builds";
}
