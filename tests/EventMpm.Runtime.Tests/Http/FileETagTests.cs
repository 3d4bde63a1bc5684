using System.Text;
using EventMpm.Http;
using Xunit;

namespace EventMpm.Runtime.Tests.Http;

/// <summary>FileETag's parts in the ETag, as httpd's ap_make_etag() writes them.</summary>
public class FileETagTests
{
    private static string ETag(int parts) => Encoding.ASCII.GetString(new FileValidators(new FileFacts(0x1f, 0, 0xabc), parts).ETag);

    [Fact]
    public void The_parts_asked_for_joined_by_a_dash_and_none_for_None()
    {
        Assert.Equal("\"1f-abc\"", ETag(FileFacts.ETagDefault));
        Assert.Equal("\"1f\"", ETag(FileFacts.ETagSize));
        Assert.Equal("\"abc\"", ETag(FileFacts.ETagMTime));
        Assert.Equal("", ETag(0));
    }
}
