using System.Collections.Generic;

namespace EventMpm.Configuration.Directives;

/// <summary>mod_alias' directives: Alias, AliasMatch, Redirect, RedirectMatch, RedirectPermanent and RedirectTemp.</summary>
public static partial class DirectiveCatalog
{
    private static IEnumerable<DirectiveDefinition> AliasRows()
    {
        const DirectiveContexts Both = DirectiveContexts.Server | DirectiveContexts.Location;
        yield return new("Alias", Arity.Two, C, "Serves a URL-path from a directory or file outside DocumentRoot: Alias /icons/ /usr/share/icons/", "", Alias, repeatable: true)
            { Show = s => s.Aliases.Count == 0 ? "" : s.Aliases.Count + (s.Aliases.Count == 1 ? " alias" : " aliases") };
        yield return new("AliasMatch", Arity.Two, C, "Serves the paths a regular expression matches from files outside DocumentRoot: AliasMatch ^/icons/(.*) /usr/share/icons/$1", "", AliasMatch, repeatable: true);
        yield return new("Redirect", Arity.OneOrMore, C, "Answers a path with a redirect: Redirect [permanent|temp|seeother|gone|status] /path URL (in <Location>: Redirect [status] URL)", "", c => Redirect(c, null, pattern: false), Both, repeatable: true)
            { Show = s => s.Redirects.Count == 0 ? "" : s.Redirects.Count + (s.Redirects.Count == 1 ? " redirect" : " redirects") };
        yield return new("RedirectMatch", Arity.OneOrMore, C, "Answers the paths a regular expression matches with a redirect: RedirectMatch [status] regex URL ($1... for its groups)", "", c => Redirect(c, null, pattern: true), repeatable: true);
        yield return new("RedirectPermanent", Arity.OneOrMore, C, "Redirect permanent (301): RedirectPermanent /path URL", "", c => Redirect(c, 301, pattern: false), Both, repeatable: true);
        yield return new("RedirectTemp", Arity.OneOrMore, C, "Redirect temp (302): RedirectTemp /path URL", "", c => Redirect(c, 302, pattern: false), Both, repeatable: true);
    }

    /// <summary>mod_alias.c: add_alias(): a URL-path and where its files are.</summary>
    private static void Alias(DirectiveCall c)
    {
        string path = c.Arg(0), target = c.Arg(1);
        if (!path.StartsWith("/", System.StringComparison.Ordinal))
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "Alias: the URL-path '" + path + "' must start with '/'");
            return;
        }
        if (target.Length == 0 || target.IndexOf('\0') >= 0)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 1, "Alias: '" + target + "' is not a file-system path");
            return;
        }
        // httpd's documentation warns of it: "/icons/" with "/usr/share/icons" maps "/icons/x" to "/usr/share/iconsx".
        if (path.EndsWith("/", System.StringComparison.Ordinal) && !target.EndsWith("/", System.StringComparison.Ordinal) && path.Length > 1)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 1, "Alias " + path + " " + target + ": the URL-path ends with '/' and the target does not, so httpd would map " + path + "x to " + target + "x; end both with '/'");
            return;
        }
        c.Settings.Aliases.Add(new AliasRule(path, target));
    }

    /// <summary>mod_alias.c: add_alias_regex(): a pattern and the file path its groups make, beneath the target's fixed directory.</summary>
    private static void AliasMatch(DirectiveCall c)
    {
        if (PatternProblem?.Invoke(c.Arg(0)) is string why)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "AliasMatch: '" + c.Arg(0) + "' is not a regular expression: " + why);
            return;
        }
        string target = c.Arg(1);
        if (target.Length == 0 || target[0] == '$')
        {
            c.Error(DiagnosticCatalog.InvalidValue, 1, "AliasMatch: the target '" + target + "' must begin with a fixed directory (/usr/share/icons/$1): the files it serves lie beneath it");
            return;
        }
        c.Settings.Aliases.Add(new AliasRule(c.Arg(0), target, IsPattern: true));
    }

    /// <summary>mod_alias.c: add_redirect_internal(): an optional status word or number, the path (not in &lt;Location&gt;), and a URL for a 3xx.</summary>
    private static void Redirect(DirectiveCall c, int? fixedStatus, bool pattern)
    {
        string directive = c.Definition.Name;
        int i = 0, status = fixedStatus ?? 302;
        if (fixedStatus is null)
        {
            int? word = c.Arg(0).ToLowerInvariant() switch { "permanent" => 301, "temp" => 302, "seeother" => 303, "gone" => 410, _ => null };
            if (word is int named)
            {
                status = named;
                i = 1;
            }
            else if (ValueParsers.TryParseWhole(c.Arg(0), out long number))
            {
                if (number < 300 || number > 599)
                {
                    c.Error(DiagnosticCatalog.OutOfRange, 0, directive + ": status " + c.Arg(0) + " is neither a redirect (300-399) nor an error status with its page (4xx, 5xx)");
                    return;
                }
                status = (int)number;
                i = 1;
            }
        }
        bool redirect = status is >= 300 and < 400;
        string path;
        if (pattern)
        {
            if (i >= c.Args.Count)
            {
                c.Error(DiagnosticCatalog.WrongArgumentCount, -1, directive + " needs a regular expression for the paths it answers: " + directive + " [status] ^/old/(.*)$ https://www.example.org/new/$1");
                return;
            }
            if (PatternProblem?.Invoke(c.Arg(i)) is string why)
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, directive + ": '" + c.Arg(i) + "' is not a regular expression: " + why);
                return;
            }
            path = c.Arg(i++);
        }
        else if (c.Location is not null) path = c.Location;
        else
        {
            if (i >= c.Args.Count || !c.Arg(i).StartsWith("/", System.StringComparison.Ordinal))
            {
                c.Error(i >= c.Args.Count ? DiagnosticCatalog.WrongArgumentCount : DiagnosticCatalog.InvalidValue, i >= c.Args.Count ? -1 : i,
                    directive + " needs the URL-path it answers, starting with '/': " + directive + " " + (fixedStatus is null ? "[status] " : "") + "/old " + (redirect ? "https://www.example.org/new" : ""));
                return;
            }
            path = c.Arg(i++);
        }
        string url = "";
        if (redirect)
        {
            if (i >= c.Args.Count)
            {
                c.Error(DiagnosticCatalog.WrongArgumentCount, -1, directive + ": a " + status + " redirect needs the URL it sends to");
                return;
            }
            url = c.Arg(i++);
            int scheme = url.IndexOf("://", System.StringComparison.Ordinal);
            bool absolute = scheme > 0 && url.Length > scheme + 3;
            if (!absolute && !url.StartsWith("/", System.StringComparison.Ordinal))
            {
                c.Error(DiagnosticCatalog.InvalidValue, i - 1, directive + " to non-URL '" + url + "': write an absolute URL (https://host/path) or a path starting with '/' on this server");
                return;
            }
            foreach (char ch in url)
            {
                if (ch <= ' ' || ch == 127)
                {
                    c.Error(DiagnosticCatalog.InvalidValue, i - 1, directive + ": the URL '" + url + "' holds a space or a control character; encode it (%20)");
                    return;
                }
            }
        }
        if (i < c.Args.Count)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, i, directive + ": " + (redirect ? "a redirect takes " + (c.Location is null ? "a path and a URL" : "a URL") : "status " + status + " takes " + (c.Location is null ? "a path and no URL" : "no URL")) + " after its status");
            return;
        }
        c.Settings.Redirects.Add((new RedirectRule(path, status, url, c.Location is not null && !pattern, pattern), c.Name.Location));
    }
}
