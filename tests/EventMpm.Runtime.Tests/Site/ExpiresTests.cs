using System;
using System.Collections.Generic;
using System.Net.Sockets;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Http;
using EventMpm.Runtime.Tests.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Site;

/// <summary>mod_expires as a site writes it: a default, a type from its modification, a major type, and a section that turns it off.</summary>
public struct ExpiresConfig : IServerConfig
{
    public static int ThreadsPerChild => 1;
    public static int MaxRequestWorkers => 1;
    public static IReadOnlyList<ExpiresRule> Expires =>
    [
        new("", null, On: true),
        new("", "", Seconds: 3600),
        new("", "text/plain", Modification: true, Seconds: 86400),
        new("", "image/*", Seconds: 60),
        new("/sub", null, On: false),
    ];
}

/// <summary>ExpiresActive, ExpiresDefault and ExpiresByType over real sockets.</summary>
public sealed class ExpiresTests : IDisposable
{
    private readonly TestServer<ExpiresConfig> _server = new();

    public void Dispose() => _server.Dispose();

    private (int Status, string Head) Get(string path)
    {
        using Socket s = _server.Connect();
        Wire.Send(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = Wire.ReadOne(s);
        return (r.Status, r.Head);
    }

    private static string? Field(string head, string name)
    {
        foreach (string line in head.Split("\r\n")) if (line.StartsWith(name + ": ", StringComparison.OrdinalIgnoreCase)) return line.Substring(name.Length + 2);
        return null;
    }

    private static long Seconds(string date) => HttpDate.TryParse(System.Text.Encoding.ASCII.GetBytes(date), out long s) ? s : throw new FormatException(date);

    [Fact]
    public void A_type_counted_from_its_modification_expires_a_day_after_its_Last_Modified()
    {
        var r = Get("/hello.txt");
        Assert.Equal(200, r.Status);
        Assert.Equal(Seconds(Field(r.Head, "Last-Modified")!) + 86400, Seconds(Field(r.Head, "Expires")!));
        long maxAge = long.Parse(Field(r.Head, "Cache-Control")!.Replace("max-age=", ""));
        Assert.InRange(maxAge, 86400 - 120, 86400); // the file was written moments ago
    }

    [Fact]
    public void Another_type_takes_the_default_from_the_request_and_a_section_may_turn_it_off()
    {
        var r = Get("/big.bin");
        Assert.Equal("max-age=3600", Field(r.Head, "Cache-Control"));
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(Seconds(Field(r.Head, "Expires")!), now + 3600 - 5, now + 3600 + 5);

        var sub = Get("/sub/");
        Assert.Equal(200, sub.Status);
        Assert.Null(Field(sub.Head, "Expires"));
        Assert.Null(Field(sub.Head, "Cache-Control"));
    }

    [Fact]
    public void An_error_gets_no_Expires()
    {
        var r = Get("/missing.txt");
        Assert.Equal(404, r.Status);
        Assert.Null(Field(r.Head, "Expires"));
    }
}
