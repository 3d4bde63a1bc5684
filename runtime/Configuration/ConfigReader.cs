using System.Collections.Generic;
using EventMpm.Configuration.Directives;
using EventMpm.Configuration.Syntax;

namespace EventMpm.Configuration;

/// <summary>
/// Reads configuration files as httpd's <c>ap_build_config</c> does: line by line, sections
/// opened and closed within one file, conditional sections decided while reading (a false one
/// is skipped unparsed), <c>Define</c> and <c>Include</c> acted on at once, and every other
/// directive handed to the <see cref="DirectiveApplier"/>.
/// </summary>
public sealed class ConfigReader
{
    /// <summary>httpd's AP_MAX_INCLUDE_DEPTH.</summary>
    public const int MaxIncludeDepth = 128;

    /// <summary>
    /// The modules compiled into EventMpm, by both names &lt;IfModule&gt; accepts
    /// (the source file and the module identifier).
    /// </summary>
    private static readonly string[][] s_modules =
    {
        new[] { "core.c", "core_module" },
        new[] { "http_core.c", "http_module" },
        new[] { "event.c", "mpm_event_module" },
        new[] { "mod_so.c", "so_module" },
        new[] { "mod_unixd.c", "unixd_module" },
        new[] { "mod_mime.c", "mime_module" },
        new[] { "mod_dir.c", "dir_module" },
        new[] { "mod_log_config.c", "log_config_module" },
        new[] { "mod_status.c", "status_module" },
        new[] { "mod_reqtimeout.c", "reqtimeout_module" },
        new[] { "mod_ssl.c", "ssl_module" },
        new[] { "mod_headers.c", "headers_module" },
        new[] { "mod_alias.c", "alias_module" },
        new[] { "mod_expires.c", "expires_module" },
        new[] { "mod_proxy.c", "proxy_module" },
        new[] { "mod_proxy_http.c", "proxy_http_module" },
        new[] { "mod_proxy_balancer.c", "proxy_balancer_module" },
        new[] { "mod_lbmethod_byrequests.c", "lbmethod_byrequests_module" },
        new[] { "mod_lbmethod_bybusyness.c", "lbmethod_bybusyness_module" },
    };

    /// <summary>httpd's sections EventMpm does not have, and why.</summary>
    private static readonly (string Name, string Reason)[] s_unsupportedSections =
    {
        ("VirtualHost", "EventMpm does not have it yet: virtual hosts are planned; today it serves one site"),
        ("Directory", "EventMpm does not have it yet: per-directory sections are planned; use <Location>"),
        ("DirectoryMatch", "EventMpm does not have it yet: per-directory sections are planned; use <Location>"),
        ("Files", "EventMpm does not have it yet: per-file sections are planned; use <Location>"),
        ("FilesMatch", "EventMpm does not have it yet: per-file sections are planned; use <Location>"),
        ("LocationMatch", "EventMpm does not have it yet: regular-expression sections are planned; use <Location> with a path prefix"),
        ("If", "expressions evaluated for each request are not built"),
        ("ElseIf", "expressions evaluated for each request are not built"),
        ("Else", "expressions evaluated for each request are not built"),
        ("Limit", "a static path answers GET and HEAD and refuses other methods with 405; a handler decides its own methods"),
        ("LimitExcept", "a static path answers GET and HEAD and refuses other methods with 405; a handler decides its own methods"),
        ("ProxyMatch", "access rules on proxied URLs are not built; EventMpm's <Proxy> declares a load balancer (<Proxy \"balancer://name\">), and <Location> holds Require for a proxied path"),
        ("IfFile", "the configuration is compiled: a file's presence at build time says nothing of the machine it runs on"),
        ("IfSection", "not built; <IfDirective> and <IfModule> are"),
        ("IfVersion", "not built: EventMpm is not an httpd version; <IfModule> and <IfDirective> are"),
        ("Macro", "macros are not expanded; write the directives out or generate httpd.conf"),
        ("RequireAll", "Require's combinations are not built: the Require lines of a <Location> grant access when any of them does"),
        ("RequireAny", "Require's combinations are not built: the Require lines of a <Location> grant access when any of them does"),
        ("RequireNone", "Require's combinations are not built: the Require lines of a <Location> grant access when any of them does"),
        ("AuthnProviderAlias", "EventMpm has no authentication"),
        ("AuthzProviderAlias", "EventMpm has no authentication"),
    };

    private static readonly string[] s_sections = { "IfModule", "IfDefine", "IfDirective", "Location", "Proxy" };

    private readonly IConfigFileSource _files;
    private readonly DiagnosticBag _diagnostics;
    private readonly DirectiveApplier _applier;
    private readonly Dictionary<string, string> _variables = new(System.StringComparer.Ordinal);
    private readonly HashSet<string> _defines = new(System.StringComparer.Ordinal);
    private readonly List<string> _includeStack = new();
    private string _serverRoot = "";

    public ConfigReader(IConfigFileSource files, DiagnosticBag diagnostics, DirectiveApplier applier)
    {
        _files = files;
        _diagnostics = diagnostics;
        _applier = applier;
    }

    /// <summary>What relative paths are resolved against at build: ServerRoot, which defaults to the first file's folder.</summary>
    public string ServerRoot => _serverRoot;

    /// <summary>Reads a top-level configuration file; <paramref name="where"/> is where it was named.</summary>
    public void ReadFile(string path, SourceLocation where)
    {
        if (!_files.TryRead(path, out string text))
        {
            _diagnostics.Report(DiagnosticCatalog.IncludeNotFound, where, "Could not open configuration file " + path + ": not found (" + _files.SearchScope + ")");
            return;
        }
        if (_serverRoot.Length == 0 && _includeStack.Count == 0) _serverRoot = ConfigPath.Directory(path);
        ReadText(path, text);
    }

    /// <summary>A directive written as a project-file item, applied after the files (httpd's <c>-c</c>).</summary>
    public void ReadProjectDirective(string name, string value, SourceLocation item)
    {
        LogicalLine line = LogicalLine.FromCommandLine(item.File, name + " " + value);
        var words = new List<Word>();
        foreach (Word w in WordSplitter.Split(Expand(line))) words.Add(w with { Location = item });
        Directive(words[0], words.GetRange(1, words.Count - 1), null, fromProject: true);
    }

    private void ReadText(string path, string text)
    {
        _includeStack.Add(path);
        var open = new Stack<(string Name, SourceLocation Where, string? Location)>();
        List<LogicalLine> lines = LogicalLineReader.Read(path, text);
        for (int i = 0; i < lines.Count; i++)
        {
            List<Word> words = WordSplitter.Split(Expand(lines[i]));
            if (words.Count == 0) continue;
            Word first = words[0];
            // The innermost <Location>'s path, and the <Proxy> balancer whose members are being written.
            string? location = null, balancer = null;
            foreach (var section in open)
            {
                if (section.Name == "Location") location ??= section.Location;
                else if (section.Name == "Proxy") balancer ??= section.Location;
            }

            if (first.Value.StartsWith("</", System.StringComparison.Ordinal))
            {
                Close(first, open);
            }
            else if (first.Value.StartsWith("<", System.StringComparison.Ordinal))
            {
                i = Open(lines, i, words, open, location ?? balancer);
            }
            else if (balancer is not null)
            {
                BalancerDirective(first, words.GetRange(1, words.Count - 1), balancer);
            }
            else
            {
                Directive(first, words.GetRange(1, words.Count - 1), location, fromProject: false);
            }
        }
        foreach (var section in open)
        {
            _diagnostics.Report(DiagnosticCatalog.UnclosedSection, section.Where, "<" + section.Name + "> was not closed.");
        }
        _includeStack.RemoveAt(_includeStack.Count - 1);
    }

    private ExpandedLine Expand(LogicalLine line)
        => ExpandedLine.Expand(line, _variables, (name, where) =>
            _diagnostics.Report(DiagnosticCatalog.UndefinedVariable, where, "Config variable ${" + name + "} is not defined; the text is left as written"));

    private void Close(Word first, Stack<(string Name, SourceLocation Where, string? Location)> open)
    {
        string name = first.Value.Substring(2).TrimEnd('>');
        if (open.Count == 0)
        {
            _diagnostics.Report(DiagnosticCatalog.StrayClosingTag, first.Location, "</" + name + "> without matching <" + name + "> section");
            return;
        }
        var top = open.Pop();
        if (!string.Equals(top.Name, name, System.StringComparison.OrdinalIgnoreCase))
        {
            _diagnostics.Report(DiagnosticCatalog.MismatchedClosingTag, first.Location, "Expected </" + top.Name + "> but saw </" + name + ">");
        }
    }

    /// <summary>Opens a section; returns the index of the last line it consumed.</summary>
    private int Open(List<LogicalLine> lines, int index, List<Word> words, Stack<(string Name, SourceLocation Where, string? Location)> open, string? location)
    {
        Word first = words[0];
        string name = first.Value.Substring(1);
        var args = words.GetRange(1, words.Count - 1);
        bool closed = lines[index].Text.EndsWith(">", System.StringComparison.Ordinal);
        if (name.EndsWith(">", System.StringComparison.Ordinal)) name = name.Substring(0, name.Length - 1);
        else if (args.Count > 0)
        {
            Word last = args[args.Count - 1];
            if (last.Value == ">") args.RemoveAt(args.Count - 1);
            else if (last.Value.EndsWith(">", System.StringComparison.Ordinal)) args[args.Count - 1] = last with { Value = last.Value.Substring(0, last.Value.Length - 1) };
        }
        string canonical = Canonical(name, s_sections) ?? name;
        if (!closed)
        {
            _diagnostics.Report(DiagnosticCatalog.MissingClosingBracket, first.Location, "<" + canonical + "> directive missing closing '>'");
        }

        foreach (var (section, reason) in s_unsupportedSections)
        {
            if (!string.Equals(section, name, System.StringComparison.OrdinalIgnoreCase)) continue;
            _diagnostics.Report(DiagnosticCatalog.UnsupportedSection, first.Location, "<" + section + "> is httpd's, not supported by EventMpm: " + reason);
            return Skip(lines, index, section, first.Location);
        }
        if (Canonical(name, s_sections) is null)
        {
            string? near = null;
            foreach (string s in s_sections) if (DirectiveCatalog.EditDistance(name.ToLowerInvariant(), s.ToLowerInvariant()) <= 2) near = s;
            _diagnostics.Report(DiagnosticCatalog.UnknownDirective, first.Location, "Invalid command '<" + name + ">', perhaps misspelled or defined by a module not included in the server configuration"
                + (near is null ? "" : " (did you mean '<" + near + ">'?)"));
            return Skip(lines, index, name, first.Location);
        }
        if (args.Count == 0 || args[0].Value.Length == 0)
        {
            _diagnostics.Report(DiagnosticCatalog.SectionNeedsArgument, first.Location, "<" + canonical + "> directive requires additional arguments");
            open.Push((canonical, first.Location, null));
            return index;
        }

        if (canonical == "Proxy")
        {
            // mod_proxy's <Proxy> also holds access rules for proxied URLs; here it declares a balancer.
            string url = args[0].Value;
            bool isBalancer = url.StartsWith("balancer://", System.StringComparison.OrdinalIgnoreCase) && url.Length > 11 && url.IndexOf('/', 11) < 0;
            if (location is not null || !isBalancer)
            {
                _diagnostics.Report(location is not null ? DiagnosticCatalog.WrongContext : DiagnosticCatalog.UnsupportedSection, first.Location, location is not null
                    ? "<Proxy> cannot occur within <Location> or <Proxy> section"
                    : "<Proxy " + url + ">: EventMpm's <Proxy> declares a load balancer, <Proxy \"balancer://name\">; access rules on proxied URLs are not built (Require in the proxied path's <Location> does that)");
                return Skip(lines, index, canonical, first.Location);
            }
            open.Push((canonical, first.Location, "balancer://" + url.Substring(11).ToLowerInvariant()));
            return index;
        }

        if (canonical == "Location")
        {
            if (location is not null)
            {
                _diagnostics.Report(DiagnosticCatalog.WrongContext, first.Location, location.StartsWith("balancer://", System.StringComparison.Ordinal)
                    ? "<Location> cannot occur within <Proxy> section" : "<Location> cannot occur within <Location> section");
                return Skip(lines, index, canonical, first.Location);
            }
            string path = args[0].Value;
            if (!path.StartsWith("/", System.StringComparison.Ordinal))
            {
                _diagnostics.Report(DiagnosticCatalog.InvalidValue, args[0].Location, "<Location> takes a URL path starting with '/', not '" + path + "'");
            }
            open.Push((canonical, first.Location, path));
            return index;
        }

        string condition = args[0].Value;
        bool negate = condition.StartsWith("!", System.StringComparison.Ordinal);
        if (negate) condition = condition.Substring(1);
        bool holds = canonical switch
        {
            "IfModule" => IsBuiltInModule(condition),
            "IfDefine" => _defines.Contains(condition) || _variables.ContainsKey(condition),
            _ => DirectiveCatalog.Find(condition) is not null,
        };
        if (holds != negate)
        {
            open.Push((canonical, first.Location, null));
            return index;
        }
        return Skip(lines, index, canonical, first.Location);
    }

    /// <summary>Skips a section's lines unparsed (httpd's ap_soak_end_container); returns the closing line's index.</summary>
    private int Skip(List<LogicalLine> lines, int index, string name, SourceLocation where)
    {
        int depth = 1;
        for (int i = index + 1; i < lines.Count; i++)
        {
            string text = lines[i].Text;
            if (text.StartsWith("</", System.StringComparison.Ordinal)) depth--;
            else if (text.StartsWith("<", System.StringComparison.Ordinal)) depth++;
            if (depth == 0) return i;
        }
        _diagnostics.Report(DiagnosticCatalog.UnclosedSection, where, "<" + name + "> was not closed.");
        return lines.Count;
    }

    /// <summary>
    /// A line inside &lt;Proxy "balancer://name"&gt;: BalancerMember and ProxySet, applied as the
    /// top-level forms that name the balancer first (as mod_proxy reads them).
    /// </summary>
    private void BalancerDirective(Word name, List<Word> args, string balancer)
    {
        if (!name.Value.Equals("BalancerMember", System.StringComparison.OrdinalIgnoreCase) && !name.Value.Equals("ProxySet", System.StringComparison.OrdinalIgnoreCase))
        {
            _diagnostics.Report(DiagnosticCatalog.WrongContext, name.Location, name.Value + " cannot occur within <Proxy> section: EventMpm's <Proxy \"" + balancer + "\"> holds BalancerMember and ProxySet");
            return;
        }
        if (args.Count > 0 && args[0].Value.StartsWith("balancer://", System.StringComparison.OrdinalIgnoreCase))
        {
            _diagnostics.Report(DiagnosticCatalog.InvalidValue, args[0].Location, name.Value + " inside <Proxy \"" + balancer + "\"> belongs to that balancer: leave out '" + args[0].Value + "'");
            return;
        }
        args.Insert(0, new Word(balancer, name.Location, false));
        Directive(name, args, null, fromProject: false);
    }

    private void Directive(Word name, List<Word> args, string? location, bool fromProject)
    {
        DirectiveDefinition? definition = _applier.Resolve(name, args, location);
        if (definition is null) return;
        if (definition.Scope != DirectiveScope.Reading)
        {
            _applier.Apply(definition, name, args, location, fromProject);
            if (definition.Name == "ServerRoot" && args[0].Value.Length > 0)
                _serverRoot = ConfigPath.Combine(_includeStack.Count > 0 ? ConfigPath.Directory(_includeStack[0]) : "", args[0].Value);
            return;
        }
        switch (definition.Name)
        {
            case "Define":
                if (args[0].Value.IndexOf(':') >= 0)
                {
                    _diagnostics.Report(DiagnosticCatalog.InvalidValue, args[0].Location, "Define: variable name must not contain ':'");
                    return;
                }
                _defines.Add(args[0].Value);
                if (args.Count == 2) _variables[args[0].Value] = args[1].Value;
                break;
            case "UnDefine":
                _defines.Remove(args[0].Value);
                _variables.Remove(args[0].Value);
                break;
            case "Include":
            case "IncludeOptional":
                Include(args[0], optional: definition.Name == "IncludeOptional");
                break;
            case "LoadModule":
                if (!IsBuiltInModule(args[0].Value))
                {
                    _diagnostics.Report(DiagnosticCatalog.UnknownModule, args[0].Location, "Cannot load " + args[0].Value
                        + ": EventMpm is one compiled binary and this module is not part of it (built in: " + BuiltInModuleIds() + ")");
                }
                break;
        }
    }

    /// <summary>
    /// A relative path is looked for under ServerRoot first (httpd's rule; ServerRoot defaults to
    /// the main file's folder here), then beside the file that includes it.
    /// </summary>
    private void Include(Word arg, bool optional)
    {
        string directive = optional ? "IncludeOptional" : "Include";
        string current = _includeStack[_includeStack.Count - 1];
        var candidates = new List<string> { ConfigPath.Combine(_serverRoot, arg.Value) };
        string besideIncluder = ConfigPath.Combine(ConfigPath.Directory(current), arg.Value);
        if (besideIncluder != candidates[0]) candidates.Add(besideIncluder);

        foreach (string path in candidates)
        {
            if (_includeStack.Contains(path))
            {
                _diagnostics.Report(DiagnosticCatalog.IncludeTooDeep, arg.Location, directive + ": " + ConfigPath.FileName(path)
                    + " includes itself (through " + string.Join(" -> ", _includeStack.ConvertAll(ConfigPath.FileName)) + ")");
                return;
            }
        }
        if (_includeStack.Count >= MaxIncludeDepth)
        {
            _diagnostics.Report(DiagnosticCatalog.IncludeTooDeep, arg.Location, "Exceeded maximum include depth of " + MaxIncludeDepth + ", There appears to be a recursion.");
            return;
        }
        foreach (string path in candidates)
        {
            if (!ConfigPath.HasWildcard(path) && _files.TryRead(path, out string text))
            {
                ReadText(path, text);
                return;
            }
            // A wildcard, or a directory: every file it matches, alphabetically.
            List<string> matches = ConfigPath.Match(path, _files.Files);
            if (matches.Count == 0) continue;
            foreach (string match in matches)
            {
                if (_includeStack.Contains(match))
                {
                    _diagnostics.Report(DiagnosticCatalog.IncludeTooDeep, arg.Location, directive + ": " + ConfigPath.FileName(match)
                        + " includes itself (through " + string.Join(" -> ", _includeStack.ConvertAll(ConfigPath.FileName)) + ")");
                }
                else if (_files.TryRead(match, out string matched)) ReadText(match, matched);
            }
            return;
        }
        if (optional) return;
        string first = candidates[0];
        if (ConfigPath.HasWildcard(first))
            _diagnostics.Report(DiagnosticCatalog.IncludeNoMatch, arg.Location, "Include: No matches for the wildcard '" + ConfigPath.FileName(first) + "' in '" + ConfigPath.Directory(first) + "' (" + _files.SearchScope + ")");
        else
            _diagnostics.Report(DiagnosticCatalog.IncludeNotFound, arg.Location, "Could not open configuration file " + first + ": not found (" + _files.SearchScope + ")");
    }

    private static bool IsBuiltInModule(string name)
    {
        foreach (string[] names in s_modules)
        {
            foreach (string n in names) if (string.Equals(n, name, System.StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static string BuiltInModuleIds()
    {
        var ids = new List<string>();
        foreach (string[] names in s_modules) ids.Add(names[1]);
        return string.Join(", ", ids);
    }

    private static string? Canonical(string name, string[] candidates)
    {
        foreach (string c in candidates) if (string.Equals(c, name, System.StringComparison.OrdinalIgnoreCase)) return c;
        return null;
    }
}
