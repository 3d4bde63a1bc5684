using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Runtime.Tests.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Site;

/// <summary>mod_alias' redirects as an httpd.conf writes them, with one "Header always" rule that must reach them.</summary>
public struct RedirectConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static IReadOnlyList<RedirectRule> Redirects =>
    [
        new("/old", 301, "https://www.example.org/new"),
        new("/moved", 302, "/elsewhere"),
        new("/gone", 410, ""),
        new("/search", 302, "https://search.example.org/?site=x"),
        new("/docs", 303, "https://docs.example.org/", InLocation: true),
        new("^/img/(.*)\\.gif$", 301, "/images/$1.png", IsPattern: true),
    ];

    /// <summary>What the generator emits for the RedirectMatch above (its place is 5).</summary>
    public static string? RedirectTo(int rule, string path)
        => rule == 5 && System.Text.RegularExpressions.Regex.Match(path, "^/img/(.*)\\.gif$") is { Success: true } m ? m.Result("/images/$1.png") : null;
    public static IReadOnlyList<HeaderRule> Headers => [new("", false, true, HeaderAction.Set, "X-Frame-Options", "DENY"), new("", false, false, HeaderAction.Set, "X-Only-On-Success", "1")];
}

/// <summary>Redirect, RedirectPermanent and RedirectTemp over real sockets: status, Location, query, and the paths they do not take.</summary>
public sealed class RedirectTests : IDisposable
{
    private readonly TestServer<RedirectConfig> _server = new();

    public void Dispose() => _server.Dispose();

    private (int Status, string Head, byte[] Body) Send(string request)
    {
        using Socket s = _server.Connect();
        Wire.Send(s, request);
        return Wire.ReadOne(s);
    }

    private (int Status, string Head, byte[] Body) Get(string target) => Send("GET " + target + " HTTP/1.1\r\nHost: www.example.com\r\n\r\n");

    private static string? Location(string head)
    {
        foreach (string line in head.Split("\r\n")) if (line.StartsWith("Location: ", StringComparison.Ordinal)) return line.Substring(10);
        return null;
    }

    [Fact]
    public void The_rest_of_the_path_and_the_query_follow_the_URL()
    {
        var r = Get("/old/a%20b/c?q=1");
        Assert.Equal(301, r.Status);
        Assert.Equal("https://www.example.org/new/a%20b/c?q=1", Location(r.Head));
        Assert.Contains("href=\"https://www.example.org/new/a%20b/c?q=1\"", Encoding.UTF8.GetString(r.Body));
        Assert.Contains("X-Frame-Options: DENY", r.Head); // Header always reaches a redirect
        Assert.DoesNotContain("X-Only-On-Success", r.Head);

        Assert.Equal("https://www.example.org/new", Location(Get("/old").Head));
        Assert.Equal(301, Send("POST /old HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").Status); // any method
    }

    [Fact]
    public void A_path_URL_is_made_absolute_on_the_clients_host_and_a_URL_with_a_query_keeps_its_own()
    {
        var moved = Get("/moved/x");
        Assert.Equal(302, moved.Status);
        Assert.Equal("http://www.example.com/elsewhere/x", Location(moved.Head));
        Assert.Equal("https://search.example.org/?site=x", Location(Get("/search?q=mine").Head));
    }

    [Fact]
    public void Gone_is_410_with_its_page_and_a_Location_sections_redirect_sends_to_its_URL_as_written()
    {
        var gone = Get("/gone/page");
        Assert.Equal(410, gone.Status);
        Assert.Null(Location(gone.Head));
        Assert.Contains("410 Gone", Encoding.ASCII.GetString(gone.Body));

        var docs = Get("/docs/guide/intro.html");
        Assert.Equal(303, docs.Status);
        Assert.Equal("https://docs.example.org/", Location(docs.Head));
    }

    [Fact]
    public void RedirectMatch_sends_the_path_its_pattern_matches_to_its_URL_with_the_groups_put_in()
    {
        var r = Get("/img/logos/big.gif?v=2");
        Assert.Equal(301, r.Status);
        Assert.Equal("http://www.example.com/images/logos/big.png?v=2", Location(r.Head));
        Assert.Equal(404, Get("/img/logos/big.png").Status);
    }

    [Fact]
    public void A_path_that_only_begins_with_the_same_letters_is_not_redirected()
    {
        Assert.Equal(404, Get("/oldish").Status);
        var file = Get("/hello.txt");
        Assert.Equal(200, file.Status);
        Assert.Contains("X-Only-On-Success: 1", file.Head);
    }
}
