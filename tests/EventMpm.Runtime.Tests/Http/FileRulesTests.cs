using System;
using System.Linq;
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
    [InlineData("If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n", 200, 0, 1000)] // later than now: ignored (RFC 9110 §13.1.3)
    [InlineData("If-Match: \"other\"\r\n", 412, 0, 0)]
    [InlineData("If-Match: W/\"3e8-60a24181e4000\"\r\n", 412, 0, 0)] // If-Match compares strongly
    [InlineData("If-Unmodified-Since: Mon, 13 Nov 2023 00:00:00 GMT\r\n", 412, 0, 0)]
    [InlineData("Range: bytes=0-9\r\n", 206, 0, 10)]
    [InlineData("Range: bytes=990-\r\n", 206, 990, 10)]
    [InlineData("Range: bytes=-5\r\n", 206, 995, 5)]
    [InlineData("Range: bytes=900-5000\r\n", 206, 900, 100)]
    [InlineData("Range: bytes=1000-\r\n", 416, 0, 0)]
    [InlineData("Range: bytes=0-9,5-14\r\n", 206, 0, 15)]      // overlapping ranges are merged into one
    [InlineData("Range: bytes=10-19,0-9\r\n", 206, 0, 20)]     // adjacent ones too, in any order
    [InlineData("Range: bytes=0-9,x\r\n", 200, 0, 1000)]        // bad syntax anywhere: the Range field is ignored
    [InlineData("Range: bytes=1000-,2000-\r\n", 416, 0, 0)]    // none satisfiable
    [InlineData("Range: lines=1-2\r\n", 200, 0, 1000)]
    [InlineData("Range: bytes=0-9\r\nIf-Range: \"stale\"\r\n", 200, 0, 1000)]
    [InlineData("Range: bytes=0-9\r\nIf-Range: \"3e8-60a24181e4000\"\r\n", 206, 0, 10)]
    public void Conditions_then_ranges(string fields, int status, long offset, long length)
        => Assert.Equal(new FileAnswer(status, offset, length), Decide(fields));

    [Fact]
    public void Several_ranges_are_multipart_sorted_and_bounded()
    {
        FileAnswer two = Decide("Range: bytes=500-509, 0-1, 2000-\r\n"); // the unsatisfiable one is left out
        Assert.Equal((206, 12L), (two.Status, two.Length));
        Assert.Equal(new[] { new ByteRange(0, 2), new ByteRange(500, 10) }, two.Ranges);
        // Overlapping ranges, the shape of CVE-2011-3192, merge into one range of the file rather than as many parts.
        string overlapping = string.Join(",", System.Linq.Enumerable.Range(0, 150).Select(i => "0-" + (i + 1)));
        Assert.Equal(new FileAnswer(206, 0, 151), Decide("Range: bytes=" + overlapping + "\r\n"));
        // More ranges than httpd's MaxRanges (200): the whole file.
        string many = string.Join(",", System.Linq.Enumerable.Range(0, 201).Select(i => (i * 4) + "-" + (i * 4 + 1)));
        Assert.Equal(new FileAnswer(200, 0, 1000), Decide("Range: bytes=" + many + "\r\n"));
    }

    [Fact]
    public void A_multipart_body_has_a_part_per_range_and_a_closing_delimiter()
    {
        byte[] file = Encoding.ASCII.GetBytes("0123456789abcdefghij");
        byte[] body = MultipartByteranges.Build([new ByteRange(0, 3), new ByteRange(10, 2)], file.Length, "text/plain"u8,
            (offset, into) => { file.AsSpan((int)offset, into.Length).CopyTo(into); return true; })!;
        string b = MultipartByteranges.Boundary;
        Assert.Equal($"--{b}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-2/20\r\n\r\n012\r\n"
            + $"--{b}\r\nContent-Type: text/plain\r\nContent-Range: bytes 10-11/20\r\n\r\nab\r\n--{b}--\r\n", Encoding.ASCII.GetString(body));
        Assert.Null(MultipartByteranges.Build([new ByteRange(0, 3)], 20, default, (_, _) => false));
    }

    [Fact]
    public void Ranges_apply_to_GET_only() => Assert.Equal(200, Decide("Range: bytes=0-9\r\n", "HEAD").Status);
}
