using System.Linq;
using System.Net;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;

namespace EventMpm.Runtime.Tests.Configuration;

/// <summary>Require in &lt;Location&gt;: what the compiler keeps, what it refuses, and what the rules grant.</summary>
public sealed class RequireTests
{
    private static byte[] Address(string text)
    {
        IPAddress ip = IPAddress.Parse(text);
        return (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? ip.MapToIPv6() : ip).GetAddressBytes();
    }

    private static bool Allows(string require, string client) => RequireRules.Parse(require).Allows(Address(client));

    [Theory]
    [InlineData("all granted", "203.0.113.9", true)]
    [InlineData("all denied", "127.0.0.1", false)]
    [InlineData("local", "127.0.0.1", true)]
    [InlineData("local", "127.9.9.9", true)]
    [InlineData("local", "::1", true)]
    [InlineData("local", "10.0.0.1", false)]
    [InlineData("ip 10.1.2.3", "10.1.2.3", true)]
    [InlineData("ip 10.1.2.3", "10.1.2.4", false)]
    [InlineData("ip 10.1", "10.1.200.7", true)]        // a partial address names its network
    [InlineData("ip 10.1", "10.2.0.1", false)]
    [InlineData("ip 10.1.0.0/16", "10.1.99.1", true)]
    [InlineData("ip 10.1.0.0/255.255.0.0", "10.1.99.1", true)]
    [InlineData("ip 10.1.0.0/255.255.0.0", "10.0.99.1", false)]
    [InlineData("ip 192.168.1.0/25", "192.168.1.127", true)]
    [InlineData("ip 192.168.1.0/25", "192.168.1.128", false)]
    [InlineData("ip 2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("ip 2001:db8::/32", "2001:db9::5", false)]
    [InlineData("ip 10.0.0.1 ::1", "::1", true)]
    [InlineData("ip 10.0.0.9\nlocal", "127.0.0.1", true)] // two Require lines: either grants
    [InlineData("ip 10.0.0.9\nall denied", "127.0.0.1", false)]
    public void Rules_grant_as_mod_authz_host_does(string require, string client, bool granted)
        => Assert.Equal(granted, Allows(require, client));

    [Fact]
    public void The_compiler_keeps_each_section_s_lines_and_leaves_its_handler_to_enclosing_sections()
    {
        ConfigResult result = MemoryFileSource.Compile("Listen 80\n<Location /server-status>\nSetHandler server-status\nRequire local\nRequire ip 10.0.0.0/8\n</Location>\n<Location /private>\nRequire all denied\n</Location>\n");
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal(new[] { new LocationSpec("/server-status", "server-status", "local\nip 10.0.0.0/8"), new LocationSpec("/private", "", "all denied") },
            result.Settings.Locations.ToArray());
    }

    [Theory]
    [InlineData("Require ip 300.1.1.1", "EMPM005", "is not an IP address")]
    [InlineData("Require ip 10.0.0.0/255.0.255.0", "EMPM005", "is not an IP address")]
    [InlineData("Require all maybe", "EMPM005", "neither granted nor denied")]
    [InlineData("Require host example.org", "EMPM005", "EventMpm knows 'all granted', 'all denied', 'local' and 'ip'")]
    [InlineData("Require not ip 10.0.0.1", "EMPM017", "only inside <RequireAll>")]
    public void Bad_rules_are_errors_at_their_line(string line, string id, string message)
    {
        ConfigDiagnostic d = Assert.Single(MemoryFileSource.Compile("Listen 80\n<Location /x>\n" + line + "\n</Location>\n").Diagnostics, x => x.Level == DiagnosticLevel.Error);
        Assert.Equal(id, d.Id);
        Assert.Equal(3, d.Location.Line);
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void Require_outside_a_location_is_refused()
    {
        ConfigDiagnostic d = Assert.Single(MemoryFileSource.Compile("Listen 80\nRequire all denied\n").Diagnostics, x => x.Level == DiagnosticLevel.Error);
        Assert.Equal("EMPM015", d.Id);
    }
}
