using System.Collections.Generic;
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
    /// <summary>
    /// Where EventMpm decides otherwise than a corpus's source expects, with the reason; the case
    /// is then judged by the decision. Each is a choice between servers that disagree.
    /// </summary>
    private static readonly Dictionary<string, (Expectation Expect, string Why)> s_decided = new()
    {
        ["httpd-strict/14"] = (Expectation.Reject, "httpd answers GET / HTTP/2.0 as 1.1; EventMpm answers 505, as nginx and Go do: "
            + "no HTTP/2 arrives as a text request line, and a major version the server does not speak is 505 (RFC 9110 §15.6.6)"),
    };

    [Theory]
    [InlineData("llhttp-requests.jsonl", 163, false)]
    [InlineData("httpd-http-strict.jsonl", 79, false)]
    [InlineData("go-net-http-validation.jsonl", 42, false)]
    [InlineData("llhttp-requests.jsonl", 163, true)]
    [InlineData("httpd-http-strict.jsonl", 79, true)]
    [InlineData("go-net-http-validation.jsonl", 42, true)]
    public void Every_case_of_a_request_corpus_gets_the_answer_it_expects(string corpus, int cases, bool overTls)
    {
        var all = CorpusCase.Load(Tool.Repo("tests/conformance/" + corpus))
            .Select(c => s_decided.TryGetValue(c.Id, out var decided) ? c with { Expect = decided.Expect } : c).ToList();
        Assert.Equal(cases, all.Count);

        var outcomes = overTls ? CorpusReplay.RunAll(server.TlsPort, all, tls: true) : CorpusReplay.RunAll(server.Port, all);

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
