using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Runtime.Tests.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Proxy;

/// <summary>ProxyPreserveHost On and ProxyAddHeaders Off, in front of backends given per test.</summary>
public struct PreservingProxyConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 5_000;
    public static bool ProxyPreserveHost => true;
    public static bool ProxyAddHeaders => false;
}

/// <summary>What the proxy's directives and ProxyPass parameters change, each seen where it acts: on the backend.</summary>
public sealed class ProxyOptionsTests
{
    private static TestServer<PreservingProxyConfig> Proxy(params ProxyRoute[] routes)
        => new(d => d with { ProxyPass = new EquatableArray<ProxyRoute>(routes) });

    private static (int Status, string Head, byte[] Body) Get(TestServer<PreservingProxyConfig> proxy, string path, string host = "www.example.org")
    {
        using Socket s = proxy.Connect();
        Wire.Send(s, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n");
        return Wire.ReadOne(s);
    }

    [Fact]
    public void ProxyPreserveHost_sends_the_clients_Host_and_ProxyAddHeaders_Off_adds_nothing()
    {
        using var backend = new TestBackend(_ => TestBackend.Response(200, "ok"));
        using var proxy = Proxy(new ProxyRoute("/", "http://127.0.0.1:" + backend.Port + "/"));
        Assert.Equal(200, Get(proxy, "/x").Status);
        BackendRequest sent = backend.Requests.Single();
        Assert.Equal("www.example.org", sent.Field("Host"));
        Assert.Equal("10.0.0.1", sent.Field("X-Forwarded-For")); // an earlier proxy's, passed on unchanged
        Assert.Null(sent.Field("X-Forwarded-Host"));
        Assert.Null(sent.Field("X-Forwarded-Server"));
    }

    [Fact]
    public void Disablereuse_opens_a_connection_per_request_and_ttl_drops_one_idle_too_long()
    {
        using var backend = new TestBackend(_ => TestBackend.Response(200, "ok"));
        string url = "http://127.0.0.1:" + backend.Port + "/";
        using var proxy = Proxy(new ProxyRoute("/once", url, DisableReuse: true), new ProxyRoute("/ttl", url, Ttl: 1));
        Get(proxy, "/once/1");
        Get(proxy, "/once/2");
        Assert.Equal(new[] { 1, 2 }, backend.Requests.Select(r => r.Connection).ToArray());

        Get(proxy, "/ttl/1");
        Get(proxy, "/ttl/2"); // within the second: the same connection
        Thread.Sleep(1_100); // past ttl
        Get(proxy, "/ttl/3");
        Assert.Equal(new[] { 1, 2, 3, 3, 4 }, backend.Requests.Select(r => r.Connection).ToArray());
    }

    [Fact]
    public void A_backend_that_refused_is_left_alone_for_retry_seconds()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port; // free once closed: the first connect is refused
        }
        using var proxy = Proxy(new ProxyRoute("/", "http://127.0.0.1:" + port + "/", Retry: 60));
        Assert.Equal(503, Get(proxy, "/a").Status); // refused (AH00957)
        using var backend = new TestBackend(_ => TestBackend.Response(200, "up now"), port);
        Assert.Equal(503, Get(proxy, "/b").Status); // up, but within retry: not asked (AH00940)
        Assert.Empty(backend.Requests);
    }
}
