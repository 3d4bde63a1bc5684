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

/// <summary>ErrorDocument in its three forms, at the top level and in a &lt;Location&gt;.</summary>
public struct ErrorDocumentConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static IReadOnlyList<ErrorDocumentRule> ErrorDocuments =>
    [
        new("", 404, "/errors/404.html"),
        new("", 403, "<p>Nothing to list here</p>"),
        new("", 405, "/errors/missing.html"),
        new("/sub", 404, "https://www.example.org/lost"),
    ];
}

/// <summary>The server's own errors answered with ErrorDocument's file, message or URL, over real sockets.</summary>
public sealed class ErrorDocumentTests : IDisposable
{
    private readonly TestServer<ErrorDocumentConfig> _server = new();

    public ErrorDocumentTests()
    {
        Directory.CreateDirectory(Path.Combine(_server.Root, "errors"));
        File.WriteAllText(Path.Combine(_server.Root, "errors", "404.html"), "<h1>Our own 404</h1>\n");
        Directory.CreateDirectory(Path.Combine(_server.Root, "empty"));
    }

    public void Dispose() => _server.Dispose();

    private (int Status, string Head, byte[] Body) Send(string request)
    {
        using Socket s = _server.Connect();
        Wire.Send(s, request);
        return Wire.ReadOne(s);
    }

    [Fact]
    public void A_local_document_is_sent_with_the_errors_status_and_its_own_type()
    {
        var r = Send("GET /nowhere.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(404, r.Status);
        Assert.Equal("<h1>Our own 404</h1>\n", Encoding.ASCII.GetString(r.Body));
        Assert.Contains("Content-Type: text/html", r.Head);
    }

    [Fact]
    public void A_message_is_the_body_and_a_missing_document_leaves_the_servers_page()
    {
        var forbidden = Send("GET /empty/ HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(403, forbidden.Status);
        Assert.Equal("<p>Nothing to list here</p>", Encoding.ASCII.GetString(forbidden.Body));
        Assert.Contains("Content-Type: text/html; charset=iso-8859-1", forbidden.Head);

        var method = Send("DELETE /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(405, method.Status);
        Assert.Contains("405 Method Not Allowed", Encoding.ASCII.GetString(method.Body));
    }

    [Fact]
    public void A_URL_in_a_section_is_a_302_to_it_for_that_sections_paths_only()
    {
        var r = Send("GET /sub/gone.html HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(302, r.Status);
        Assert.Contains("Location: https://www.example.org/lost\r\n", r.Head + "\r\n");
        Assert.Equal(404, Send("GET /gone.html HTTP/1.1\r\nHost: x\r\n\r\n").Status);
    }
}
