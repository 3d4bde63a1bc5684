using System.Text;
using EventMpm.Http;

namespace EventMpm.Runtime.Tests.Http;

/// <summary>A request path never leaves DocumentRoot.</summary>
public sealed class RequestPathTests
{
    [Theory]
    [InlineData("/", "", true)]
    [InlineData("/index.html", "index.html", false)]
    [InlineData("/a/./b/../c", "a/c", false)]
    [InlineData("/sub/", "sub", true)]
    [InlineData("/a%20b.txt?x=../../y", "a b.txt", false)]
    [InlineData("/%252e%252e/x", "%2e%2e/x", false)]               // double encoding is decoded once only
    [InlineData("/a\\..\\b", "a\\..\\b", false)]                   // backslash is an ordinary character on Linux
    [InlineData("http://example.org/x/y?q", "x/y", false)]
    [InlineData("/caf%C3%A9", "café", false)]
    public void Resolves(string target, string expected, bool slash)
    {
        int status = RequestPath.Resolve(Encoding.ASCII.GetBytes(target), out string relative, out bool trailing);
        Assert.Equal((0, expected, slash), (status, relative, trailing));
    }

    [Theory]
    [InlineData("/../etc/passwd", 400)]
    [InlineData("/a/../../etc/passwd", 400)]
    [InlineData("/%2e%2e/etc/passwd", 400)]
    [InlineData("/%2e%2e%2fetc", 400)]              // %2f decodes to a separator before the segments are resolved
    [InlineData("/file%00.txt", 404)]
    [InlineData("/%c0%ae%c0%ae/etc/passwd", 400)]   // overlong UTF-8 for "."
    [InlineData("/%zz", 400)]
    [InlineData("/%4", 400)]
    public void Refuses(string target, int status)
        => Assert.Equal(status, RequestPath.Resolve(Encoding.ASCII.GetBytes(target), out _, out _));
}
