using System.Text;
using EventMpm.Http;

namespace EventMpm.Runtime.Tests.Http;

/// <summary>httpd's ap_set_keepalive (http_protocol.c), as observed.</summary>
public sealed class KeepAlivePolicyTests
{
    private static HttpRequest Request(string head)
    {
        var r = new HttpRequest();
        Assert.Equal(ParseResult.Complete, RequestParser.Parse(Encoding.ASCII.GetBytes(head), new HeadLimits(8190, 8190, 100), r, out _));
        return r;
    }

    private static readonly HttpRequest s_http11 = Request("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

    [Fact]
    public void MaxKeepAliveRequests_100_allows_101_requests()
    {
        Assert.True(KeepAlivePolicy.Decide(s_http11, 200, true, 5000, 100, served: 0, stopping: false, out int left));
        Assert.Equal(100, left);
        Assert.True(KeepAlivePolicy.Decide(s_http11, 200, true, 5000, 100, served: 99, stopping: false, out left));
        Assert.Equal(1, left);
        Assert.False(KeepAlivePolicy.Decide(s_http11, 200, true, 5000, 100, served: 100, stopping: false, out _)); // the 101st closes
        Assert.True(KeepAlivePolicy.Decide(s_http11, 200, true, 5000, 0, served: 100_000, stopping: false, out _)); // 0: unlimited
    }

    [Theory]
    [InlineData("GET / HTTP/1.0\r\n\r\n", 200, false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200, true)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 200, false)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 404, true)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, false)]   // statuses that drop the connection
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 413, false)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 501, false)]
    public void Versions_tokens_and_statuses(string head, int status, bool keep)
        => Assert.Equal(keep, KeepAlivePolicy.Decide(Request(head), status, true, 5000, 100, 0, false, out _));

    [Fact]
    public void Off_a_zero_timeout_or_stopping_close()
    {
        Assert.False(KeepAlivePolicy.Decide(s_http11, 200, keepAliveOn: false, 5000, 100, 0, false, out _));
        Assert.False(KeepAlivePolicy.Decide(s_http11, 200, true, keepAliveTimeoutMs: 0, 100, 0, false, out _));
        Assert.False(KeepAlivePolicy.Decide(s_http11, 200, true, 5000, 100, 0, stopping: true, out _));
    }
}
