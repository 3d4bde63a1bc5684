using System;
using System.IO;
using System.Linq;

namespace EventMpm.EndToEnd.Tests;

/// <summary>Publishes the StaticSite example once, natively, as the README tells a user to.</summary>
public sealed class PublishedStaticSite : IDisposable
{
    public PublishedStaticSite()
    {
        Directory = Path.Combine(Path.GetTempPath(), "eventmpm-publish-" + Guid.NewGuid().ToString("N")[..8]);
        Publish = Tool.Dotnet($"publish {Tool.Repo("examples/StaticSite")} -c Release -o {Directory}");
        Binary = Path.Combine(Directory, "StaticSite");
    }

    public string Directory { get; }

    public string Binary { get; }

    public Tool.Result Publish { get; }

    public Tool.Result Run(string arguments) => Tool.Run(Binary, arguments, Directory, timeoutSeconds: 30);

    /// <summary>Starts the binary in its folder on a free loopback port and waits until it listens.</summary>
    public System.Diagnostics.Process Start(string arguments, out int port)
    {
        port = MpmServer.FreePort();
        var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Binary, $"-C \"Listen 127.0.0.1:{port}\" {arguments}") { WorkingDirectory = Directory })!;
        int bound = port;
        MpmServer.WaitFor(() => MpmServer.Listening(bound), 5, "the server to listen");
        return process;
    }

    /// <summary>The last lines of the error log the binary writes in its folder.</summary>
    public string LogTail()
    {
        string path = Path.Combine(Directory, "logs", "error_log");
        if (!File.Exists(path)) return "(no error_log)";
        string[] lines = File.ReadAllLines(path);
        return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 30)));
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

[Collection(DotnetCollection.Name)]
public sealed class NativeBinaryTests(PublishedStaticSite site) : IClassFixture<PublishedStaticSite>
{
    [Fact]
    public void Publish_gives_one_native_binary_under_4_MB()
    {
        Assert.True(site.Publish.ExitCode == 0, site.Publish.All);
        byte[] head = new byte[4];
        using (FileStream f = File.OpenRead(site.Binary)) f.ReadExactly(head);
        Assert.Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, head);
        Assert.InRange(new FileInfo(site.Binary).Length, 1, 4L * 1024 * 1024);
        Assert.False(File.Exists(Path.Combine(site.Directory, "StaticSite.dll")), "a NativeAOT publish has no IL entry assembly");
        // The binary and its htdocs, nothing else: no symbols (.dbg, .pdb), no documentation (.xml).
        Assert.Equal(new[] { "StaticSite" }, Directory.GetFiles(site.Directory).Select(Path.GetFileName).ToArray());
        Assert.Contains(Path.Combine(site.Directory, "htdocs"), Directory.GetDirectories(site.Directory));
    }

    /// <summary>The README's figure for the binary's size is the size a publish gives, within 10 %.</summary>
    [Fact]
    public void The_README_states_the_binary_size_a_publish_gives()
    {
        var stated = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Tool.Repo("README.md")), @"one native binary, ~(\d+\.\d) MB");
        Assert.True(stated.Success, "README.md no longer states the binary's size");
        double readme = double.Parse(stated.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        double actual = new FileInfo(site.Binary).Length / 1e6;
        Assert.True(Math.Abs(actual - readme) <= readme * 0.1, $"README.md says ~{readme} MB; the binary is {actual:F2} MB");
    }

    [Fact]
    public void Dash_V_lists_the_compiled_values_and_their_origins()
    {
        Tool.Result r = site.Run("-V");
        Assert.Equal(0, r.ExitCode);
        string[] conf = File.ReadAllLines(Tool.Repo("examples/StaticSite/httpd.conf"));
        int Line(string directive) => Array.FindIndex(conf, l => l.TrimStart().StartsWith(directive + " ", StringComparison.Ordinal)) + 1;
        Assert.Matches($@"\n  ThreadsPerChild +25 +httpd\.conf:{Line("ThreadsPerChild")}\n", r.Output);
        Assert.Matches($@"\n  MaxRequestWorkers +150 +httpd\.conf:{Line("MaxRequestWorkers")}\n", r.Output);
        Assert.Matches(@"\n  ServerLimit +16 +default\n", r.Output);
        Assert.Contains("6 processes x 25 threads = 150 workers; at most 450 connections", r.Output);
        Assert.Contains("DocumentRoot               " + Path.Combine(site.Directory, "htdocs"), r.Output);
    }

    [Fact]
    public void Dash_C_Listen_is_accepted()
    {
        Tool.Result test = site.Run("-C \"Listen 127.0.0.1:9000\" -t");
        Assert.Equal(0, test.ExitCode);
        Assert.EndsWith("Syntax OK\n", test.Error);

        Tool.Result settings = site.Run("-C \"Listen 127.0.0.1:9000\" -V");
        Assert.Matches(@"\n  Listen +127\.0\.0\.1:9000\n", settings.Output);
    }

    [Fact]
    public void Dash_C_ThreadsPerChild_is_refused_clearly()
    {
        Tool.Result r = site.Run("-C \"ThreadsPerChild 5\" -t");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ThreadsPerChild is compiled into this binary and cannot be changed with -C; change it in the configuration and rebuild.", r.Error);
        Assert.DoesNotContain("Syntax OK", r.All);
    }
}

/// <summary>The native binary serving for real: started, asked, stopped with a signal.</summary>
[Collection(DotnetCollection.Name)]
public sealed class NativeServingTests(PublishedStaticSite site) : IClassFixture<PublishedStaticSite>
{
    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("INT", 2)]
    public void Serves_then_stops_cleanly_on_a_signal(string name, int signal)
    {
        using var server = site.Start("", out int port);
        try
        {
            using var idle = Connect(port);
            idle.Send(System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            var buffer = new byte[65536];
            int n = idle.Receive(buffer);
            string response = System.Text.Encoding.ASCII.GetString(buffer, 0, n);
            Assert.StartsWith("HTTP/1.1 200 OK", response);
            Assert.Contains("It works!", response + (idle.Available > 0 ? System.Text.Encoding.ASCII.GetString(buffer, 0, idle.Receive(buffer)) : ""));

            Assert.Equal(0, MpmServer.Kill(server.Id, signal));
            Assert.True(server.WaitForExit(15_000), "SIG" + name + " did not stop the server; its log ends:\n" + site.LogTail()); // a bound for a loaded machine, not a speed
            Assert.Equal(0, server.ExitCode);
            idle.ReceiveTimeout = 2000;
            Assert.Equal(0, idle.Receive(buffer)); // the kept-alive connection was closed
        }
        finally
        {
            if (!server.HasExited) server.Kill();
        }
    }

    private static System.Net.Sockets.Socket Connect(int port)
    {
        for (int attempt = 0; ; attempt++)
        {
            var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveTimeout = 5000 };
            try
            {
                s.Connect("127.0.0.1", port);
                return s;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 100)
            {
                s.Dispose();
                System.Threading.Thread.Sleep(50);
            }
        }
    }

}

/// <summary>Slow clients on the native StaticSite (ThreadsPerChild 25).</summary>
[Collection(DotnetCollection.Name)]
public sealed class SlowlorisTests(PublishedStaticSite site) : IClassFixture<PublishedStaticSite>
{
    /// <summary>
    /// 2,000 heads that never end (head), requests that promise a 4 KiB body and never finish it
    /// (body), or that wait for a 100 Continue and never send it (expect): each holds one of
    /// httpd's workers. Here a slow head waits in the epoll set within its header time; a file
    /// takes no body, so a stalled one is answered at once and lingering close drains the rest.
    /// </summary>
    [Theory]
    [InlineData("/ head", "slow_held_at_end")]
    [InlineData("/index.html body", "slow_answered")]
    [InlineData("/index.html expect", "slow_answered")]
    public void Two_thousand_slow_clients_hold_no_worker_and_fresh_requests_are_all_answered(string pathAndMode, string everyOne)
    {
        using var server = site.Start("-X", out int port);
        try
        {
            var result = SlowClients.Run(port, pathAndMode);
            Assert.True(result.GetProperty(everyOne).GetInt32() == 2000, result.ToString());
        }
        finally
        {
            server.Kill();
            server.WaitForExit();
        }
    }

    /// <summary>
    /// 2,000 connections that send half a ClientHello and stop: each waits in the epoll set
    /// within its header time, holding no worker, while fresh HTTPS requests (a full handshake
    /// each) are all answered. The development certificate the build exported serves them.
    /// </summary>
    [Fact]
    public void Two_thousand_handshakes_stopped_halfway_hold_no_worker_and_fresh_HTTPS_requests_are_all_answered()
    {
        int tlsPort = MpmServer.FreePort();
        using var server = site.Start($"-X -C \"Listen 127.0.0.1:{tlsPort} https\"", out _);
        try
        {
            MpmServer.WaitFor(() => MpmServer.Listening(tlsPort), 5, "the https listener");
            var result = SlowClients.Run(tlsPort, "/ tls");
            Assert.True(result.GetProperty("slow_held_at_end").GetInt32() == 2000, result.ToString());
        }
        finally
        {
            server.Kill();
            server.WaitForExit();
        }
    }

    [Fact]
    public void The_metrics_page_is_served_to_the_machine_itself()
    {
        using var server = site.Start("", out int port);
        try
        {
            Tool.Result metrics = Tool.Run("curl", $"-s -i http://127.0.0.1:{port}/metrics", timeoutSeconds: 30);
            Assert.Contains("HTTP/1.1 200 OK", metrics.Output);
            Assert.Contains("application/openmetrics-text", metrics.Output);
            Assert.Contains("eventmpm_processes{state=\"serving\"} ", metrics.Output);
            Assert.EndsWith("# EOF\n", metrics.Output);
        }
        finally
        {
            MpmServer.Kill(server.Id, 15); // the control process stops its children
            server.WaitForExit();
        }
    }
}

/// <summary>
/// The container image's content, proved without a container engine: the template's rootfs.sh
/// (which examples/Container uses for StaticSite) lays out what the FROM scratch image holds, and the server runs from a chroot into it with
/// only /proc mounted, as a container runtime provides.
/// </summary>
[Collection(DotnetCollection.Name)]
public sealed class ContainerTests(PublishedStaticSite site) : IClassFixture<PublishedStaticSite>
{
    /// <summary>
    /// The image of examples/Container: the binary, htdocs, the libraries ldd lists and OpenSSL's
    /// two (StaticSite has SSLEngine on). Started with the Dockerfile's own CMD, which names the
    /// certificate where Kubernetes mounts a TLS secret, it serves HTTP and HTTPS.
    /// </summary>
    [Fact]
    public async System.Threading.Tasks.Task The_image_holds_the_binary_its_htdocs_and_the_libraries_and_serves_HTTP_and_HTTPS_from_a_chroot()
    {
        int tlsPort = MpmServer.FreePort();
        string command = string.Join(" ", System.Text.Json.JsonSerializer.Deserialize<string[]>(
            System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Tool.Repo("examples/Container/Dockerfile")), @"(?m)^CMD (\[.*\])$").Groups[1].Value)!
            .Select(a => a.StartsWith('-') ? a : "\"" + a + "\""));
        Assert.Contains("/etc/tls/tls.crt", command);
        using var image = new ChrootServer(Tool.Repo("templates/eventmpm/container/rootfs.sh"), site.Directory, "StaticSite", prepare: root =>
        {
            // What the secret's volume mounts: its tls.crt and tls.key.
            string secret = Path.Combine(root, "etc", "tls");
            Directory.CreateDirectory(secret);
            var (certificate, key) = EventMpm.Tests.TestCertificate.WriteTo(secret);
            File.Move(certificate, Path.Combine(secret, "tls.crt"));
            File.Move(key, Path.Combine(secret, "tls.key"));
        }, extraArguments: $"-C \"Listen 127.0.0.1:{tlsPort} https\" {command}");
        Assert.Contains("/app/StaticSite", image.Files);
        Assert.Contains("/app/htdocs/index.html", image.Files);
        Assert.DoesNotContain(image.Files, f => f.EndsWith(".key", StringComparison.Ordinal) || f.EndsWith(".pem", StringComparison.Ordinal)); // no key of its own
        image.AssertOnlyTheLibrariesLddLists(openSsl: true);
        Assert.True(image.Files.Length <= 8, string.Join("\n", image.Files)); // binary, index.html, libc, libm, the loader, libssl, libcrypto

        Assert.Contains("It works!", image.Curl("/"));
        Tool.Result https = Tool.Run("curl", $"-sv --cacert {Path.Combine(image.Root, "etc", "tls", "tls.crt")} https://127.0.0.1:{tlsPort}/", timeoutSeconds: 20);
        Assert.True(https.ExitCode == 0, https.All);
        Assert.Contains("It works!", https.Output);
        Assert.Contains("SSL connection using TLSv1.3", https.Error);
        Assert.Contains("Processes: 2", image.Curl("/server-status?auto")); // children from /proc/self/exe
        var (exitCode, stderr) = await image.Stop();
        Assert.Equal(0, exitCode);
        Assert.Contains("AH00492: caught SIGWINCH, shutting down gracefully", stderr); // the error log on the container's stderr
    }

    /// <summary>Children are this binary run again through /proc/self/exe: without /proc none can start, so the server says so and ends, listening on nothing.</summary>
    [Fact]
    public async System.Threading.Tasks.Task Without_proc_the_server_stops_at_once_with_the_reason()
    {
        using var image = new ChrootServer(Tool.Repo("templates/eventmpm/container/rootfs.sh"), site.Directory, "StaticSite", mountProc: false);
        var ended = await image.Ended(10_000);
        Assert.True(ended is not null, "the server ran on without /proc");
        Assert.Equal(1, ended!.Value.ExitCode);
        Assert.Contains("cannot start children: /proc/self/exe is missing (is /proc mounted?)", ended.Value.Stderr);
        Assert.False(MpmServer.Listening(image.Port));
    }
}
