using System;
using System.Linq;
using System.Text;

namespace EventMpm.EndToEnd.Tests.Conformance;

/// <summary>The server's answers read by a strict client (<see cref="ResponseReader"/>): framing, keep-alive, conditions, ranges.</summary>
public sealed partial class ConformanceTests
{
    private const string Small = "/hello.txt", Big = "/big.txt";

    [Fact]
    public void GET_HEAD_GET_on_one_connection_HEAD_has_no_body_and_the_same_Content_Length()
    {
        using var c = new Client(server);
        HttpResponse get = c.Get(Small);
        Assert.Equal((200, "Hello, world!\n"), (get.Status, get.Text));
        Assert.Equal("14", get.Field("Content-Length"));
        HttpResponse head = c.Request("HEAD", Small);
        Assert.Equal(200, head.Status);
        Assert.Equal(get.Field("Content-Length"), head.Field("Content-Length"));
        // A body sent after the HEAD's head would be read here as a status line and refused.
        HttpResponse again = c.Get(Small);
        Assert.Equal(get.Text, again.Text);
    }

    [Fact]
    public void Conditional_requests_304_without_a_body_If_None_Match_over_If_Modified_Since_and_412()
    {
        using var c = new Client(server);
        HttpResponse first = c.Get(Small);
        string etag = first.Field("ETag")!, modified = first.Field("Last-Modified")!;
        Assert.NotNull(etag);
        Assert.NotNull(modified);
        foreach (string condition in new[] { "If-None-Match: " + etag, "If-Modified-Since: " + modified, "If-None-Match: *" })
        {
            HttpResponse r = c.Get(Small, condition + "\r\n");
            Assert.Equal(304, r.Status);
            Assert.Empty(r.Body);
            Assert.True(r.Field("Content-Length") is null || r.Field("Content-Length") == "14", condition);
        }
        // RFC 9110 §13.2.2: If-None-Match is evaluated and If-Modified-Since then ignored.
        Assert.Equal(200, c.Get(Small, "If-None-Match: \"other\"\r\nIf-Modified-Since: " + modified + "\r\n").Status);
        Assert.Equal(304, c.Request("HEAD", Small, "If-None-Match: " + etag + "\r\n").Status);
        Assert.Equal(412, c.Get(Small, "If-Match: \"other\"\r\n").Status);
        Assert.Equal(412, c.Get(Small, "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n").Status);
    }

    [Fact]
    public void Ranges_single_suffix_open_clamped_unsatisfiable_multipart_and_If_Range()
    {
        using var c = new Client(server);
        HttpResponse whole = c.Get(Big);
        byte[] full = whole.Body;
        Assert.Equal(server.BigText, full);
        int n = full.Length;
        foreach (var (range, part) in new[] { ("0-99", full[..100]), ("-50", full[^50..]), ($"{n - 10}-", full[^10..]), ($"0-{2 * n}", full) })
        {
            HttpResponse r = c.Get(Big, "Range: bytes=" + range + "\r\n");
            Assert.True(r.Status == 206, range + ": " + r.Status);
            Assert.Equal(part, r.Body);
            Assert.Matches(@"^bytes \d+-\d+/" + n + "$", r.Field("Content-Range"));
        }
        // RFC 9110 §15.5.17: a 416 says the length in Content-Range.
        HttpResponse none = c.Get(Big, $"Range: bytes={n}-\r\n");
        Assert.Equal((416, "bytes */" + n), (none.Status, none.Field("Content-Range")));

        // Several ranges: multipart/byteranges, or the whole file (RFC 9110 §14.2 lets a server ignore Range).
        HttpResponse two = c.Get(Big, "Range: bytes=0-9,20-29\r\n");
        if (two.Status == 200) Assert.Equal(full, two.Body);
        else Assert.StartsWith("multipart/byteranges; boundary=", two.Field("Content-Type"));
        if (two.Status == 206)
        {
            string boundary = two.Field("Content-Type")!.Split("boundary=")[1].Trim('"');
            string text = two.Text;
            Assert.Equal(3, text.Split("--" + boundary).Length - 1); // two parts and the closing delimiter
            Assert.Contains(Encoding.Latin1.GetString(full[..10]), text);
            Assert.Contains(Encoding.Latin1.GetString(full[20..30]), text);
        }

        Assert.Equal(full[..10], c.Get(Big, "Range: bytes=0-9\r\nIf-Range: " + whole.Field("ETag") + "\r\n").Body);
        HttpResponse stale = c.Get(Big, "Range: bytes=0-9\r\nIf-Range: \"stale\"\r\n");
        Assert.Equal((200, n), (stale.Status, stale.Body.Length));
    }

    [Fact]
    public void A_refused_method_gets_405_with_Allow()
    {
        using var c = new Client(server);
        HttpResponse r = c.Request("DELETE", Small);
        Assert.Equal(405, r.Status);
        Assert.NotNull(r.Field("Allow")); // RFC 9110 §15.5.6: MUST
    }

    [Fact]
    public void Four_pipelined_requests_in_one_write_are_answered_in_order()
    {
        using var c = new Client(server);
        c.Send(string.Concat(new[] { Small, Big, "/no-such-file", Small }.Select(p => Client.Head("GET", p))));
        int[] statuses = new int[4];
        int[] lengths = new int[4];
        for (int i = 0; i < 4; i++)
        {
            HttpResponse r = c.Reader.Read();
            (statuses[i], lengths[i]) = (r.Status, r.Body.Length);
        }
        Assert.Equal(new[] { 200, 200, 404, 200 }, statuses);
        Assert.Equal((14, server.BigText.Length, 14), (lengths[0], lengths[1], lengths[3]));
    }

    [Theory]
    [InlineData(Small)]
    [InlineData("/server-status")]
    public void HTTP_1_0_gets_no_chunked_answer_and_a_close_unless_it_asks_for_keep_alive(string path)
    {
        using (var c = new Client(server))
        {
            HttpResponse r = c.Request("GET", path, version: "HTTP/1.0");
            Assert.Equal(200, r.Status);
            Assert.Null(r.Field("Transfer-Encoding"));
            Assert.True(c.ClosedByServer(), "an HTTP/1.0 request without keep-alive left the connection open");
        }
        using (var c = new Client(server))
        {
            HttpResponse r = c.Request("GET", path, "Connection: keep-alive\r\n", version: "HTTP/1.0");
            Assert.Equal("keep-alive", r.Field("Connection")!.ToLowerInvariant());
            Assert.Equal(200, c.Request("GET", path, version: "HTTP/1.0").Status);
        }
    }

    [Fact]
    public void Connection_close_is_answered_with_close_and_a_close()
    {
        using var c = new Client(server);
        HttpResponse r = c.Get(Small, "Connection: close\r\n");
        Assert.Equal("close", r.Field("Connection"));
        Assert.True(c.ClosedByServer(), "the server kept the connection open after Connection: close");
    }

    [Fact]
    public void Expect_100_continue_is_answered_before_the_body_is_sent()
    {
        using var c = new Client(server);
        c.Send("POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
        // Either 100 Continue, or a final answer (405) before any of the body is sent.
        var buffer = new byte[12];
        int n = 0;
        while (n < buffer.Length) n += c.Socket.Receive(buffer, n, buffer.Length - n, System.Net.Sockets.SocketFlags.None);
        string status = Encoding.ASCII.GetString(buffer);
        Assert.Matches(@"^HTTP/1\.1 (100|405|413|417)$", status);
    }

    [Fact]
    public void A_chunked_request_body_is_consumed_and_the_connection_serves_the_next_request()
    {
        using var c = new Client(server);
        var body = new StringBuilder();
        for (int i = 0; i < 25; i++) body.Append("fa0\r\n").Append('A', 0xfa0).Append("\r\n"); // 100,000 bytes
        body.Append("0\r\n\r\n");
        c.Send(Client.Head("POST", Small, "Transfer-Encoding: chunked\r\n") + body);
        HttpResponse r = c.Reader.Read("POST");
        Assert.InRange(r.Status, 400, 499);
        if (!r.Closes) Assert.Equal(200, c.Get(Small).Status);
    }

    [Fact]
    public void The_status_page_and_its_auto_form_are_served()
    {
        using var c = new Client(server);
        HttpResponse page = c.Get("/server-status");
        Assert.Equal(200, page.Status);
        Assert.Contains("<h1>Server Status for ", page.Text);
        Assert.Contains("<dt>Capacity: 16 processes x 25 threads = 400 workers; at most 400400 connections</dt>", page.Text); // BenchSite's
        HttpResponse auto = c.Get("/server-status?auto");
        Assert.Equal(200, auto.Status);
        Assert.Matches(@"\nBusyWorkers: \d+\n", auto.Text);
    }

    [Fact]
    public void Errors_and_odd_methods_are_well_framed()
    {
        var c = new Client(server);
        try
        {
            foreach (var (method, target, status) in new[] { ("GET", "/no-such-file", 404), ("DELETE", Small, 405), ("BREW", Small, 501), ("OPTIONS", "*", 405), ("OPTIONS", Small, 405) })
            {
                HttpResponse r = c.Request(method, target);
                Assert.True(r.Status == status, $"{method} {target}: {r.Status}");
                if (r.Status == 405) Assert.NotNull(r.Field("Allow"));
                if (!r.Closes) continue;
                Assert.True(c.ClosedByServer(), $"{method} {target} said close and kept the connection");
                c.Dispose();
                c = new Client(server);
            }
        }
        finally
        {
            c.Dispose();
        }
    }

    [Fact]
    public void Date_is_an_IMF_fixdate_and_Content_Type_is_present()
    {
        using var c = new Client(server);
        HttpResponse r = c.Get(Small);
        DateTime date = DateTime.ParseExact(r.Field("Date")!, "ddd, dd MMM yyyy HH:mm:ss 'GMT'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(date, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("text/plain", r.Field("Content-Type"));
    }
}
