using System.Text;
using EventMpm.Http;

namespace EventMpm.Runtime.Tests.Http;

public sealed class FileRulesTests
{
    // 1 000 bytes, modified at 1 700 000 000 (Tue, 14 Nov 2023 22:13:20 GMT).
    private static readonly FileFacts s_file = new(1000, 1_700_000_000, 1_700_000_000_000_000);

    private static FileAnswer Decide(string fields, string method = "GET")
    {
        byte[] head = Encoding.ASCII.GetBytes(method + " / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n");
        var request = new HttpRequest();
        Assert.Equal(ParseResult.Complete, RequestParser.Parse(head, new HeadLimits(8190, 8190, 100), request, out _));
        var etag = new byte[FileFacts.MaxETagLength];
        return FileRules.Decide(head, request, s_file, new System.ReadOnlySpan<byte>(etag, 0, s_file.FormatETag(etag)));
    }

    [Fact]
    public void The_ETag_is_httpds_size_and_mtime()
    {
        var tag = new byte[FileFacts.MaxETagLength];
        Assert.Equal("\"3e8-60a24181e4000\"", Encoding.ASCII.GetString(tag, 0, s_file.FormatETag(tag)));
    }

    [Theory]
    [InlineData("", 200, 0, 1000)]
    [InlineData("If-None-Match: \"3e8-60a24181e4000\"\r\n", 304, 0, 0)]
    [InlineData("If-None-Match: W/\"3e8-60a24181e4000\"\r\n", 304, 0, 0)]
    [InlineData("If-None-Match: *\r\n", 304, 0, 0)]
    [InlineData("If-None-Match: \"other\"\r\nIf-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT\r\n", 200, 0, 1000)] // INM wins over IMS
    [InlineData("If-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT\r\n", 304, 0, 0)]
    [InlineData("If-Modified-Since: Tuesday, 14-Nov-23 22:13:19 GMT\r\n", 200, 0, 1000)]
    [InlineData("If-Match: \"other\"\r\n", 412, 0, 0)]
    [InlineData("If-Match: W/\"3e8-60a24181e4000\"\r\n", 412, 0, 0)] // If-Match compares strongly
    [InlineData("If-Unmodified-Since: Mon, 13 Nov 2023 00:00:00 GMT\r\n", 412, 0, 0)]
    [InlineData("Range: bytes=0-9\r\n", 206, 0, 10)]
    [InlineData("Range: bytes=990-\r\n", 206, 990, 10)]
    [InlineData("Range: bytes=-5\r\n", 206, 995, 5)]
    [InlineData("Range: bytes=900-5000\r\n", 206, 900, 100)]
    [InlineData("Range: bytes=1000-\r\n", 416, 0, 0)]
    [InlineData("Range: bytes=0-1,5-6\r\n", 200, 0, 1000)]  // several ranges: the whole file
    [InlineData("Range: lines=1-2\r\n", 200, 0, 1000)]
    [InlineData("Range: bytes=0-9\r\nIf-Range: \"stale\"\r\n", 200, 0, 1000)]
    [InlineData("Range: bytes=0-9\r\nIf-Range: \"3e8-60a24181e4000\"\r\n", 206, 0, 10)]
    public void Conditions_then_ranges(string fields, int status, long offset, long length)
        => Assert.Equal(new FileAnswer(status, offset, length), Decide(fields));

    [Fact]
    public void Ranges_apply_to_GET_only() => Assert.Equal(200, Decide("Range: bytes=0-9\r\n", "HEAD").Status);
}
