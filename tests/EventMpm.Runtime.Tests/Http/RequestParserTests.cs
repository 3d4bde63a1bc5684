using System.Text;
using EventMpm.Http;

namespace EventMpm.Runtime.Tests.Http;

public sealed class RequestParserTests
{
    private static readonly HeadLimits s_limits = new(100, 80, 5);

    private static (ParseResult Result, int Status, HttpRequest Request) Parse(string head, HeadLimits? limits = null)
    {
        var request = new HttpRequest();
        ParseResult result = RequestParser.Parse(Encoding.Latin1.GetBytes(head), limits ?? s_limits, request, out int status);
        return (result, status, request);
    }

    [Fact]
    public void A_simple_request()
    {
        var (result, _, r) = Parse("GET /index.html?x=1 HTTP/1.1\r\nHost: example.org\r\nConnection: keep-alive, Upgrade\r\n\r\nNEXT");
        Assert.Equal(ParseResult.Complete, result);
        Assert.Equal((HttpMethod.Get, 1, 2), (r.Method, r.Minor, r.FieldCount));
        Assert.True(r.ConnectionKeepAlive);
        Assert.Equal("GET /index.html?x=1 HTTP/1.1\r\nHost: example.org\r\nConnection: keep-alive, Upgrade\r\n\r\n".Length, r.HeadLength);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a")]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("GET / HTT")]
    [InlineData("\r\n\r\nGET")]
    public void Incomplete_heads_wait_for_more(string head) => Assert.Equal(ParseResult.Incomplete, Parse(head).Result);

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400)]                                              // no Host in HTTP/1.1
    [InlineData("GET / HTTP/1.1\nHost: a\n\n", 400)]                                          // bare LF
    [InlineData("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400)]                                   // two spaces
    [InlineData("G\0T / HTTP/1.1\r\nHost: a\r\n\r\n", 400)]                                   // NUL in the method
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400)]                          // bare CR in a value
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400)]                          // obs-fold
    [InlineData("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400)]                                    // space before the colon
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)]                          // two Hosts
    [InlineData("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400)]                                   // invalid Host
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n", 417)]
    [InlineData("GET / HTTP/1.11\r\nHost: a\r\n\r\n", 400)]
    [InlineData("GET /#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400)]
    [InlineData("GET http://foo@a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400)]
    [InlineData("GET http://0x7f.1/ HTTP/1.1\r\nHost: a\r\n\r\n", 400)]
    [InlineData("GET http://a:80:80/ HTTP/1.1\r\nHost: a\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\n\r\n", 400)]  // LimitRequestFields 5
    public void Malformed_heads_get_httpds_status(string head, int status)
    {
        var (result, code, _) = Parse(head);
        Assert.Equal((ParseResult.Error, status), (result, code));
    }

    [Fact]
    public void A_request_line_over_LimitRequestLine_is_414_even_before_it_ends()
    {
        var (result, status, _) = Parse("GET /" + new string('a', 120) + " HTTP/1.1\r\n");
        Assert.Equal((ParseResult.Error, 414), (result, status));
        Assert.Equal(414, Parse("GET /" + new string('a', 200)).Status);
        Assert.Equal(ParseResult.Complete, Parse("GET /" + new string('a', 86) + " HTTP/1.1\r\nHost: a\r\n\r\n").Result); // exactly 100
    }

    [Fact]
    public void A_field_over_LimitRequestFieldSize_is_400()
        => Assert.Equal(400, Parse("GET / HTTP/1.1\r\nHost: a\r\nX: " + new string('v', 90) + "\r\n\r\n").Status);

    [Fact]
    public void HTTP_1_0_needs_no_Host_a_later_1_x_is_1_1_and_another_major_version_is_505()
    {
        var http10 = Parse("GET / HTTP/1.0\r\n\r\n");
        Assert.Equal((ParseResult.Complete, 0), (http10.Result, http10.Request.Minor));
        Assert.Equal(1, Parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n").Request.Minor);
        Assert.Equal((ParseResult.Error, 505), (Parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n").Result, Parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n").Status));
        Assert.Equal(505, Parse("GET / HTTP/9.9\r\nHost: a\r\n\r\n").Status);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost:\r\n\r\n", 400)]                      // an empty Host names no host (RFC 9110 §4.2.1)
    [InlineData("GET / HTTP/1.1\r\nHost: \r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.0\r\nHost:\r\n\r\n", 400)]
    [InlineData("GET http://a/ HTTP/1.1\r\nHost:\r\n\r\n", 0)]                 // the absolute-form target carries the host
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;ext=1\r\n\r\n", 400)] // chunked takes no parameters
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked ; q=1\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip;level=1\r\n\r\n", 501)] // an unknown coding, parameters or not
    public void Gaps_an_outside_prober_found(string head, int status)
        => Assert.Equal(status, Parse(head).Status);

    [Fact]
    public void Up_to_ten_blank_lines_before_a_request_are_skipped()
    {
        Assert.Equal(ParseResult.Complete, Parse(string.Concat(System.Linq.Enumerable.Repeat("\r\n", 10)) + "GET / HTTP/1.0\r\n\r\n").Result);
        Assert.Equal(ParseResult.Error, Parse(string.Concat(System.Linq.Enumerable.Repeat("\r\n", 11)) + "GET / HTTP/1.0\r\n\r\n").Result);
    }

    [Fact]
    public void Body_framing_is_recorded()
    {
        HttpRequest sized = Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n").Request;
        Assert.Equal((BodyFraming.ContentLength, 42L), (sized.Framing, sized.ContentLength));
        Assert.Equal(BodyFraming.Chunked, Parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n").Request.Framing);
        Assert.Equal(HttpMethod.Unknown, Parse("BREW / HTTP/1.1\r\nHost: a\r\n\r\n").Request.Method);
    }
}
