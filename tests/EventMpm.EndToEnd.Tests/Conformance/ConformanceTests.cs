using System.Linq;

namespace EventMpm.EndToEnd.Tests.Conformance;

/// <summary>
/// HTTP/1.1 conformance of the native binary (examples/BenchSite): the request corpora of llhttp,
/// httpd and Go replayed (tests/conformance, sources and licences in its SOURCES.md), its answers
/// read by a strict client (Responses), and real clients against it (Clients).
/// </summary>
[Collection(DotnetCollection.Name)]
public sealed partial class ConformanceTests(ConformanceServer server) : IClassFixture<ConformanceServer>
{
    [Theory]
    [InlineData("llhttp-requests.jsonl", 163)]
    [InlineData("httpd-http-strict.jsonl", 79)]
    [InlineData("go-net-http-validation.jsonl", 42)]
    public void Every_case_of_a_request_corpus_gets_the_answer_it_expects(string corpus, int cases)
    {
        var all = CorpusCase.Load(Tool.Repo("tests/conformance/" + corpus));
        Assert.Equal(cases, all.Count);

        var outcomes = CorpusReplay.RunAll(server.Port, all);

        var failed = outcomes.Where(o => !o.Passed).ToList();
        Assert.True(failed.Count == 0, failed.Count + " case(s) failed:\n" + string.Join("\n", failed));
        // Every scored case that could be answered was: a server that says nothing "waits" on
        // every refusal, and that must not pass.
        int waiting = outcomes.Count(o => o.Waiting);
        Assert.True(waiting <= cases / 10, waiting + " cases left waiting:\n" + string.Join("\n", outcomes.Where(o => o.Waiting)));
        Assert.True(server.Alive, "the server died\n" + server.ErrorLog);
        using var c = new Client(server);
        Assert.Equal(200, c.Get("/hello.txt").Status);
    }
}
