using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Runtime.Tests.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Site;

/// <summary>A directory alias (Debian's /icons/) and a file alias, outside DocumentRoot.</summary>
public struct AliasConfig : IServerConfig
{
    public static readonly string Outside = Path.Combine(Path.GetTempPath(), "eventmpm-alias-" + Environment.ProcessId);

    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static IReadOnlyList<AliasRule> Aliases => [new("/icons/", Outside + "/icons/"), new("/favicon.ico", Outside + "/site.ico"),
        new("^/docs(/.*)?$", Outside + "/manual$1", IsPattern: true)];

    /// <summary>What the generator emits for the AliasMatch above (its place is 2).</summary>
    public static string? AliasTo(int rule, string path)
        => rule == 2 && System.Text.RegularExpressions.Regex.Match(path, "^/docs(/.*)?$") is { Success: true } m ? m.Result(Outside + "/manual$1") : null;
}

/// <summary>Alias over real sockets: files beneath the target, its directory index and redirect, nothing outside it.</summary>
public sealed class AliasTests : IDisposable
{
    private readonly TestServer<AliasConfig> _server;

    public AliasTests()
    {
        Directory.CreateDirectory(Path.Combine(AliasConfig.Outside, "icons", "small"));
        File.WriteAllText(Path.Combine(AliasConfig.Outside, "icons", "a.txt"), "icon a\n");
        File.WriteAllText(Path.Combine(AliasConfig.Outside, "icons", "small", "index.html"), "<p>small icons</p>\n");
        File.WriteAllText(Path.Combine(AliasConfig.Outside, "site.ico"), "ico");
        File.WriteAllText(Path.Combine(AliasConfig.Outside, "secret.txt"), "not for the web\n");
        Directory.CreateDirectory(Path.Combine(AliasConfig.Outside, "manual"));
        File.WriteAllText(Path.Combine(AliasConfig.Outside, "manual", "index.html"), "<p>the manual</p>\n");
        File.WriteAllText(Path.Combine(AliasConfig.Outside, "manual", "page.html"), "<p>a page</p>\n");
        _server = new TestServer<AliasConfig>();
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(AliasConfig.Outside, recursive: true);
    }

    private (int Status, string Head, string Body) Get(string target)
    {
        using Socket s = _server.Connect();
        Wire.Send(s, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = Wire.ReadOne(s);
        return (r.Status, r.Head, Encoding.ASCII.GetString(r.Body));
    }

    [Fact]
    public void A_directory_alias_serves_files_beneath_it_twice_the_same_way()
    {
        Assert.Equal((200, "icon a\n"), (Get("/icons/a.txt").Status, Get("/icons/a.txt").Body)); // the second from the file cache
        Assert.Equal("<p>small icons</p>\n", Get("/icons/small/").Body);
        var redirect = Get("/icons/small");
        Assert.Equal(301, redirect.Status);
        Assert.Contains("Location: /icons/small/", redirect.Head);
        Assert.Equal("Hello, world!\n", Get("/hello.txt").Body); // DocumentRoot as before
    }

    [Fact]
    public void AliasMatch_serves_the_file_its_groups_name_beneath_its_fixed_directory()
    {
        Assert.Equal("<p>a page</p>\n", Get("/docs/page.html").Body);
        Assert.Equal("<p>the manual</p>\n", Get("/docs/").Body);
        Assert.Equal(301, Get("/docs").Status); // the manual directory, without its slash
        Assert.Equal(404, Get("/docs/missing.html").Status);
    }

    [Fact]
    public void Nothing_outside_the_target_and_nothing_beneath_a_file_alias_is_served()
    {
        Assert.Equal(404, Get("/icons/../secret.txt").Status); // dot segments resolve first: /secret.txt, under DocumentRoot
        Assert.Equal(404, Get("/icons/%2e%2e/secret.txt").Status);
        Assert.Equal((200, "ico"), (Get("/favicon.ico").Status, Get("/favicon.ico").Body));
        Assert.Equal(404, Get("/favicon.ico/more").Status);
        Assert.Equal(404, Get("/icons").Status); // "/icons/" does not take "/icons" (httpd's trailing-slash rule)
    }
}
