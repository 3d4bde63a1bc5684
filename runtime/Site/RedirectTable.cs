using System;
using System.Collections.Generic;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;

namespace EventMpm.Site;

/// <summary>
/// mod_alias' redirects: the top-level Redirect lines in the order written (mod_alias'
/// translate_name hook, the first match answering), then those of &lt;Location&gt; sections
/// (its fixup, later). A path matches as mod_alias' alias_matches() has it: at a segment
/// boundary, a run of '/' matching a run.
/// </summary>
internal sealed class RedirectTable
{
    private readonly RedirectRule[] _rules;

    public RedirectTable(IReadOnlyList<RedirectRule> rules)
    {
        var ordered = new List<RedirectRule>();
        foreach (RedirectRule r in rules) if (!r.InLocation) ordered.Add(r);
        foreach (RedirectRule r in rules) if (r.InLocation) ordered.Add(r);
        _rules = ordered.ToArray();
    }

    public bool IsEmpty => _rules.Length == 0;

    /// <summary>The first rule a decoded path matches, and how many of its characters the rule's path took; null when none.</summary>
    public RedirectRule? Find(ReadOnlySpan<char> path, out int matched)
    {
        foreach (RedirectRule rule in _rules)
        {
            matched = ProxyPathMatch.Length(path, rule.Path);
            if (matched >= 0) return rule;
        }
        matched = 0;
        return null;
    }
}
