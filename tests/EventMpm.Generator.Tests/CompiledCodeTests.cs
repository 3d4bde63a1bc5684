extern alias generator;

using System.Collections.Generic;
using System.IO;
using System.Linq;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
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
        Assert.Equal(new[] { new ListenAddress("", 8080), new ListenAddress("", 8443, "https") }, readBack.Deployment.Listen.ToArray());
        Assert.True(readBack.SSLEngine);
        Assert.Equal(new[] { ("tls/localhost.pem", "tls/localhost.key") }, readBack.Deployment.CertificatePairs().ToArray());
        int line = System.Array.FindIndex(conf.Split('\n'), l => l.TrimStart().StartsWith("ThreadsPerChild ", System.StringComparison.Ordinal)) + 1;
        Assert.Contains(new DirectiveValue("ThreadsPerChild", "25", "httpd.conf:" + line), readBack.Directives);
    }

    /// <summary>
    /// Every deployment setting, set away from its default, reads back from the emitted code (a
    /// field the emitter forgot would read back as the default, and -C would be the only way in).
    /// </summary>
    [Fact]
    public void Every_deployment_setting_reads_back()
    {
        string conf = "ServerRoot /srv/app\nServerName www.example.org\nDocumentRoot /srv/www\nListen 127.0.0.1:8443 https\nPidFile run/httpd.pid\n"
            + "ErrorLog logs/errors\nCustomLog logs/access common\nScoreBoardFile run/scoreboard\nUser www-data\nGroup www-data\nCoreDumpDirectory /tmp\n"
            + "SSLEngine on\nSSLCertificateFile tls/rsa.crt\nSSLCertificateKeyFile tls/rsa.key\nSSLCertificateFile tls/ecdsa.crt\nSSLCertificateKeyFile tls/ecdsa.key\n"
            + "SSLCertificateChainFile tls/chain.pem\nSSLVerifyClient require\nSSLCACertificateFile tls/clients.pem\n"
            + "ProxyPass /api/private !\nProxyPass /api http://backend:8081/v1 connectiontimeout=2 timeout=30 ttl=50 retry=5 keepalive=On disablereuse=On upgrade=websocket\n"
            + "ProxyPassReverse /api http://backend:8081/v1\n<Location /app>\n ProxyPass http://[::1]:9000/\n</Location>\n"
            + "<Proxy \"balancer://pool\">\n BalancerMember http://app1:8080/m loadfactor=3 connectiontimeout=1 timeout=9 ttl=20 retry=7 keepalive=On disablereuse=On upgrade=websocket\n"
            + " BalancerMember http://app2:8080\n ProxySet lbmethod=bybusyness maxattempts=1\n</Proxy>\nProxyPass /pool balancer://pool/v2\n";
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf(conf));
        Assert.Empty(run.Errors);
        DeploymentSettings readBack = run.ReadBack().Deployment;
        DeploymentSettings expected = ConfigCompiler.Compile(new OneFile(TestProject.MainPath, conf), new[] { TestProject.MainPath }, new List<ProjectDirective>(), TestProject.Directory).Settings.Deployment;
        Assert.Equal(expected, readBack);
        var defaults = new DeploymentSettings();
        foreach (System.Reflection.PropertyInfo property in typeof(DeploymentSettings).GetProperties().Where(p => p.CanWrite))
        {
            Assert.True(!Equals(property.GetValue(defaults), property.GetValue(readBack)), property.Name + " is not set away from its default by this test: add it to the configuration above");
        }
        Assert.Equal(new[] { ("tls/rsa.crt", "tls/rsa.key"), ("tls/ecdsa.crt", "tls/ecdsa.key") }, readBack.CertificatePairs().ToArray());
    }

    /// <summary>
    /// A Header edit rule's pattern is compiled into the configuration's EditHeader, by the
    /// rule's place; a configuration without one leaves the runtime's (no regular expression).
    /// </summary>
    [Fact]
    public void Header_edit_rules_are_compiled_into_EditHeader_and_only_they()
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 80\nHeader set X-A 1\nHeader edit Set-Cookie \"^(.*); path=/base$\" \"$1; path=/app\"\n"
            + "<Location /api>\n RequestHeader edit* Cookie \"[0-9]\" \"#\"\n</Location>\n"));
        Assert.Empty(run.Errors);
        System.Type config = run.Load().GetType("EventMpm.Generated.CompiledConfig", throwOnError: true)!;
        string Edit(int rule, string value) => (string)config.GetMethod("EditHeader")!.Invoke(null, [rule, value])!;
        Assert.Equal("id=1; path=/app", Edit(1, "id=1; path=/base"));
        Assert.Equal("a=#; b=##", Edit(2, "a=1; b=23"));
        Assert.Equal("unchanged", Edit(0, "unchanged"));

        GeneratorRun plain = GeneratorHarness.Run(TestProject.WithConf("Listen 80\nHeader set X-A 1\n"));
        Assert.DoesNotContain("Regex", plain.Source);
    }

    /// <summary>ProxyPassMatch's pattern is compiled into ProxyTo, by the line's place among the ProxyPass lines.</summary>
    [Fact]
    public void ProxyPassMatch_patterns_are_compiled_into_ProxyTo()
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 80\nProxyPass /api http://127.0.0.1:9000/api\nProxyPassMatch \"^/(.*\\.php)$\" http://127.0.0.1:9001/app/$1 timeout=5\n"));
        Assert.Empty(run.Errors);
        System.Type config = run.Load().GetType("EventMpm.Generated.CompiledConfig", throwOnError: true)!;
        string? To(int route, string path) => (string?)config.GetMethod("ProxyTo")!.Invoke(null, [route, path]);
        Assert.Equal("http://127.0.0.1:9001/app/a/index.php", To(1, "/a/index.php"));
        Assert.Null(To(1, "/a/index.html"));
        Assert.Equal(new ProxyRoute("^/(.*\\.php)$", "http://127.0.0.1:9001/app/$1", Timeout: 5_000, IsPattern: true), run.ReadBack().Deployment.ProxyPass[1]);
    }

    /// <summary>RedirectMatch's pattern is compiled into RedirectTo, by the rule's place among the redirects.</summary>
    [Fact]
    public void RedirectMatch_patterns_are_compiled_into_RedirectTo()
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 80\nRedirect /old https://x/new\nRedirectMatch permanent \"^/img/(.*)\\.gif$\" https://cdn.example.org/$1.png\n"
            + "RedirectMatch ^/(doc|docs)/(.*)$ https://docs.example.org/$2\n"));
        Assert.Empty(run.Errors);
        System.Type config = run.Load().GetType("EventMpm.Generated.CompiledConfig", throwOnError: true)!;
        string? To(int rule, string path) => (string?)config.GetMethod("RedirectTo")!.Invoke(null, [rule, path]);
        Assert.Equal("https://cdn.example.org/a/b.png", To(1, "/img/a/b.gif"));
        Assert.Null(To(1, "/img/a.png"));
        Assert.Null(To(0, "/old"));
        Assert.Equal("https://docs.example.org/a", To(2, "/doc/a"));
    }

    /// <summary>
    /// IServerConfig's constant members and CompiledSettings are generated from the catalogue's
    /// rows: a config that sets every constant to something other than its default reads back
    /// every one of them (a member the contract lacked would not compile; one CompiledSettings
    /// forgot would read back as the default).
    /// </summary>
    [Fact]
    public void Every_constant_of_the_catalogue_is_in_the_contract_and_read_back()
    {
        var defaults = new ServerSettings();
        var members = new System.Text.StringBuilder();
        var expected = new List<(CompiledConstant Constant, object Value)>();
        foreach (CompiledConstant c in DirectiveCatalog.All.SelectMany(d => d.Constants))
        {
            object value = c.Get(defaults) switch
            {
                int i => i + 1,
                long l => l + 1,
                bool b => !b,
                LogLevel level => level == LogLevel.Debug ? LogLevel.Info : LogLevel.Debug,
                _ => "changed",
            };
            expected.Add((c, value));
            string literal = value switch
            {
                bool b => b ? "true" : "false",
                long l => l + "L",
                LogLevel level => "global::EventMpm.Configuration.LogLevel." + level,
                string text => "\"" + text + "\"",
                _ => System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
            };
            string type = value switch { bool => "bool", long => "long", LogLevel => "global::EventMpm.Configuration.LogLevel", string => "string", _ => "int" };
            members.Append("public static ").Append(type).Append(' ').Append(c.Member).Append(" => ").Append(literal).Append(";\n");
        }
        string source = "public readonly struct EveryConstantChanged : global::EventMpm.Contract.IServerConfig\n{\n" + members + "}\n";
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Changed",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions)], GeneratorHarness.References,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        System.Type config = new System.Runtime.Loader.AssemblyLoadContext("changed", isCollectible: true).LoadFromStream(stream).GetType("EveryConstantChanged", throwOnError: true)!;
        var read = (ServerSettings)typeof(EventMpm.Contract.CompiledSettings).GetMethod(nameof(EventMpm.Contract.CompiledSettings.Read))!.MakeGenericMethod(config).Invoke(null, null)!;
        foreach (var (constant, value) in expected) Assert.True(Equals(value, constant.Get(read)), constant.Member + " read back as " + constant.Get(read) + ", not " + value);
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
