using System;
using System.Linq;
using System.Text;
using CsCheck;
using EventMpm.Http;

namespace EventMpm.Runtime.Tests.Http;

/// <summary>
/// Property-based fuzzing (CsCheck) of the request parser and the path resolver: mutated
/// requests built from the bytes that matter to HTTP/1.1 framing. CI runs a few thousand inputs
/// per property; a long run sets EVENTMPM_FUZZ_ITERATIONS (README, "Hard to break").
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("EVENTMPM_FUZZ_ITERATIONS"), out int n) ? n : 5000;

    private static readonly HeadLimits Limits = new(200, 200, 10);

    private static readonly string[] Fragments =
    {
        "GET ", "HEAD ", "POST ", "BREW ", "/", "/a", "?q=1", "%", "%2e", "%00", "%zz", "..", "\\", " ", "  ", "\t", "\r", "\n", "\r\n", "\0",
        "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.", "http://", "example.org", ":80", "Host: ", "Host: a", "Content-Length: ", "5", "-1",
        "99999999999999999999", "Transfer-Encoding: ", "chunked", "gzip, chunked", "Expect: ", "100-continue", "Connection: ", "close",
        "keep-alive", ":", " :", "X:", "\u00e9", "\x7f", "\x01", "Range: bytes=0-1", "If-None-Match: \"x\"",
    };

    private static readonly int[] Statuses = { 400, 413, 414, 417, 431, 501, 505 };

    private static Gen<byte[]> Requests => Gen.Int[0, Fragments.Length - 1].Select(i => Fragments[i]).Array[0, 40]
        .Select(parts => Encoding.Latin1.GetBytes(string.Concat(parts) + (parts.Length % 3 == 0 ? "\r\n\r\n" : "")));

    [Fact]
    public void Any_input_is_complete_incomplete_or_an_error_status_and_never_throws()
    {
        Requests.Sample(bytes =>
        {
            var request = new HttpRequest(); // CsCheck samples on several threads at once
            ParseResult result = RequestParser.Parse(bytes, Limits, request, out int status);
            switch (result)
            {
                case ParseResult.Error:
                    Assert.Contains(status, Statuses);
                    break;
                case ParseResult.Complete:
                    Assert.InRange(request.HeadLength, 4, bytes.Length);
                    Assert.True(bytes.AsSpan(0, request.HeadLength).EndsWith("\r\n\r\n"u8), "a complete head must end with an empty line");
                    Assert.InRange(request.TargetStart + request.TargetLength, 1, request.HeadLength);
                    break;
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_complete_head_is_never_complete_earlier_when_it_arrives_in_pieces()
    {
        Requests.Sample(bytes =>
        {
            var request = new HttpRequest();
            if (RequestParser.Parse(bytes, Limits, request, out _) != ParseResult.Complete) return;
            int length = request.HeadLength;
            for (int k = 0; k < length; k++)
            {
                Assert.NotEqual(ParseResult.Complete, RequestParser.Parse(bytes.AsSpan(0, k), Limits, request, out _));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_resolved_path_never_leaves_the_root()
    {
        Requests.Sample(bytes =>
        {
            if (RequestPath.Resolve(bytes, out string relative, out _) != 0) return;
            string input = Encoding.Latin1.GetString(bytes) + " -> " + relative;
            Assert.False(relative.StartsWith('/'), input);
            Assert.False(relative.Contains('\0'), input);
            Assert.False(relative.Split('/').Any(segment => segment is ".." or "."), input);
        }, iter: Iterations);
    }
}
