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

/// <summary>ProxyErrorOverride On 404 410: those two statuses from a backend are answered with this server's pages.</summary>
public struct OverridingProxyConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static int TimeoutMilliseconds => 5_000;
    public static bool ProxyErrorOverride => true;
    public static string ProxyErrorOverrideStatuses => "404 410";
}

/// <summary>What the proxy's directives and ProxyPass parameters change, each seen where it acts: on the backend, or on the client.</summary>
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
    public void ProxyErrorOverride_answers_the_statuses_it_names_with_this_servers_page_and_relays_the_others()
    {
        using var backend = new TestBackend(r => r.RequestLine.Contains("/missing") ? TestBackend.Response(404, "the backend's own 404 page")
            : r.RequestLine.Contains("/chunked") ? Encoding.ASCII.GetBytes("HTTP/1.1 410 Gone Away\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ngone!\r\n0\r\n\r\n")
            : TestBackend.Response(409, "the backend's own 409 page"));
        using var proxy = new TestServer<OverridingProxyConfig>(d => d with { ProxyPass = new EquatableArray<ProxyRoute>([new("/", "http://127.0.0.1:" + backend.Port + "/")]) });
        using Socket s = proxy.Connect();

        Wire.Send(s, "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
        var missing = Wire.ReadOne(s);
        Assert.Equal(404, missing.Status);
        Assert.Contains("<h1>404 Not Found</h1>", Encoding.ASCII.GetString(missing.Body));
        Assert.Contains("Content-Type: text/html; charset=utf-8", missing.Head);

        Wire.Send(s, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n"); // the same connection: kept after an overridden answer
        var other = Wire.ReadOne(s);
        Assert.Equal(409, other.Status); // not named: relayed as the backend said it
        Assert.Equal("the backend's own 409 page", Encoding.ASCII.GetString(other.Body));

        Wire.Send(s, "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
        var gone = Wire.ReadOne(s);
        Assert.Equal(410, gone.Status);
        Assert.Contains("<h1>410 Gone</h1>", Encoding.ASCII.GetString(gone.Body));
        Assert.DoesNotContain("gone!", Encoding.ASCII.GetString(gone.Body));

        // A head with its whole (Content-Length) body leaves a link fit for the next request; a
        // chunked body it did not read does not: the next request opens a new connection.
        Wire.Send(s, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(409, Wire.ReadOne(s).Status);
        Assert.Equal(new[] { 1, 1, 1, 2 }, backend.Requests.Select(r => r.Connection).ToArray());
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
