using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace EventMpm.Generator.Tests;

/// <summary>
/// The emitted code compared with the baseline text files beside these tests. After a deliberate
/// change to the emitter, regenerate them with <c>EVENTMPM_UPDATE_BASELINES=1 dotnet test</c> and
/// review the diff.
/// </summary>
public sealed class EmitterTests
{
    private static readonly bool s_update = Environment.GetEnvironmentVariable("EVENTMPM_UPDATE_BASELINES") == "1";

    [Fact]
    public void The_StaticSite_example() => Check("StaticSite", TestProject.WithConf(File.ReadAllText(Repo("examples/StaticSite/httpd.conf"))));

    [Fact]
    public void Project_file_directives_only()
        => Check("ProjectDirectives", new TestProject
        {
            Directives = { ("Listen", "127.0.0.1:8080"), ("Listen", "[::1]:8080"), ("ThreadsPerChild", "8"), ("MaxRequestWorkers", "32"), ("DocumentRoot", "\"/srv/www site\"") },
        });

    [Fact]
    public void Every_kind_of_value_without_an_entry_point()
        => Check("AllValues", TestProject.WithConf(
            "Listen 8080\nServerRoot /srv/app\nKeepAliveTimeout 250ms\nLimitRequestBody 0\nLogLevel debug\nDirectoryIndex index.html index.htm\n"
            + "AddType application/x-demo .demo\nLogFormat \"%h \\\"%r\\\" %>s\" short\nCustomLog logs/access short\nUser www-data\nGroup www-data\n"
            + "RequestReadTimeout header=5-10,MinRate=1000 body=10,MinRate=1000\n<Location /server-status>\n SetHandler server-status\n</Location>\n"
            + "ProxyPass /api/private !\nProxyPass /api http://backend:8081/v1 timeout=30 ttl=50 keepalive=On\nProxyPassReverse /api http://backend:8081/v1\n"
            + "<Location /app>\n ProxyPass http://127.0.0.1:9000/ disablereuse=On retry=0\n</Location>\nProxyTimeout 15\nProxyPreserveHost On\n") with { EntryPoint = false });

    private static void Check(string name, TestProject project)
    {
        GeneratorRun run = GeneratorHarness.Run(project);
        Assert.Empty(run.Errors);
        string path = Repo("tests/EventMpm.Generator.Tests/Baselines/" + name + ".generated.txt");
        if (s_update)
        {
            File.WriteAllText(path, run.Source);
            return;
        }
        string[] expected = File.ReadAllText(path).Split('\n');
        string[] actual = run.Source.Split('\n');
        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            Assert.True(expected[i] == actual[i], $"{name}: line {i + 1} differs\n expected: {expected[i]}\n actual:   {actual[i]}\n(set EVENTMPM_UPDATE_BASELINES=1 to regenerate after a deliberate change)");
        }
        Assert.Equal(expected.Length, actual.Length);
    }

    /// <summary>A path in the repository, found from this source file's own location.</summary>
    internal static string Repo(string relative, [CallerFilePath] string here = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../..", relative));
}
