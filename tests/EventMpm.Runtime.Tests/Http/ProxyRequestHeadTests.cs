using System.Text;
using EventMpm.Http;
using Xunit;

namespace EventMpm.Runtime.Tests.Http;

public class ProxyRequestHeadTests
{
    private static string Write(string clientHead, ProxyRequestFacts facts)
    {
        var buffer = new byte[4096];
        int length = ProxyRequestHead.Write(Encoding.Latin1.GetBytes(clientHead), facts, buffer);
        return Encoding.Latin1.GetString(buffer, 0, length);
    }

    [Fact]
    public void Says_when_the_head_does_not_fit()
        => Assert.Equal(-1, ProxyRequestHead.Write("GET / HTTP/1.1\r\nHost: h\r\n\r\n"u8, new ProxyRequestFacts("/", "b", "::1", "h", "", AddForwarded: true, BodyFraming.None, 0), new byte[20]));

    [Fact]
    public void Sends_end_to_end_fields_and_drops_hop_by_hop_ones()
    {
        string head = Write("PUT /app/x HTTP/1.0\r\nHost: example.org\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: 300\r\nTE: trailers\r\n"
            + "Upgrade: websocket\r\nProxy-Connection: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\nAccept: */*\r\nCookie: a=b\r\n\r\n",
            new ProxyRequestFacts("/v1/x", "backend:8081", "192.0.2.7", "example.org", "proxy.example", AddForwarded: true, BodyFraming.ContentLength, 3));
        Assert.Equal("PUT /v1/x HTTP/1.1\r\nHost: backend:8081\r\nAccept: */*\r\nCookie: a=b\r\nContent-Length: 3\r\n"
            + "X-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Host: example.org\r\nX-Forwarded-Server: proxy.example\r\n\r\n", head);
    }

    [Fact]
    public void Appends_to_what_earlier_proxies_wrote_and_keeps_it_when_told_not_to_add()
    {
        const string client = "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Host: first\r\n\r\n";
        string added = Write(client, new ProxyRequestFacts("/", "b", "192.0.2.7", "h", "", AddForwarded: true, BodyFraming.None, 0));
        Assert.Contains("X-Forwarded-For: 10.0.0.1, 192.0.2.7\r\n", added);
        Assert.Contains("X-Forwarded-Host: first, h\r\n", added);
        Assert.DoesNotContain("X-Forwarded-Server", added);

        string kept = Write(client, new ProxyRequestFacts("/", "b", "192.0.2.7", "h", "", AddForwarded: false, BodyFraming.None, 0));
        Assert.Contains("X-Forwarded-For: 10.0.0.1\r\n", kept);
        Assert.DoesNotContain("192.0.2.7", kept);
    }

    [Fact]
    public void A_chunked_body_stays_chunked()
    {
        string head = Write("POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", new ProxyRequestFacts("/u", "b", "::1", "h", "", AddForwarded: false, BodyFraming.Chunked, 0));
        Assert.Equal("POST /u HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n", head);
    }
}
