using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace EventMpm.EndToEnd.Tests;

/// <summary>The Api example, published natively and started as a daemon (two children), as its README says.</summary>
public sealed class RunningApiExample : IDisposable
{
    public RunningApiExample()
    {
        Directory = Path.Combine(Path.GetTempPath(), "eventmpm-api-" + Guid.NewGuid().ToString("N")[..8]);
        Publish = Tool.Dotnet($"publish {Tool.Repo("examples/Api")} -c Release -o {Directory}");
        Port = MpmServer.FreePort();
        if (Publish.ExitCode != 0) return;
        Start = Tool.Run(Path.Combine(Directory, "Api"), $"-k start -C \"Listen 127.0.0.1:{Port}\"", Directory, timeoutSeconds: 60);
        MpmServer.WaitFor(() => Curl("/").StartsWith("HTTP/1.1 200", StringComparison.Ordinal), 10, "the Api example to answer");
    }

    public string Directory { get; }

    public int Port { get; }

    public Tool.Result Publish { get; }

    public Tool.Result? Start { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>curl's answer, head and body.</summary>
    public string Curl(string path, string options = "") => Tool.Run("curl", $"-s -i {options} \"{Url(path)}\"", timeoutSeconds: 20).Output;

    public void Dispose()
    {
        if (Start is not null) Tool.Run(Path.Combine(Directory, "Api"), "-k stop", Directory, timeoutSeconds: 60);
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

[Collection(DotnetCollection.Name)]
public sealed class ExampleTests(RunningApiExample api) : IClassFixture<RunningApiExample>
{
    private void AssertRunning()
    {
        Assert.True(api.Publish.ExitCode == 0, api.Publish.All);
        Assert.True(api.Start?.ExitCode == 0, api.Start?.All);
    }

    private static string Body(string response) => response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

    [Fact]
    public void The_Api_example_answers_from_its_handlers_beside_its_static_files()
    {
        AssertRunning();
        using (JsonDocument time = JsonDocument.Parse(Body(api.Curl("/api/time"))))
        {
            Assert.True(time.RootElement.GetProperty("pid").GetInt32() > 0);
        }
        string words = api.Curl("/api/wordcount", "--data-binary \"one two\nthree\n\"");
        Assert.EndsWith("{\"bytes\":14,\"lines\":2,\"words\":3}", words);

        string counted = api.Curl("/api/count?to=5000");
        Assert.Contains("Transfer-Encoding: chunked", counted); // streamed: flushed every thousand
        Assert.Equal(Enumerable.Range(1, 5000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Body(counted).Split('\n', StringSplitOptions.RemoveEmptyEntries));

        using (JsonDocument echo = JsonDocument.Parse(Body(api.Curl("/api/any/path?x=1", "-H \"X-Demo: yes\""))))
        {
            Assert.Equal("/api/any/path", echo.RootElement.GetProperty("path").GetString());
            Assert.Equal("yes", echo.RootElement.GetProperty("headers").GetProperty("X-Demo").GetString());
        }
        Assert.StartsWith("HTTP/1.1 405", api.Curl("/api/time", "-X POST"));
        Assert.StartsWith("HTTP/1.1 413", api.Curl("/api/wordcount", "-H \"Content-Length: 2000000\" --data x")); // LimitRequestBody 1048576
        Assert.Contains("<h1>API example</h1>", api.Curl("/"));
    }

    /// <summary>
    /// The Proxy example in front of the running Api example, published natively and started with
    /// two children, the backend given with -C as a deployment would: files from its own folder,
    /// /api from the Api's process, with everything a handler answers (JSON, a streamed chunked
    /// body, a body read as it came) coming through; wrk gets no error; -t names a backend whose
    /// host does not resolve.
    /// </summary>
    [Fact]
    public void The_Proxy_example_serves_its_files_and_the_Api_example_behind_it()
    {
        AssertRunning();
        string directory = Path.Combine(Path.GetTempPath(), "eventmpm-proxy-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Tool.Result publish = Tool.Dotnet($"publish {Tool.Repo("examples/Proxy")} -c Release -o {directory}");
            Assert.True(publish.ExitCode == 0, publish.All);
            string binary = Path.Combine(directory, "Proxy");
            int port = MpmServer.FreePort();
            string backend = $"-C \"ProxyPass /api http://127.0.0.1:{api.Port}/api\" -C \"ProxyPassReverse /api http://127.0.0.1:{api.Port}/api\"";

            Tool.Result check = Tool.Run(binary, "-t -C \"ProxyPass /api http://no-such-host.invalid/api\"", directory, timeoutSeconds: 30);
            Assert.True(check.ExitCode != 0, check.All);
            Assert.Contains("the backend's host no-such-host.invalid does not resolve", check.All);

            Tool.Result start = Tool.Run(binary, $"-k start -C \"Listen 127.0.0.1:{port}\" {backend}", directory, timeoutSeconds: 60);
            Assert.True(start.ExitCode == 0, start.All);
            try
            {
                string Curl(string path, string options = "") => Tool.Run("curl", $"-s -i {options} \"http://127.0.0.1:{port}{path}\"", timeoutSeconds: 20).Output;
                MpmServer.WaitFor(() => Curl("/").StartsWith("HTTP/1.1 200", StringComparison.Ordinal), 10, "the Proxy example to answer");
                Assert.Contains("<h1>Proxy example</h1>", Curl("/"));

                using (JsonDocument time = JsonDocument.Parse(Body(Curl("/api/time"))))
                {
                    Assert.True(time.RootElement.GetProperty("pid").GetInt32() > 0);
                }
                Assert.EndsWith("{\"bytes\":14,\"lines\":2,\"words\":3}", Curl("/api/wordcount", "--data-binary \"one two\nthree\n\""));
                string counted = Curl("/api/count?to=5000");
                Assert.Contains("Transfer-Encoding: chunked", counted);
                Assert.Equal(Enumerable.Range(1, 5000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Body(counted).Split('\n', StringSplitOptions.RemoveEmptyEntries));
                using (JsonDocument echo = JsonDocument.Parse(Body(Curl("/api/any/path?x=1", "-H \"X-Demo: yes\""))))
                {
                    JsonElement headers = echo.RootElement.GetProperty("headers");
                    Assert.Equal("/api/any/path", echo.RootElement.GetProperty("path").GetString());
                    Assert.Equal("x=1", echo.RootElement.GetProperty("query").GetString());
                    Assert.Equal("yes", headers.GetProperty("X-Demo").GetString());
                    Assert.Equal("127.0.0.1", headers.GetProperty("X-Forwarded-For").GetString());
                    Assert.Equal($"127.0.0.1:{port}", headers.GetProperty("X-Forwarded-Host").GetString());
                }
                Assert.StartsWith("HTTP/1.1 413", Curl("/api/wordcount", "-H \"Content-Length: 2000000\" --data x")); // the Api's LimitRequestBody, relayed

                Tool.RequireCommand("wrk", "wrk");
                Tool.Result wrk = Tool.Run("wrk", $"-t2 -c50 -d2s http://127.0.0.1:{port}/api/time", timeoutSeconds: 30);
                Assert.True(wrk.ExitCode == 0, wrk.All);
                Assert.DoesNotContain("Non-2xx", wrk.Output);
                Assert.DoesNotContain("Socket errors", wrk.Output);
            }
            finally
            {
                Tool.Run(binary, "-k stop", directory, timeoutSeconds: 60);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("body")]
    [InlineData("expect")]
    public void Two_thousand_stalled_bodies_for_a_handler_wait_in_the_pollset_and_fresh_requests_all_succeed(string mode)
    {
        // 4 KiB promised to /api/wordcount and never finished (or never sent after 100 Continue):
        // each waits in the epoll set with its bytes so far, holding no worker, within its body time.
        AssertRunning();
        JsonElement result = SlowClients.Run(api.Port, $"/api/wordcount {mode} /");
        // Still awaited when the fresh requests are done (the body time is 20 s), or told 100 Continue.
        Assert.True(result.GetProperty(mode == "expect" ? "slow_answered" : "slow_held_at_end").GetInt32() == 2000, result.ToString());
    }

    [Fact]
    public void Handlers_under_wrk_across_two_processes_answer_every_request()
    {
        AssertRunning();
        Tool.RequireCommand("wrk", "wrk");
        Tool.Result wrk = Tool.Run("wrk", $"-t2 -c50 -d2s {api.Url("/api/time")}", timeoutSeconds: 30);
        Assert.True(wrk.ExitCode == 0, wrk.All);
        Assert.DoesNotContain("Non-2xx", wrk.Output);
        Assert.DoesNotContain("Socket errors", wrk.Output);
        long requests = long.Parse(System.Text.RegularExpressions.Regex.Match(wrk.Output, @"(\d+) requests in").Groups[1].Value);
        Assert.True(requests > 1000, wrk.Output);
    }

    [Fact]
    public void Prometheus_scrapes_the_metrics_page_and_prometheus_apache_exporter_reads_the_status_page()
    {
        AssertRunning();
        Tool.RequireCommand("prometheus", "prometheus");
        Tool.RequireCommand("prometheus-apache-exporter", "prometheus-apache-exporter");
        api.Curl("/api/time");
        int exporterPort = MpmServer.FreePort(), prometheusPort = MpmServer.FreePort();
        string work = Path.Combine(api.Directory, "prometheus");
        System.IO.Directory.CreateDirectory(work);
        string config = File.ReadAllText(Tool.Repo("examples/Monitoring/prometheus.yml"))
            .Replace("localhost:8080", $"127.0.0.1:{api.Port}").Replace("localhost:9117", $"127.0.0.1:{exporterPort}").Replace("15s", "1s");
        File.WriteAllText(Path.Combine(work, "prometheus.yml"), config);

        using var exporter = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("prometheus-apache-exporter",
            $"--scrape_uri={api.Url("/server-status?auto")} --telemetry.address=127.0.0.1:{exporterPort}") { RedirectStandardError = true })!;
        using var prometheus = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("prometheus",
            $"--config.file={work}/prometheus.yml --storage.tsdb.path={work}/data --web.listen-address=127.0.0.1:{prometheusPort}") { RedirectStandardError = true })!;
        _ = exporter.StandardError.ReadToEndAsync();
        _ = prometheus.StandardError.ReadToEndAsync();
        try
        {
            string Api(string path) => Tool.Run("curl", $"-s \"http://127.0.0.1:{prometheusPort}/api/v1/{path}\"", timeoutSeconds: 10).Output;
            string targets = "";
            MpmServer.WaitFor(() =>
            {
                targets = Api("targets");
                return targets.Contains("\"job\":\"eventmpm\"", StringComparison.Ordinal) && targets.Contains("\"job\":\"apache-exporter\"", StringComparison.Ordinal)
                    && !targets.Contains("\"health\":\"unknown\"", StringComparison.Ordinal);
            }, 30, "Prometheus to scrape both targets");
            using (JsonDocument doc = JsonDocument.Parse(targets))
            {
                foreach (JsonElement t in doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray())
                {
                    Assert.True(t.GetProperty("health").GetString() == "up", t.GetProperty("labels").GetProperty("job") + ": " + t.GetProperty("lastError"));
                }
            }
            Assert.True(Value(Api("query?query=sum(eventmpm_requests_total)")) >= 1);
            Assert.Equal(1, Value(Api("query?query=apache_up")));
            Assert.True(Value(Api("query?query=sum(apache_workers)")) >= 50); // two children of 25 threads, busy + idle
        }
        finally
        {
            prometheus.Kill();
            exporter.Kill();
            prometheus.WaitForExit();
            exporter.WaitForExit();
        }
    }

    /// <summary>The single value of an instant query's answer.</summary>
    private static double Value(string answer)
    {
        using JsonDocument doc = JsonDocument.Parse(answer);
        JsonElement result = doc.RootElement.GetProperty("data").GetProperty("result");
        Assert.True(result.GetArrayLength() == 1, answer);
        return double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
