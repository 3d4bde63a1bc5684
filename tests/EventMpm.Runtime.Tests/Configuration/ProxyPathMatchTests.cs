using EventMpm.Configuration.Directives;
using Xunit;

namespace EventMpm.Runtime.Tests.Configuration;

/// <summary>mod_proxy's alias_match(): prefixes at segment boundaries, runs of slashes alike.</summary>
public class ProxyPathMatchTests
{
    [Theory]
    [InlineData("/api", "/api", 4)]
    [InlineData("/api/x", "/api", 4)]
    [InlineData("/apix", "/api", -1)]
    [InlineData("/api", "/api/", -1)]
    [InlineData("/api/x", "/api/", 5)]
    [InlineData("//api///x", "/api/", 8)]
    [InlineData("/", "/", 1)]
    [InlineData("/anything", "/", 1)]
    [InlineData("/ap", "/api", -1)]
    public void Matches_as_mod_proxy_does(string path, string alias, int length)
        => Assert.Equal(length, ProxyPathMatch.Length(path, alias));

    [Theory]
    [InlineData("/api", "/api/v2", true)]
    [InlineData("/api", "/api", true)]
    [InlineData("/", "/anything", true)]
    [InlineData("/api/", "/api", false)]
    [InlineData("/api/v2", "/api", false)]
    [InlineData("/api", "/apiv2", false)]
    public void Knows_when_an_earlier_path_covers_a_later_one(string earlier, string later, bool covers)
        => Assert.Equal(covers, ProxyPathMatch.Covers(earlier, later));
}
