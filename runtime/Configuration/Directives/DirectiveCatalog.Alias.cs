using System.Collections.Generic;

namespace EventMpm.Configuration.Directives;

/// <summary>mod_alias' redirects: Redirect, RedirectPermanent and RedirectTemp.</summary>
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
        yield return new("ErrorDocument", Arity.Two, C, "What the server's own error answer carries: ErrorDocument status /local/path | URL | \"message\" | default", "", ErrorDocument, Both, repeatable: true)
            { Show = s => s.ErrorDocuments.Count == 0 ? "" : s.ErrorDocuments.Count + (s.ErrorDocuments.Count == 1 ? " document" : " documents") };
        yield return new("ServerTokens", Arity.One, C, "How much the Server field says: Prod (EventMpm), Major, Minor, Minimal (EventMpm/1.2.3), OS, Full", "Minimal", ServerTokens)
            { Show = s => s.ServerTokens, Constants = [CompiledConstant.Text("ServerTokens", s => s.ServerTokens)] };
        yield return new("ServerSignature", Arity.One, C, "Whether the server's own error pages end with its name and address: Off or On (EMail needs ServerAdmin, which is not built)", "Off", ServerSignature)
            { Show = s => s.ServerSignature ? "On" : "Off", Constants = [CompiledConstant.Bool("ServerSignature", s => s.ServerSignature)] };
        yield return new("FileETag", Arity.OneOrMore, C, "What a file's ETag is made of: MTime and Size (httpd 2.4's default), either, or None", "MTime Size", FileETag)
            { Show = s => s.FileETag switch { 0 => "None", 1 => "MTime", 2 => "Size", _ => "MTime Size" }, Constants = [CompiledConstant.Int("FileETag", s => s.FileETag)] };
        yield return new("TraceEnable", Arity.One, C, "Whether TRACE reaches C# handlers and backends (On) or is answered 405 everywhere (Off); EventMpm never echoes a request itself", "On", TraceEnable)
            { Show = s => s.TraceEnable ? "On" : "Off", Constants = [CompiledConstant.Bool("TraceEnable", s => s.TraceEnable)] };
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

    /// <summary>core.c: set_serv_tokens(): the words httpd takes, with its short forms.</summary>
    private static void ServerTokens(DirectiveCall c)
    {
        string? tokens = c.Arg(0).ToLowerInvariant() switch
        {
            "prod" or "productonly" => "Prod",
            "major" => "Major",
            "minor" => "Minor",
            "min" or "minimal" => "Minimal",
            "os" => "OS",
            "full" => "Full",
            _ => null,
        };
        if (tokens is null)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "ServerTokens takes Prod, Major, Minor, Minimal, OS or Full, not '" + c.Arg(0) + "'");
            return;
        }
        c.Settings.Settings = c.Settings.Settings with { ServerTokens = tokens };
    }

    private static void ServerSignature(DirectiveCall c)
    {
        string word = c.Arg(0).ToLowerInvariant();
        if (word == "email")
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "ServerSignature EMail links ServerAdmin, which EventMpm does not have: use On");
            return;
        }
        if (c.Flag() is bool on) c.Settings.Settings = c.Settings.Settings with { ServerSignature = on };
    }

    /// <summary>core.c: set_etag_bits(): the parts, or +/- changes to the default; INode and Digest refused with the reason.</summary>
    private static void FileETag(DirectiveCall c)
    {
        int parts = 3; // MTime Size
        bool relative = c.Arg(0).StartsWith("+", System.StringComparison.Ordinal) || c.Arg(0).StartsWith("-", System.StringComparison.Ordinal);
        if (!relative) parts = 0;
        for (int i = 0; i < c.Args.Count; i++)
        {
            string word = c.Arg(i);
            char sign = word.Length > 0 && word[0] is '+' or '-' ? word[0] : ' ';
            if ((sign != ' ') != relative)
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "FileETag: '" + word + "' mixes a change (+/-) with a list of parts; write one or the other, as httpd requires");
                return;
            }
            string part = sign == ' ' ? word.ToLowerInvariant() : word.Substring(1).ToLowerInvariant();
            int bit = part switch { "mtime" => 1, "size" => 2, _ => -1 };
            if (part == "none" && !relative && c.Args.Count == 1)
            {
                c.Settings.Settings = c.Settings.Settings with { FileETag = 0 };
                return;
            }
            if (part is "inode" or "all" or "digest")
            {
                c.Error(DiagnosticCatalog.UnsupportedFeature, i, "FileETag " + word + " is not built: " + (part == "digest"
                    ? "a digest hashes each file, which EventMpm does not do"
                    : "an inode number differs between the machines behind a load balancer, which is why httpd 2.4 left it out of its default; use MTime Size"));
                return;
            }
            if (bit < 0)
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "FileETag takes MTime, Size, None (or +/- changes to MTime Size), not '" + word + "'");
                return;
            }
            parts = sign == '-' ? parts & ~bit : parts | bit;
        }
        c.Settings.Settings = c.Settings.Settings with { FileETag = parts };
    }

    private static void TraceEnable(DirectiveCall c)
    {
        if (c.Arg(0).Equals("extended", System.StringComparison.OrdinalIgnoreCase))
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "TraceEnable extended (TRACE with a body) is not built: EventMpm never echoes a request itself; On passes TRACE to handlers and backends");
            return;
        }
        if (c.Flag() is bool on) c.Settings.Settings = c.Settings.Settings with { TraceEnable = on };
    }

    /// <summary>core.c: set_error_document(): a status from 400 to 599, then a local path, a URL, a message, or default (the server's own page again).</summary>
    private static void ErrorDocument(DirectiveCall c)
    {
        if (!ValueParsers.TryParseWhole(c.Arg(0), out long status) || status < 400 || status > 599)
        {
            c.Error(DiagnosticCatalog.OutOfRange, 0, "ErrorDocument: '" + c.Arg(0) + "' is not an error status (400-599): the server's own answers with a document are its errors");
            return;
        }
        string document = c.Arg(1), place = c.Location ?? "";
        c.Settings.ErrorDocuments.RemoveAll(e => e.Location == place && e.Status == status);
        if (document == "default") return; // the server's own page again, as httpd's "default"
        if (document.StartsWith("/", System.StringComparison.Ordinal))
        {
            foreach (char ch in document)
            {
                if (ch <= ' ' || ch > '~' || ch is '?' or '#' or '%')
                {
                    c.Error(DiagnosticCatalog.InvalidValue, 1, "ErrorDocument: the local path '" + document + "' must be a plain path under DocumentRoot (printable ASCII, no query, no escapes)");
                    return;
                }
            }
            foreach (string segment in document.Split('/'))
            {
                if (segment is "." or "..")
                {
                    c.Error(DiagnosticCatalog.InvalidValue, 1, "ErrorDocument: the local path '" + document + "' must not hold '.' or '..' segments");
                    return;
                }
            }
        }
        c.Settings.ErrorDocuments.Add(new ErrorDocumentRule(place, (int)status, document));
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
