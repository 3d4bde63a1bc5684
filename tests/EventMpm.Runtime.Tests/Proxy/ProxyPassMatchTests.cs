using System;
using System.Linq;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Runtime.Tests.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Proxy;

/// <summary>ProxyPassMatch lines between ProxyPass lines, with the code the generator would emit for their patterns.</summary>
public struct PatternProxyConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 5_000;

    private static readonly Regex s_gif = new(@"^/(.*\.gif)$"), s_static = new("^/static/"), s_api = new("^/api/");

    public static string? ProxyTo(int rule, string path) => rule switch
    {
        0 => s_gif.Match(path) is { Success: true } m ? m.Result(ProxyPassMatchTests.Routes[0].Url) : null,
        1 => s_static.Match(path) is { Success: true } m ? m.Result("!") : null,
        2 => s_api.Match(path) is { Success: true } m ? m.Result(ProxyPassMatchTests.Routes[2].Url) : null,
        _ => null,
    };
}

/// <summary>ProxyPassMatch over real sockets: the groups in the backend's path, "!" keeping paths here, a URL without groups taking the whole path, in order with ProxyPass.</summary>
public sealed class ProxyPassMatchTests : IDisposable
{
    private static readonly TestBackend s_backend = new(_ => TestBackend.Response(200, "from the backend"));

    internal static readonly ProxyRoute[] Routes =
    [
        new(@"^/(.*\.gif)$", "http://127.0.0.1:" + s_backend.Port + "/images/$1", IsPattern: true),
        new("^/static/", "!", IsPattern: true),
        new("^/api/", "http://127.0.0.1:" + s_backend.Port + "/base", IsPattern: true),
        new("/", "http://127.0.0.1:" + s_backend.Port + "/root/"),
    ];

    private readonly TestServer<PatternProxyConfig> _server = new(d => d with { ProxyPass = new EquatableArray<ProxyRoute>(Routes) });

    public void Dispose() => _server.Dispose();

    private (int Status, string Backend) Get(string target)
    {
        int before = s_backend.Requests.Count;
        using Socket s = _server.Connect();
        Wire.Send(s, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
        int status = Wire.ReadOne(s).Status;
        return (status, s_backend.Requests.Count > before ? s_backend.Requests.Last().RequestLine : "");
    }

    [Fact]
    public void Groups_go_into_the_backends_path_a_URL_without_groups_takes_the_whole_path_and_bang_keeps_a_path_here()
    {
        Assert.Equal((200, "GET /images/a%20b/c.gif HTTP/1.1"), Get("/a%20b/c.gif"));
        Assert.Equal((200, "GET /base/api/v1?q=1 HTTP/1.1"), Get("/api/v1?q=1"));
        Assert.Equal(404, Get("/static/missing.css").Status); // not proxied: DocumentRoot has no such file
        Assert.Equal("", Get("/static/missing.css").Backend);
        Assert.Equal((200, "GET /root/other HTTP/1.1"), Get("/other"));
    }
}
