namespace EventMpm.EndToEnd.Tests;

/// <summary>
/// shared/conformance against the native BenchSite binary (tests/conformance.sh: the llhttp,
/// httpd and Go request corpora, h11 response checks, curl, ab, wrk, h2load, siege and hey),
/// in its slow-client mode too (slowhttptest's slow headers, slow body, slow reading, ranges).
/// </summary>
[Collection(DotnetCollection.Name)]
public sealed class ConformanceTests
{
    [Fact]
    public void The_conformance_run_is_clean()
    {
        Tool.Result run = Tool.Run("bash", Tool.Repo("tests/conformance.sh") + " --slow", timeoutSeconds: 1200);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("conformance: clean", run.Output);
    }
}
