using System.Text.Json;

namespace EventMpm.EndToEnd.Tests;

/// <summary>tests/slowloris.py against a server on loopback, with what every run must show.</summary>
public static class SlowClients
{
    /// <summary>
    /// Runs 2,000 slow clients and 300 fresh requests (<c>PATH MODE FRESH_PATH</c> as slowloris.py
    /// takes them): every slow client connected, no fresh request failed, and the slowest stayed
    /// under a sanity bound (not a benchmark: the README has the measured p99; 25 workers held by
    /// slow clients would leave fresh requests waiting for RequestReadTimeout's 20 s).
    /// </summary>
    /// <returns>slowloris.py's JSON line: what became of the slow connections.</returns>
    public static JsonElement Run(int port, string arguments = "")
    {
        Tool.Result run = Tool.Run("python3", $"{Tool.Repo("tests/slowloris.py")} {port} 2000 300 {arguments}", timeoutSeconds: 120);
        Assert.True(run.ExitCode == 0, run.All);
        JsonElement result = JsonDocument.Parse(run.Output).RootElement;
        Assert.True(result.GetProperty("slow_refused").GetInt32() == 0, run.Output);
        Assert.True(result.GetProperty("fresh_failed").GetInt32() == 0, run.Output);
        Assert.True(result.GetProperty("max_ms").GetDouble() < 5000, run.Output);
        return result;
    }
}
