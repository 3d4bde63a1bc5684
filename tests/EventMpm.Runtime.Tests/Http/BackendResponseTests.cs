using System.Text;
using EventMpm.Http;
using Xunit;

namespace EventMpm.Runtime.Tests.Http;

public class BackendResponseTests
{
    private static (int Result, BackendResponse Response) Parse(string head, bool requestWasHead = false)
    {
        var r = new BackendResponse();
        return (r.Parse(Encoding.Latin1.GetBytes(head), requestWasHead), r);
    }

    [Fact]
    public void Reads_the_status_line_and_what_frames_the_body()
    {
        var (result, r) = Parse("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nKeep-Alive: timeout=5, max=100\r\n\r\nbody follows");
        Assert.Equal(1, result);
        Assert.Equal(200, r.Status);
        Assert.Equal(ResponseFraming.ContentLength, r.Framing);
        Assert.Equal(12, r.ContentLength);
        Assert.Equal(5, r.KeepAliveTimeout);
        Assert.False(r.Closes);
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nKeep-Alive: timeout=5, max=100\r\n\r\n".Length, r.HeadLength);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", ResponseFraming.Chunked, false)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 10\r\n\r\n", ResponseFraming.Chunked, true)] // both: chunked wins, the link is not trusted again
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", ResponseFraming.UntilClose, true)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n", ResponseFraming.ContentLength, true)] // HTTP/1.0 closes unless it says keep-alive
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n", ResponseFraming.ContentLength, false)]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", ResponseFraming.None, false)]
    [InlineData("HTTP/1.1 304 Not Modified\r\n\r\n", ResponseFraming.None, false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n", ResponseFraming.ContentLength, true)]
    public void Frames_the_body_as_RFC_9112_says(string head, ResponseFraming framing, bool closes)
    {
        var (result, r) = Parse(head);
        Assert.Equal(1, result);
        Assert.Equal(framing, r.Framing);
        Assert.Equal(closes, r.Closes);
    }

    [Fact]
    public void An_answer_to_HEAD_has_no_body_whatever_its_fields_say()
        => Assert.Equal(ResponseFraming.None, Parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", requestWasHead: true).Response.Framing);

    [Fact]
    public void Waits_for_the_rest_of_a_head()
        => Assert.Equal(0, Parse("HTTP/1.1 200 OK\r\nContent-Len").Result);

    [Theory]
    [InlineData("HELLO\r\n\r\n")]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 099 Low\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")] // two lengths that disagree
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")] // chunked not last
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")] // a transfer coding the client did not ask for
    [InlineData("HTTP/1.1 200 OK\r\n folded: value\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\u0001b\r\n\r\n")]
    public void Refuses_what_it_could_not_frame_or_pass_on(string head)
        => Assert.Equal(-1, Parse(head).Result);
}
