using System;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using EventMpm.Configuration;
using EventMpm.Http;
using Xunit;

namespace EventMpm.Runtime.Tests.Http;

/// <summary>mod_headers' actions on a head's fields, each as httpd's documentation states it.</summary>
public class HeaderRulesTests
{
    private const string Fields = "Content-Type: text/plain\r\nCache-Control: no-cache\r\nVary: Accept\r\nETag: \"1-2\"\r\n";

    private static string Response(string fields, bool error, params HeaderRule[] rules)
    {
        var head = new byte[1024];
        int start = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n", head);
        int end = start + Encoding.Latin1.GetBytes(fields, head.AsSpan(start));
        int rewritten = Compiled(rules).Response(head, start, end, head.Length, error);
        return Encoding.Latin1.GetString(head, start, rewritten - start);
    }

    /// <summary>The rules with the edit code the generator would emit for them (a Regex per edit rule).</summary>
    private static HeaderRules Compiled(params HeaderRule[] rules)
        => new(rules.Select((r, i) => (r, i)), (i, value) => rules[i].Action == HeaderAction.Edit
            ? new Regex(rules[i].Value).Replace(value, rules[i].Replacement, 1) : new Regex(rules[i].Value).Replace(value, rules[i].Replacement));

    private static HeaderRule Rule(HeaderAction action, string name, string value = "", string replacement = "", bool always = false)
        => new("", Request: false, always, action, name, value, replacement);

    [Fact]
    public void Set_replaces_every_field_of_the_name_and_unset_removes_them()
    {
        Assert.Equal("Content-Type: text/plain\r\nVary: Accept\r\nETag: \"1-2\"\r\nCache-Control: max-age=60\r\n",
            Response(Fields + "cache-control: private\r\n", false, Rule(HeaderAction.Set, "Cache-Control", "max-age=60")));
        Assert.Equal("Content-Type: text/plain\r\nCache-Control: no-cache\r\nVary: Accept\r\n", Response(Fields, false, Rule(HeaderAction.Unset, "etag")));
    }

    [Fact]
    public void Append_joins_with_a_comma_merge_only_a_value_not_there_yet_add_always_adds()
    {
        Assert.Contains("Vary: Accept, Accept-Encoding\r\n", Response(Fields, false, Rule(HeaderAction.Append, "Vary", "Accept-Encoding")));
        Assert.Contains("Vary: Accept\r\n", Response(Fields, false, Rule(HeaderAction.Merge, "Vary", "Accept")));
        Assert.Contains("Vary: Accept, Cookie\r\n", Response(Fields, false, Rule(HeaderAction.Merge, "Vary", "Cookie")));
        Assert.Contains("X-New: 1\r\n", Response(Fields, false, Rule(HeaderAction.Append, "X-New", "1"))); // none yet: set
        string added = Response(Fields, false, Rule(HeaderAction.Add, "Vary", "Cookie"));
        Assert.Contains("Vary: Accept\r\n", added);
        Assert.Contains("Vary: Cookie\r\n", added);
    }

    [Fact]
    public void Setifempty_sets_only_a_missing_field()
    {
        Assert.Contains("Cache-Control: no-cache\r\n", Response(Fields, false, Rule(HeaderAction.SetIfEmpty, "Cache-Control", "max-age=60")));
        Assert.Contains("Expires: 0\r\n", Response(Fields, false, Rule(HeaderAction.SetIfEmpty, "Expires", "0")));
    }

    [Fact]
    public void Edit_replaces_the_first_match_and_edit_star_every_match_with_groups()
    {
        Assert.Contains("ETag: \"1-2-gzip\"\r\n", Response(Fields, false, Rule(HeaderAction.Edit, "ETag", "^\"(.*)\"$", "\"$1-gzip\"")));
        Assert.Contains("Content-Type: application/plain\r\n", Response(Fields, false, Rule(HeaderAction.Edit, "Content-Type", "^text/(.*)$", "application/$1")));
        Assert.Contains("Cache-Control: no-Cache\r\n", Response(Fields, false, Rule(HeaderAction.Edit, "Cache-Control", "c", "C")));
        Assert.Contains("Cache-Control: no-CaChe\r\n", Response(Fields, false, Rule(HeaderAction.EditAll, "Cache-Control", "c", "C")));
    }

    [Fact]
    public void Rules_apply_in_order_and_an_error_answer_takes_only_the_always_ones()
    {
        var rules = new[] { Rule(HeaderAction.Set, "X-Frame-Options", "DENY", always: true), Rule(HeaderAction.Set, "Cache-Control", "max-age=60"), Rule(HeaderAction.Append, "Cache-Control", "public") };
        string success = Response(Fields, false, rules);
        Assert.Contains("X-Frame-Options: DENY\r\n", success);
        Assert.Contains("Cache-Control: max-age=60, public\r\n", success);
        string error = Response(Fields, true, rules);
        Assert.Contains("X-Frame-Options: DENY\r\n", error);
        Assert.Contains("Cache-Control: no-cache\r\n", error);
    }

    [Fact]
    public void A_result_that_does_not_fit_leaves_the_head_as_it_was()
    {
        var head = new byte[200];
        int start = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n", head);
        int end = start + Encoding.Latin1.GetBytes(Fields, head.AsSpan(start));
        int rewritten = Compiled(Rule(HeaderAction.Set, "X-Long", new string('x', 150))).Response(head, start, end, head.Length, false);
        Assert.Equal(end, rewritten);
        Assert.Equal(Fields, Encoding.Latin1.GetString(head, start, end - start));
    }
}
