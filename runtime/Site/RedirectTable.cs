using System;
using System.Collections.Generic;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using EventMpm.Http;

namespace EventMpm.Site;

/// <summary>
/// mod_alias' redirects: the top-level Redirect and RedirectMatch lines in the order written
/// (mod_alias' translate_name hook, the first match answering), then those of &lt;Location&gt;
/// sections (its fixup, later). A Redirect's path matches as mod_alias' alias_matches() has it (at
/// a segment boundary, a run of '/' matching a run), and the rest of the path follows its URL; a
/// RedirectMatch's pattern is compiled into the configuration's code (IServerConfig.RedirectTo).
/// </summary>
internal sealed class RedirectTable
{
    private readonly (RedirectRule Rule, int Index)[] _rules;
    private readonly Func<int, string, string?> _redirectTo;

    /// <param name="redirectTo">A RedirectMatch's URL for a path, by the rule's place in <paramref name="rules"/>; null when it does not match.</param>
    public RedirectTable(IReadOnlyList<RedirectRule> rules, Func<int, string, string?>? redirectTo = null)
    {
        _redirectTo = redirectTo ?? (static (_, _) => null);
        var ordered = new List<(RedirectRule, int)>();
        for (int i = 0; i < rules.Count; i++) if (!rules[i].InLocation) ordered.Add((rules[i], i));
        for (int i = 0; i < rules.Count; i++) if (rules[i].InLocation) ordered.Add((rules[i], i));
        _rules = ordered.ToArray();
    }

    public bool IsEmpty => _rules.Length == 0;

    /// <summary>
    /// The first rule a decoded path matches, and where it sends the path (its URL with the rest
    /// of the path encoded again, or the RedirectMatch's URL; empty for a status without one);
    /// null when none matches.
    /// </summary>
    public RedirectRule? Find(string path, out string url)
    {
        foreach (var (rule, index) in _rules)
        {
            if (rule.IsPattern)
            {
                if (_redirectTo(index, path) is not string to) continue;
                url = to;
                return rule;
            }
            int matched = ProxyPathMatch.Length(path, rule.Path);
            if (matched < 0) continue;
            if (rule.InLocation || rule.Url.Length == 0)
            {
                url = rule.Url;
                return rule;
            }
            var target = new StringBuilder(rule.Url, rule.Url.Length + path.Length - matched + 8);
            RequestPath.Escape(path.Substring(matched), target);
            url = target.ToString();
            return rule;
        }
        url = "";
        return null;
    }
}
