using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace EventMpm.EndToEnd.Tests;

/// <summary>
/// What the README tells a new user, run in an empty folder outside the repository with a home
/// of its own: templates/install.sh (pack the package into a local feed, register it, install the
/// template), `dotnet new eventmpm -o my-shop` (a hyphenated name, whose C# form is my_shop),
/// `dotnet publish -o out`. Only the NuGet cache is
/// shared with the machine, so the Tmds.LibC and NativeAOT packages are not fetched again.
/// </summary>
public sealed class NewProject : IDisposable
{
    public NewProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "eventmpm-newuser-" + Guid.NewGuid().ToString("N")[..8]);
        string home = Path.Combine(Root, "home");
        System.IO.Directory.CreateDirectory(home);
        System.IO.Directory.CreateDirectory(Path.Combine(Root, "work"));
        Environment = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["NUGET_PACKAGES"] = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            // A version no earlier run has put in the shared NuGet cache.
            ["EVENTMPM_VERSION"] = "0.1.0-ci." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff"),
        };
        Install = Tool.Run("bash", Tool.Repo("templates/install.sh"), Root, environment: Environment);
        New = Tool.Run("dotnet", "new eventmpm -o " + Name, Path.Combine(Root, "work"), environment: Environment);
        Directory = Path.Combine(Root, "work", Name);
        Publish = Tool.Run("dotnet", "publish -o out -nodeReuse:false", Directory, environment: Environment);
    }

    public string Root { get; }

    public Dictionary<string, string?> Environment { get; }

    public string Directory { get; }

    /// <summary>The name the user gives: the project's, the binary's and the image's.</summary>
    public const string Name = "my-shop";

    public string Binary => Path.Combine(Directory, "out", Name);

    public Tool.Result Install { get; }

    public Tool.Result New { get; }

    public Tool.Result Publish { get; }

    public void Dispose()
    {
        string pidFile = Path.Combine(Directory, "out", "logs", "httpd.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid)) MpmServer.Kill(pid, 9);
        System.IO.Directory.Delete(Root, recursive: true);
    }
}

[Collection(DotnetCollection.Name)]
public sealed class TemplateTests(NewProject project) : IClassFixture<NewProject>
{
    private void AssertBuilt()
    {
        Assert.True(project.Install.ExitCode == 0, "install.sh:\n" + project.Install.All);
        Assert.True(project.New.ExitCode == 0, "dotnet new:\n" + project.New.All);
        Assert.True(project.Publish.ExitCode == 0, "dotnet publish:\n" + project.Publish.All);
    }

    [Fact]
    public void The_new_project_has_httpd_conf_a_handler_a_README_and_publishes_one_native_binary()
    {
        AssertBuilt();
        Assert.Contains("SetHandler my_shop.Handlers.Hello", File.ReadAllText(Path.Combine(project.Directory, "httpd.conf")));
        Assert.Contains("namespace my_shop.Handlers;", File.ReadAllText(Path.Combine(project.Directory, "Handlers", "Hello.cs")));
        string readme = File.ReadAllText(Path.Combine(project.Directory, "README.md"));
        Assert.StartsWith("# my-shop\n", readme);
        Assert.Contains("`out/my-shop -X`", readme);
        Assert.Contains("ENTRYPOINT [\"/app/my-shop\"", File.ReadAllText(Path.Combine(project.Directory, "container", "Dockerfile")));
        Assert.Contains("Include=\"EventMpm\" Version=\"" + project.Environment["EVENTMPM_VERSION"] + "\"", File.ReadAllText(Path.Combine(project.Directory, "my-shop.csproj")));
        byte[] head = new byte[4];
        using (FileStream f = File.OpenRead(project.Binary)) f.ReadExactly(head);
        Assert.Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, head);
        Assert.False(File.Exists(Path.Combine(project.Directory, "out", "my-shop.dll")), "a NativeAOT publish has no IL entry assembly");
        // One binary and its htdocs: no symbols, no documentation files.
        Assert.Equal(new[] { "my-shop" }, System.IO.Directory.GetFiles(Path.Combine(project.Directory, "out")).Select(Path.GetFileName).ToArray());
    }

    [Fact]
    public void The_server_serves_the_handler_its_files_and_the_status_and_metrics_pages()
    {
        AssertBuilt();
        int port = MpmServer.FreePort(), tlsPort = MpmServer.FreePort();
        string output = Path.Combine(project.Directory, "out");
        Tool.Result start = Tool.Run(project.Binary, $"-k start -C \"Listen 127.0.0.1:{port}\" -C \"Listen 127.0.0.1:{tlsPort} https\"", output, timeoutSeconds: 60);
        Assert.True(start.ExitCode == 0, start.All);
        try
        {
            string Curl(string arguments) => Tool.Run("curl", $"-s -i {arguments}", timeoutSeconds: 10).Output;
            MpmServer.WaitFor(() => Curl($"http://127.0.0.1:{port}/").StartsWith("HTTP/1.1 200", StringComparison.Ordinal), 10, "the server to answer");

            string hello = Curl($"\"http://127.0.0.1:{port}/hello?name=Ada%20Lovelace\"");
            Assert.Contains("Content-Type: application/json", hello);
            Assert.EndsWith("{\"hello\":\"Ada Lovelace\"}", hello);
            Assert.EndsWith("{\"hello\":\"Grace\"}", Curl($"--data Grace http://127.0.0.1:{port}/hello"));
            Assert.StartsWith("HTTP/1.1 405", Curl($"-X DELETE http://127.0.0.1:{port}/hello"));
            Assert.Contains("<h1>my-shop</h1>", Curl($"http://127.0.0.1:{port}/"));
            // HTTPS with the development certificate the build exported and the publish copied,
            // verified by curl as the certificate of localhost.
            string certificate = Path.Combine(output, "tls", "localhost.pem");
            Assert.True(File.Exists(Path.Combine(output, "tls", "localhost.key")), "the development key is published beside the binary");
            Assert.Contains("<h1>my-shop</h1>", Curl($"--cacert {certificate} --resolve localhost:{tlsPort}:127.0.0.1 https://localhost:{tlsPort}/"));
            string status = "";
            // StartServers 2 gives 50 idle workers, fewer than MinSpareThreads' default 75, so idle
            // maintenance starts a third child a second later, as httpd's would (and a fourth if a
            // request happens to be in flight when it counts): at least the two, whenever the page is asked.
            MpmServer.WaitFor(() => System.Text.RegularExpressions.Regex.IsMatch(status = Curl($"\"http://127.0.0.1:{port}/server-status?auto\""), @"\nProcesses: [2-6]\n"), 10, "StartServers 2 to be serving");
            Assert.Contains("ServerMPM: event", status);
            Assert.Matches(@"Total Accesses: [1-9]", status); // ExtendedStatus On counts the requests above
            string metrics = Curl($"http://127.0.0.1:{port}/metrics");
            Assert.Contains("eventmpm_requests_total", metrics);
            Assert.Contains("/hello?name=Ada%20Lovelace", File.ReadAllText(Path.Combine(output, "logs", "access_log")));
        }
        finally
        {
            Tool.Result stop = Tool.Run(project.Binary, "-k stop", output, timeoutSeconds: 60);
            Assert.True(stop.ExitCode == 0, stop.All);
        }
        MpmServer.WaitFor(() => !File.Exists(Path.Combine(output, "logs", "httpd.pid")), 15, "the server to stop");
    }

    [Fact]
    public void A_mistake_in_its_httpd_conf_or_a_wrong_handler_name_fails_the_build_at_the_line()
    {
        AssertBuilt();
        string copy = Path.Combine(project.Root, "work", "Broken");
        System.IO.Directory.CreateDirectory(copy);
        foreach (string file in new[] { "my-shop.csproj", "httpd.conf", "Handlers/Hello.cs" })
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file))!);
            File.Copy(Path.Combine(project.Directory, file), Path.Combine(copy, file));
        }
        string conf = File.ReadAllText(Path.Combine(copy, "httpd.conf"));
        File.WriteAllText(Path.Combine(copy, "httpd.conf"), conf.Replace("KeepAliveTimeout 5", "KeepAliveTimout 5").Replace("SetHandler my_shop.Handlers.Hello", "SetHandler my_shop.Handlers.Helo"));
        string[] lines = File.ReadAllLines(Path.Combine(copy, "httpd.conf"));
        int typo = Array.FindIndex(lines, l => l.StartsWith("KeepAliveTimout", StringComparison.Ordinal)) + 1;
        int handler = Array.FindIndex(lines, l => l.Contains("my_shop.Handlers.Helo", StringComparison.Ordinal)) + 1;

        Tool.Result build = Tool.Run("dotnet", "build -nodeReuse:false", copy, environment: project.Environment);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"httpd.conf({typo},1): error EMPM001: Invalid command 'KeepAliveTimout'", build.Output);
        Assert.Contains($"httpd.conf({handler},16): error EMPM043: SetHandler my_shop.Handlers.Helo: no type of that name in the project", build.Output);
        Assert.Contains("(did you mean my_shop.Handlers.Hello?)", build.Output);
    }

    [Fact]
    public async System.Threading.Tasks.Task Its_container_layout_serves_from_a_chroot_and_stops_on_its_stop_signal()
    {
        AssertBuilt();
        // As the README says it: `container/rootfs.sh out rootfs`, run as typed (its mode survived
        // dotnet new) and with the binary's name left to the script's default.
        using var image = new ChrootServer(Path.Combine(project.Directory, "container", "rootfs.sh"), Path.Combine(project.Directory, "out"), NewProject.Name, passName: false);
        Assert.Contains("/app/my-shop", image.Files);
        image.AssertOnlyTheLibrariesLddLists(openSsl: true); // the template listens on https
        Assert.EndsWith("{\"hello\":\"world\"}", image.Curl("/hello"));
        Assert.Contains("ServerMPM: event", image.Curl("/server-status?auto"));
        Assert.Contains("eventmpm_workers", image.Curl("/metrics"));
        var (exitCode, stderr) = await image.Stop();
        Assert.Equal(0, exitCode);
        Assert.Contains("AH00492: caught SIGWINCH, shutting down gracefully", stderr); // the Dockerfile's STOPSIGNAL
    }
}
