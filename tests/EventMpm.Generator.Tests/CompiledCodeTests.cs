extern alias generator;

using System.Collections.Generic;
using System.IO;
using System.Linq;
using EventMpm.Configuration;
using EventMpm.Configuration.Syntax;
using Microsoft.CodeAnalysis;
using GeneratorInput = generator::EventMpm.Generator.GeneratorInput;
using ProjectInfo = generator::EventMpm.Generator.ProjectInfo;
using ConfigGenerator = generator::EventMpm.Generator.ConfigGenerator;

namespace EventMpm.Generator.Tests;

/// <summary>The emitted code compiles against the runtime, and reading it back gives the settings the compiler decided.</summary>
public sealed class CompiledCodeTests
{
    [Fact]
    public void The_StaticSite_configuration_reads_back_exactly()
    {
        string conf = File.ReadAllText(EmitterTests.Repo("examples/StaticSite/httpd.conf"));
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf(conf));

        ServerSettings readBack = run.ReadBack();

        ConfigResult expected = ConfigCompiler.Compile(new OneFile(TestProject.MainPath, conf), new[] { TestProject.MainPath }, new List<ProjectDirective>(), TestProject.Directory);
        Assert.Equal(expected.Settings, readBack);
        Assert.Equal((25, 150, 2, 5_000), (readBack.ThreadsPerChild, readBack.MaxRequestWorkers, readBack.StartServers, readBack.KeepAliveTimeoutMilliseconds));
        Assert.Equal(new ListenAddress("", 8080), Assert.Single(readBack.Deployment.Listen));
        Assert.Contains(new DirectiveValue("ThreadsPerChild", "25", "httpd.conf:15"), readBack.Directives);
    }

    [Fact]
    public void Clamped_values_are_emitted_as_the_server_will_use_them()
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 80\nThreadLimit 64\nThreadsPerChild 100\n"));

        ServerSettings s = run.ReadBack();

        // MaxRequestWorkers keeps httpd's 400, which is then rounded down to a multiple of 64.
        Assert.Equal((64, 64, 384), (s.ThreadLimit, s.ThreadsPerChild, s.MaxRequestWorkers));
        Assert.Contains(s.Warnings, w => w.Contains("ThreadsPerChild of 100 exceeds ThreadLimit of 64 threads, decreasing to 64."));
        Assert.Contains("public static int ThreadsPerChild => 64; // httpd.conf:3: ThreadsPerChild 100", run.Source);
    }

    [Fact]
    public void The_entry_point_runs_httpds_command_line()
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 127.0.0.1:8181\n"));
        var main = run.Load().GetType("EventMpm.Generated.EventMpmProgram", throwOnError: true)!
            .GetMethod("Main", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var output = new StringWriter();
        TextWriter previous = System.Console.Out;
        System.Console.SetOut(output);
        try
        {
            Assert.Equal(0, main.Invoke(null, new object[] { new[] { "-V" } }));
        }
        finally
        {
            System.Console.SetOut(previous);
        }
        Assert.Contains("127.0.0.1:8181", output.ToString());
    }

    [Fact]
    public void A_failure_inside_the_compiler_is_reported_not_thrown()
    {
        var (result, _) = ConfigGenerator.Parse(new GeneratorInput(null!, new ProjectInfo("/src", "/src/a.csproj", true)), default);

        var d = Assert.Single(result!.Diagnostics);
        Assert.Equal(("EMPM099", "Error"), (d.Id, d.Level.ToString()));
        Assert.Contains("please report this", d.Message);
    }

    [Fact]
    public void Random_configurations_never_make_the_generator_throw()
    {
        var random = new System.Random(20261127);
        string[] fragments = { "Listen 80\n", "<IfModule x>\n", "</IfModule>\n", "<Location /a>\n", "</Location>\n", "SetHandler server-status\n", "\"", "\\\n", "${A}", "Define A 1\n", "ThreadsPerChild ", "abc", "-3", "\n", "Include *.conf\n", "#", ">", "<" };
        for (int i = 0; i < 150; i++)
        {
            string conf = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => fragments[random.Next(fragments.Length)]));
            GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf(conf));
            Assert.Null(run.Result.Results[0].Exception);
            Assert.DoesNotContain(run.Diagnostics, d => d.Id is "EMPM099" or "CS8785");
            Assert.Single(run.Result.GeneratedTrees);
        }
    }

    /// <summary>One in-memory file, for running the shared compiler beside the generator.</summary>
    private sealed class OneFile(string path, string text) : IConfigFileSource
    {
        public IEnumerable<string> Files => new[] { path };

        public string SearchScope => "test";

        public bool TryRead(string p, out string t)
        {
            t = p == path ? text : "";
            return p == path;
        }
    }
}
