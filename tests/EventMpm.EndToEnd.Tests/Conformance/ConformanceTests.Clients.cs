using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace EventMpm.EndToEnd.Tests.Conformance;

/// <summary>Real clients (Debian's curl, ab, wrk, h2load, siege, hey, slowhttptest) against the native binary.</summary>
public sealed partial class ConformanceTests
{
    /// <summary>What curl printed; arguments are split as .NET splits them (double quotes group, single quotes do not).</summary>
    private static Tool.Result CurlRun(string arguments)
    {
        Tool.RequireCommand("curl", "curl");
        return Tool.Run("curl", "-s " + arguments, timeoutSeconds: 60);
    }

    private static string Curl(string arguments) => CurlRun(arguments).Output;

    [Fact]
    public void Curl_keep_alive_conditions_ranges_HTTP_1_0_and_traversal()
    {
        string body = Path.Combine(server.Folder, "curl-body");
        Assert.Equal("200", Curl($"-o {body} -w %{{http_code}} {server.Url}{Small}"));
        Assert.Equal("Hello, world!\n", File.ReadAllText(body));
        string head = Curl($"-I {server.Url}{Small}").Replace("\r", "");
        Assert.StartsWith("HTTP/1.1 200", head);
        Assert.Contains("\nContent-Length: 14\n", head);
        // curl says so when it reuses a connection for the second URL.
        Assert.Matches("(?i)re-?using existing", CurlRun($"-v -o /dev/null -o /dev/null {server.Url}{Small} {server.Url}{Small}").Error);

        string etag = Regex.Match(head, "\nETag: (.*)\n").Groups[1].Value, modified = Regex.Match(head, "\nLast-Modified: (.*)\n").Groups[1].Value;
        string Code(string args) => Curl($"-o /dev/null -w %{{http_code}} {args} {server.Url}{Small}");
        Assert.Equal("304", Code($"-H \"If-None-Match: {etag.Replace("\"", "\\\"")}\""));
        Assert.Equal("304", Code($"-H \"If-Modified-Since: {modified}\""));
        Assert.Equal("412", Code("-H \"If-Match: \\\"no-such-etag\\\"\""));
        Assert.Equal("206", Code("-r 0-4"));
        Assert.Equal("416", Code("-H \"Range: bytes=999999-\""));
        Assert.Equal("200", Code("-H \"Range: bytes=0-4\" -H \"If-Range: \\\"stale\\\"\""));
        Assert.Equal("200", Curl($"-0 -o /dev/null -w %{{http_code}} {server.Url}{Small}")); // an HTTP/1.0 request
        Assert.Equal("404", Curl($"-o /dev/null -w %{{http_code}} {server.Url}/no-such-file"));
        foreach (string traversal in new[] { "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd" })
        {
            Assert.Matches("^(400|403|404)$", Curl($"--path-as-is -o /dev/null -w %{{http_code}} {server.Url}{traversal}"));
        }
    }

    [Fact]
    public void Curl_uploads_chunked_and_with_Expect_100_continue_are_answered()
    {
        string upload = Path.Combine(server.Folder, "upload");
        File.WriteAllBytes(upload, new byte[70_000]);
        Assert.Equal("405", Curl($"-o /dev/null -w %{{http_code}} -H \"Transfer-Encoding: chunked\" --data-binary @{upload} {server.Url}{Small}"));
        Assert.Equal("405", Curl($"-o /dev/null -w %{{http_code}} -H \"Expect: 100-continue\" --data-binary @{upload} {server.Url}{Small}"));
        Assert.Equal("200", Curl($"-o /dev/null -w %{{http_code}} {server.Url}/server-status"));
        Assert.Equal($"200 {server.BigText.Length}", Curl($"-o /dev/null -w \"%{{http_code}} %{{size_download}}\" {server.Url}{Big}"));
    }

    [Fact]
    public void ab_with_and_without_keep_alive_has_no_failed_request()
    {
        Tool.RequireCommand("ab", "apache2-utils");
        Tool.Result keptAlive = Tool.Run("ab", $"-q -k -n 5000 -c 50 {server.Url}{Small}", timeoutSeconds: 120);
        Assert.Matches(@"\nComplete requests: +5000\n", keptAlive.Output);
        Assert.Matches(@"\nFailed requests: +0\n", keptAlive.Output);
        Assert.Matches(@"\nKeep-Alive requests: +5000\n", keptAlive.Output);
        Assert.DoesNotContain("Non-2xx", keptAlive.Output);

        Tool.Result fresh = Tool.Run("ab", $"-q -n 2000 -c 20 {server.Url}{Big}", timeoutSeconds: 120);
        Assert.Matches(@"\nComplete requests: +2000\n", fresh.Output);
        Assert.Matches(@"\nFailed requests: +0\n", fresh.Output);
        Assert.DoesNotContain("Non-2xx", fresh.Output);
    }

    [Fact]
    public void wrk_has_no_socket_error_and_no_non_2xx_answer()
    {
        Tool.RequireCommand("wrk", "wrk");
        Tool.Result r = Tool.Run("wrk", $"-t2 -c64 -d5s {server.Url}{Small}", timeoutSeconds: 60);
        Assert.Matches(@"\d+ requests in", r.Output);
        Assert.DoesNotContain("Socket errors", r.Output); // BenchSite keeps connections alive without limit
        Assert.DoesNotContain("Non-2xx", r.Output);
    }

    [Fact]
    public void h2load_over_HTTP_1_1_pipelined_ten_deep_and_on_the_large_file_has_every_request_succeed()
    {
        Tool.RequireCommand("h2load", "nghttp2-client");
        Tool.Result pipelined = Tool.Run("h2load", $"--h1 -n 20000 -c 20 -m 10 {server.Url}{Small}", timeoutSeconds: 120);
        Assert.Contains("20000 succeeded, 0 failed, 0 errored, 0 timeout", pipelined.Output);
        Tool.Result big = Tool.Run("h2load", $"--h1 -n 2000 -c 10 -m 1 {server.Url}{Big}", timeoutSeconds: 120);
        Assert.Contains("2000 succeeded, 0 failed, 0 errored, 0 timeout", big.Output);
    }

    [Fact]
    public void siege_and_hey_see_every_request_answered()
    {
        Tool.RequireCommand("siege", "siege");
        Tool.RequireCommand("hey", "hey");
        Tool.Result siege = Tool.Run("siege", $"-b -c 25 -r 40 {server.Url}{Small}", timeoutSeconds: 120);
        Assert.Matches(@"""?availability""?:\s*100", siege.All);
        Assert.Matches(@"""?transactions""?:\s*1000,", siege.All);
        Tool.Result hey = Tool.Run("hey", $"-n 5000 -c 50 {server.Url}{Small}", timeoutSeconds: 120);
        Assert.Matches(@"\[200\]\s+5000 responses", hey.Output);
        Assert.DoesNotContain("Error distribution", hey.Output);
    }

    /// <summary>slowhttptest's slow heads (-H), slow bodies (-B) and slow reading (-X), 400 connections for 20 s each, and range amplification (-R).</summary>
    [Theory]
    [InlineData("-H -c 400 -r 100 -l 20 -i 5 -t GET", Small)]
    [InlineData("-B -c 400 -r 100 -l 20 -i 5 -t GET", Small)]
    [InlineData("-X -c 400 -r 100 -l 20 -i 5 -t GET", Small)]
    [InlineData("-R -c 100 -a 10 -b 3000 -r 50 -l 15", Big)]
    public void Slow_clients_leave_the_service_available(string mode, string path)
    {
        Tool.RequireCommand("slowhttptest", "slowhttptest");
        string report = Path.Combine(server.Folder, "slow-" + mode[1]);
        Tool.Result r = Tool.Run("slowhttptest", $"{mode} -u {server.Url}{path} -p 3 -o {report}", timeoutSeconds: 120);
        // slowhttptest prints its state every second; "service available: NO" when its probe failed.
        string plain = Regex.Replace(r.All, @"\x1b\[[0-9;]*[A-Za-z]", ""); // its colours
        var states = Regex.Matches(plain, @"service available:\s*(YES|NO)").Select(m => m.Groups[1].Value).ToList();
        Assert.True(states.Count >= 1, "slowhttptest reported no states:\n" + r.All);
        Assert.DoesNotContain("NO", states);
        using var c = new Client(server);
        Assert.Equal(200, c.Get(Small).Status);
    }
}
