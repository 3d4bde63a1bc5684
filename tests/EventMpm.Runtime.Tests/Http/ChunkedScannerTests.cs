using System;
using System.Text;
using EventMpm.Http;
using Xunit;

namespace EventMpm.Runtime.Tests.Http;

public class ChunkedScannerTests
{
    private static int ScanAll(string text, int piece)
    {
        var scanner = new ChunkedScanner();
        byte[] bytes = Encoding.Latin1.GetBytes(text);
        int taken = 0;
        for (int at = 0; at < bytes.Length && !scanner.Done; at += piece)
        {
            int n = scanner.Scan(bytes.AsSpan(at, Math.Min(piece, bytes.Length - at)));
            if (n < 0) return -1;
            taken += n;
        }
        return scanner.Done ? taken : -2;
    }

    [Theory]
    [InlineData("5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n")]
    [InlineData("0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n")]
    [InlineData("000F\r\n0123456789abcde\r\n0\r\n\r\n")]
    public void Finds_the_end_of_a_well_formed_body_fed_in_any_pieces(string body)
    {
        foreach (int piece in new[] { 1, 2, 3, 7, 1000 })
        {
            Assert.Equal(Encoding.Latin1.GetByteCount(body), ScanAll(body + "GET / HTTP/1.1\r\n", piece));
        }
    }

    [Theory]
    [InlineData("5\r\nhelloX\r\n0\r\n\r\n")] // data longer than its size
    [InlineData("5\nhello\r\n0\r\n\r\n")] // bare LF after the size
    [InlineData("g\r\n")] // not hex
    [InlineData("\r\n")] // no size
    [InlineData("1234567890123456\r\n")] // 16 hex digits: past what a length holds
    [InlineData("5;a\nb\r\nhello\r\n")] // LF inside an extension
    [InlineData("0\r\n folded: no\r\n\r\n")] // obs-fold in the trailers
    [InlineData("0\r\n\n")] // bare LF at the end
    public void Refuses_malformed_framing(string body)
    {
        Assert.Equal(-1, ScanAll(body, 1));
        Assert.Equal(-1, ScanAll(body, 100));
    }

    [Fact]
    public void Decoding_leaves_the_data_alone_at_the_front_whatever_the_pieces()
    {
        const string body = "5;x=y\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: t\r\n\r\n";
        foreach (int piece in new[] { 1, 4, 9, 1000 })
        {
            var scanner = new ChunkedScanner();
            byte[] bytes = Encoding.Latin1.GetBytes(body + "NEXT");
            var data = new StringBuilder();
            int taken = 0;
            for (int at = 0; at < bytes.Length && !scanner.Done; at += piece)
            {
                Span<byte> part = bytes.AsSpan(at, Math.Min(piece, bytes.Length - at));
                int n = scanner.Decode(part, out int length);
                Assert.True(n >= 0);
                taken += n;
                data.Append(Encoding.Latin1.GetString(part.Slice(0, length)));
            }
            Assert.Equal("hello, world", data.ToString());
            Assert.Equal(body.Length, taken);
            Assert.Equal(12, scanner.Data);
        }
    }

    [Fact]
    public void Says_when_the_body_is_not_over_yet()
    {
        Assert.Equal(-2, ScanAll("5\r\nhel", 100));
    }
}
