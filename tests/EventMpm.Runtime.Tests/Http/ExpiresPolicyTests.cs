using System;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Http;
using Xunit;

namespace EventMpm.Runtime.Tests.Http;

/// <summary>mod_expires' fields on a head: added to a Cache-Control already there, never over an Expires, never on an error.</summary>
public class ExpiresPolicyTests
{
    private static string Apply(string status, string fields, params ExpiresRule[] rules)
    {
        var head = new byte[1024];
        int start = Encoding.ASCII.GetBytes("HTTP/1.1 " + status + "\r\n", head);
        int end = start + Encoding.ASCII.GetBytes(fields, head.AsSpan(start));
        int after = ExpiresPolicy.Of(rules)!.Apply(head, start, end, head.Length, now: 1_000_000_000);
        return Encoding.ASCII.GetString(head, start, after - start);
    }

    private static readonly ExpiresRule On = new("", null, On: true);

    [Fact]
    public void Max_age_joins_a_Cache_Control_already_there_and_Expires_follows()
        => Assert.Equal("Content-Type: text/css; charset=utf-8\r\nCache-Control: public, max-age=600\r\nExpires: Sun, 09 Sep 2001 01:56:40 GMT\r\n",
            Apply("200 OK", "Content-Type: text/css; charset=utf-8\r\ncache-control: public\r\n", On, new ExpiresRule("", "text/css", Seconds: 600)));

    [Fact]
    public void An_Expires_already_set_an_error_and_a_type_without_a_rule_are_left_alone()
    {
        string fields = "Content-Type: text/css\r\nExpires: 0\r\n";
        Assert.Equal(fields, Apply("200 OK", fields, On, new ExpiresRule("", "", Seconds: 60)));
        Assert.Equal("Content-Type: text/css\r\n", Apply("404 Not Found", "Content-Type: text/css\r\n", On, new ExpiresRule("", "", Seconds: 60)));
        Assert.Equal("Content-Type: text/css\r\n", Apply("200 OK", "Content-Type: text/css\r\n", On, new ExpiresRule("", "image/png", Seconds: 60)));
        Assert.Null(ExpiresPolicy.Of([new ExpiresRule("", "", Seconds: 60)])); // ExpiresActive not On: no policy
    }

    [Fact]
    public void A_type_matches_without_case_or_parameters_and_falls_back_to_its_major_type_then_the_default()
    {
        ExpiresRule[] rules = [On, new("", "", Seconds: 1), new("", "image/*", Seconds: 60), new("", "text/css", Seconds: 600)];
        Assert.Contains("max-age=600", Apply("200 OK", "Content-Type: Text/CSS ; charset=utf-8\r\n", rules));
        Assert.Contains("max-age=60", Apply("200 OK", "Content-Type: image/png\r\n", rules));
        Assert.Contains("max-age=1\r\n", Apply("200 OK", "Content-Type: text/plain\r\n", rules));
    }
}
