using System;
using System.Linq;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Runtime.Tests.Event;
using EventMpm.Runtime.Tests.Proxy;
using Xunit;

namespace EventMpm.Runtime.Tests.Site;

/// <summary>Debian's security.conf, roughly: ServerTokens Prod, ServerSignature On, TraceEnable Off.</summary>
public struct IdentityConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static string ServerTokens => "Prod";
    public static bool ServerSignature => true;
    public static bool TraceEnable => false;
    public static int FileETag => 0; // FileETag None
    public static bool ProxyStatus => false;
    public static IReadOnlyList<LocationSpec> Locations => [new("/server-status", "server-status")];
}

/// <summary>What the server says of itself, and TRACE refused before it reaches a backend.</summary>
public sealed class ServerIdentityTests : IDisposable
{
    private readonly TestBackend _backend = new(_ => TestBackend.Response(200, "traced"));
    private readonly TestServer<IdentityConfig> _server;

    public ServerIdentityTests()
    {
        _server = new TestServer<IdentityConfig>(d => d with { ProxyPass = new EquatableArray<ProxyRoute>([new("/api", "http://127.0.0.1:" + _backend.Port + "/")]) });
    }

    public void Dispose()
    {
        _server.Dispose();
        _backend.Dispose();
    }

    private (int Status, string Head, byte[] Body) Send(string request)
    {
        using Socket s = _server.Connect();
        Wire.Send(s, request);
        return Wire.ReadOne(s);
    }

    [Fact]
    public void ServerTokens_Prod_names_the_product_only_and_ServerSignature_signs_the_servers_pages()
    {
        var file = Send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Contains("\r\nServer: EventMpm\r\n", file.Head + "\r\n");

        var missing = Send("GET /missing HTTP/1.1\r\nHost: www.example.com:8080\r\n\r\n");
        Assert.Equal(404, missing.Status);
        Assert.Contains("<address>EventMpm Server at www.example.com Port 8080</address>", Encoding.ASCII.GetString(missing.Body));
    }

    [Fact]
    public void ProxyStatus_Off_leaves_the_proxys_counts_off_the_status_page()
    {
        var status = Send("GET /server-status?auto HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, status.Status);
        string page = Encoding.ASCII.GetString(status.Body);
        Assert.Contains("BusyWorkers: ", page);
        Assert.DoesNotContain("ProxyWaitingOnBackend", page);
    }

    [Fact]
    public void FileETag_None_sends_no_ETag_and_Last_Modified_still_validates()
    {
        var file = Send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.DoesNotContain("ETag", file.Head);
        string modified = file.Head.Split("\r\n").Single(l => l.StartsWith("Last-Modified: ", StringComparison.Ordinal)).Substring(15);
        Assert.Equal(304, Send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + modified + "\r\n\r\n").Status);
        Assert.Equal(200, Send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"e-0\"\r\n\r\n").Status);
    }

    [Fact]
    public void TraceEnable_Off_answers_TRACE_405_without_asking_the_backend()
    {
        Assert.Equal(405, Send("TRACE /api/x HTTP/1.1\r\nHost: x\r\n\r\n").Status);
        Assert.Empty(_backend.Requests);
        Assert.Equal(200, Send("GET /api/x HTTP/1.1\r\nHost: x\r\n\r\n").Status);
    }
}
