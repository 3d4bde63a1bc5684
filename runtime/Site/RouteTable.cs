using System;
using System.Collections.Generic;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using EventMpm.Handlers;
using EventMpm.Http;

namespace EventMpm.Site;

/// <summary>Who answers a request, as SetHandler names it.</summary>
internal enum LocationHandler : byte
{
    /// <summary>default-handler: files from DocumentRoot.</summary>
    Files,
    /// <summary>mod_status's page.</summary>
    ServerStatus,
    /// <summary>The scoreboard in the OpenMetrics format.</summary>
    Metrics,
    /// <summary>A compiled C# handler (<see cref="IRequestHandler"/>).</summary>
    Code,
}

/// <summary>What a path resolves to: its handler (and the C# one's instance), its access rules, its Header/RequestHeader rules, ErrorDocuments and mod_expires policy.</summary>
internal readonly record struct Route(LocationHandler Handler, CodeHandler? Code, RequireRules? Rules, HeaderRules? Headers = null, ErrorDocuments? Errors = null,
    ExpiresPolicy? Expires = null)
{
    public static readonly Route Files = new(LocationHandler.Files, null, null);
}

/// <summary>A C# handler SetHandler names: its type name, and its one instance once the process has made it.</summary>
internal sealed class CodeHandler(string name)
{
    public string Name { get; } = name;

    public IRequestHandler? Instance { get; set; }
}

/// <summary>
/// The <c>&lt;Location&gt;</c> sections compiled into a lookup. httpd merges every section whose
/// path is a prefix of the request's (at a segment boundary: "/api" covers "/api/x", not
/// "/apix"), in configuration order, a later one replacing what it sets. The sections that cover
/// a path are exactly those that cover the longest section path it starts with, so the merge is
/// done once per section path at start, and a request costs one hash lookup per '/' in its path,
/// longest first, whatever the number of sections.
/// </summary>
internal sealed class RouteTable
{
    private readonly Dictionary<string, Route> _byPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Route>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Route _root;

    private readonly Dictionary<string, CodeHandler> _code = new(StringComparer.Ordinal);

    public RouteTable(IReadOnlyList<LocationSpec> locations, IReadOnlyList<HeaderRule>? headers = null, IReadOnlyList<ErrorDocumentRule>? errors = null,
        Func<int, string, string>? editHeader = null, IReadOnlyList<ExpiresRule>? expires = null)
    {
        editHeader ??= static (_, value) => value;
        headers ??= Array.Empty<HeaderRule>();
        errors ??= Array.Empty<ErrorDocumentRule>();
        expires ??= Array.Empty<ExpiresRule>();
        var paths = new List<string>();
        void AddPath(string location)
        {
            if (location.Length > 0 && !paths.Contains(Widen(location))) paths.Add(Widen(location));
        }
        foreach (LocationSpec l in locations) AddPath(l.Path);
        foreach (HeaderRule h in headers) AddPath(h.Location);
        foreach (ErrorDocumentRule e in errors) AddPath(e.Location);
        foreach (ExpiresRule e in expires) AddPath(e.Location);

        // A place's rules: the top level's, then each section's that covers it, in the order written (httpd's merge).
        Route Place(string? path)
        {
            var rules = Merged(headers, h => h.Location, path);
            var documents = Merged(errors, e => e.Location, path);
            return Route.Files with
            {
                Headers = rules.Count > 0 ? new HeaderRules(rules, editHeader) : null,
                Errors = documents.Count > 0 ? new ErrorDocuments(documents.ConvertAll(d => d.Item)) : null,
                Expires = ExpiresPolicy.Of(Merged(expires, e => e.Location, path).ConvertAll(e => e.Item)),
            };
        }
        Root = Place(null);
        foreach (string path in paths)
        {
            Route merged = Place(path);
            foreach (LocationSpec l in locations)
            {
                if (!Covers(Widen(l.Path), path)) continue;
                if (l.Handler.Length != 0)
                {
                    LocationHandler kind = Kind(l.Handler);
                    CodeHandler? code = null;
                    if (kind == LocationHandler.Code && !_code.TryGetValue(l.Handler, out code)) _code.Add(l.Handler, code = new CodeHandler(l.Handler));
                    merged = merged with { Handler = kind, Code = code };
                }
                if (l.Require.Length != 0) merged = merged with { Rules = RequireRules.Parse(l.Require) };
            }
            _byPrefix[path] = merged;
        }
        _lookup = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        _root = _byPrefix.TryGetValue("", out Route root) ? root : Root;
        IsEmpty = paths.Count == 0;
    }

    /// <summary>
    /// Makes one instance of each C# handler. A child calls it after it has changed to User, so a
    /// handler's constructor never runs as root.
    /// </summary>
    /// <param name="create">The compiled configuration's CreateHandler (null for a name it does not know).</param>
    public void CreateHandlers(Func<string, IRequestHandler?> create)
    {
        foreach (CodeHandler code in _code.Values)
        {
            code.Instance ??= create(code.Name) ?? throw new InvalidOperationException("SetHandler " + code.Name + ": no such handler was compiled into this server");
        }
    }

    /// <summary>What a path no section covers gets: files, with the top level's Header rules.</summary>
    public Route Root { get; }

    /// <summary>No Location sections: every path is served from files, without a lookup.</summary>
    public bool IsEmpty { get; }

    /// <summary>Some section names a C# handler (so methods other than GET and HEAD may be answered).</summary>
    public bool HasCode => _code.Count != 0;

    /// <summary>The route of a decoded path that starts with '/'.</summary>
    public Route Find(ReadOnlySpan<byte> path)
    {
        if (IsEmpty) return Root;
        // Paths are ASCII or decoded UTF-8; a Location path is matched as the same bytes, widened to chars.
        Span<char> chars = path.Length <= 512 ? stackalloc char[path.Length] : new char[path.Length];
        for (int i = 0; i < path.Length; i++) chars[i] = (char)path[i];
        ReadOnlySpan<char> prefix = chars;
        while (true)
        {
            if (_lookup.TryGetValue(prefix, out Route route)) return route;
            int slash = prefix.LastIndexOf('/');
            if (slash <= 0) return _root;
            prefix = prefix.Slice(0, slash);
        }
    }

    /// <summary>The items written at the top level, then (for a path) those of each section that covers it, with their places in <paramref name="items"/>.</summary>
    private static List<(T Item, int Index)> Merged<T>(IReadOnlyList<T> items, Func<T, string> location, string? path)
    {
        var merged = new List<(T, int)>();
        for (int i = 0; i < items.Count; i++) if (location(items[i]).Length == 0) merged.Add((items[i], i));
        if (path is null) return merged;
        for (int i = 0; i < items.Count; i++) if (location(items[i]).Length > 0 && Covers(Widen(location(items[i])), path)) merged.Add((items[i], i));
        return merged;
    }

    /// <summary>Whether the section path <paramref name="section"/> covers <paramref name="path"/> at a segment boundary.</summary>
    private static bool Covers(string section, string path)
        => section.Length == 0 || (path.StartsWith(section, StringComparison.Ordinal) && (path.Length == section.Length || path[section.Length] == '/'));

    private static LocationHandler Kind(string handler) => handler switch
    {
        "server-status" => LocationHandler.ServerStatus,
        "metrics" => LocationHandler.Metrics,
        "default-handler" => LocationHandler.Files,
        _ => LocationHandler.Code,
    };

    /// <summary>A section path as <see cref="Find"/> sees a request's: its UTF-8 bytes one per char, no trailing '/'.</summary>
    private static string Widen(string path) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(path.TrimEnd('/')));
}
