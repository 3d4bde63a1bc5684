using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Runtime.Tests.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Proxy;

/// <summary>
/// Security and caching headers as a real httpd.conf writes them: at the top level, more in a
/// &lt;Location&gt;, RequestHeader for the backend behind /api.
/// </summary>
public struct HeaderConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 5_000;
    public static IReadOnlyList<HeaderRule> Headers =>
    [
        new("", false, true, HeaderAction.Set, "X-Frame-Options", "DENY"),
        new("", false, false, HeaderAction.Set, "Cache-Control", "max-age=60"),
        new("", false, false, HeaderAction.Unset, "ETag"),
        new("/sub", false, false, HeaderAction.Append, "Cache-Control", "public"),
        new("/api", true, false, HeaderAction.Set, "X-Forwarded-Proto", "https"),
        new("/api", true, false, HeaderAction.Unset, "Cookie"),
        new("/api", false, false, HeaderAction.Edit, "Set-Cookie", "; path=/base", "; path=/api"),
    ];

    /// <summary>What the generator emits for the edit rule above (its place in Headers is 6).</summary>
    public static string EditHeader(int rule, string value) => rule == 6 ? s_cookiePath.Replace(value, "; path=/api", 1) : value;

    private static readonly System.Text.RegularExpressions.Regex s_cookiePath = new("; path=/base");
}

/// <summary>mod_headers' Header and RequestHeader over real sockets: on files, on the server's errors (always only), on a backend's request and answer.</summary>
public sealed class HeaderTests : IDisposable
{
    private readonly TestBackend _backend = new(_ => TestBackend.Response(200, "from the backend", "Set-Cookie: id=1; path=/base\r\nETag: \"b\"\r\n"));
    private readonly TestServer<HeaderConfig> _server;

    public HeaderTests()
    {
        _server = new TestServer<HeaderConfig>(d => d with { ProxyPass = new EquatableArray<ProxyRoute>([new("/api", "http://127.0.0.1:" + _backend.Port + "/base")]) });
    }

    public void Dispose()
    {
        _server.Dispose();
        _backend.Dispose();
    }

    private (int Status, string Head, byte[] Body) Get(string path, string extra = "")
    {
        using Socket s = _server.Connect();
        Wire.Send(s, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n");
        return Wire.ReadOne(s);
    }

    [Fact]
    public void A_file_gets_the_top_levels_rules_and_a_sections_after_them()
    {
        var file = Get("/hello.txt");
        Assert.Equal(200, file.Status);
        Assert.Contains("X-Frame-Options: DENY\r\n", file.Head + "\r\n");
        Assert.Contains("Cache-Control: max-age=60\r\n", file.Head + "\r\n");
        Assert.DoesNotContain("ETag", file.Head);
        Assert.Equal("Hello, world!\n", Encoding.ASCII.GetString(file.Body));

        var sub = Get("/sub/");
        Assert.Equal(200, sub.Status);
        Assert.Contains("Cache-Control: max-age=60, public\r\n", sub.Head + "\r\n");
    }

    [Fact]
    public void The_servers_own_error_takes_only_the_always_rules()
    {
        var missing = Get("/missing.txt");
        Assert.Equal(404, missing.Status);
        Assert.Contains("X-Frame-Options: DENY\r\n", missing.Head + "\r\n");
        Assert.DoesNotContain("Cache-Control", missing.Head);
        Assert.Contains("404 Not Found", Encoding.ASCII.GetString(missing.Body));
    }

    [Fact]
    public void RequestHeader_changes_what_the_backend_is_sent_and_Header_what_the_client_is_answered()
    {
        var r = Get("/api/x", "Cookie: secret=1\r\n");
        Assert.Equal(200, r.Status);
        BackendRequest sent = _backend.Requests.Single();
        Assert.Equal("https", sent.Field("X-Forwarded-Proto"));
        Assert.Null(sent.Field("Cookie"));
        Assert.Equal("127.0.0.1:" + _backend.Port, sent.Field("Host"));
        Assert.Contains("Set-Cookie: id=1; path=/api\r\n", r.Head + "\r\n");
        Assert.Contains("Cache-Control: max-age=60\r\n", r.Head + "\r\n");
        Assert.DoesNotContain("ETag", r.Head);
        Assert.Equal("from the backend", Encoding.ASCII.GetString(r.Body));
    }
}
