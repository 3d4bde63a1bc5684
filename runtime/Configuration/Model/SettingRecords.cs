namespace EventMpm.Configuration;

/// <summary>
/// A <c>Listen</c> address. An empty host means every address (httpd's <c>Listen 80</c>). The
/// protocol is httpd's: <c>https</c> for port 443 unless another is written, else <c>http</c>;
/// with SSLEngine on, an https listener speaks TLS.
/// </summary>
public sealed record ListenAddress(string Host, int Port, string Protocol = "http")
{
    public bool IsHttps => Protocol == "https";

    /// <summary>The same address and port, whatever the protocol (the socket they would share).</summary>
    public bool SameSocket(ListenAddress other) => Host == other.Host && Port == other.Port;

    public override string ToString()
        => Host.Length == 0 ? Port.ToString(System.Globalization.CultureInfo.InvariantCulture)
         : Host.IndexOf(':') >= 0 ? "[" + Host + "]:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture)
         : Host + ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A <c>&lt;Location&gt;</c> section: the handler <c>SetHandler</c> gave it (empty: the one of
/// the paths around it) and its <c>Require</c> lines, one per line of <paramref name="Require"/>
/// (empty: the rules of the paths around it, or none).
/// </summary>
public sealed record LocationSpec(string Path, string Handler, string Require = "");

/// <summary>A <c>SetHandler</c> that names a C# handler by its full type name, and where it was written.</summary>
public sealed record HandlerReference(string TypeName, SourceLocation Location);

/// <summary>A named <c>LogFormat</c>.</summary>
public sealed record LogFormatSpec(string Nickname, string Format);

/// <summary>A <c>CustomLog</c>: the file, and its format with any nickname already resolved.</summary>
public sealed record CustomLogSpec(string Path, string Format);

/// <summary>One extension to media-type mapping from <c>AddType</c>.</summary>
public sealed record MimeMapping(string Extension, string MediaType);

/// <summary>A directive's effective value and where it came from, for <c>-V</c> and the emitted comments.</summary>
public sealed record DirectiveValue(string Name, string Value, string Origin);

/// <summary>httpd's log levels, most severe first (the order <c>LogLevel</c> compares in).</summary>
public enum LogLevel
{
    Emerg, Alert, Crit, Error, Warn, Notice, Info, Debug,
    Trace1, Trace2, Trace3, Trace4, Trace5, Trace6, Trace7, Trace8,
}

/// <summary>
/// A <c>ProxyPass</c>: requests whose path starts with <paramref name="Path"/> (at a segment
/// boundary, as mod_proxy's alias_match) are sent to <paramref name="Url"/> with the rest of
/// their path appended; <c>!</c> as the URL keeps the path out of the proxy. The parameters are
/// mod_proxy's worker parameters, times in milliseconds; 0 for a timeout means ProxyTimeout.
/// <paramref name="InLocation"/>: written inside a <c>&lt;Location&gt;</c> (checked before the
/// top-level ones, as mod_proxy's proxy_trans checks the directory's alias first).
/// </summary>
/// <paramref name="Upgrade"/>: the protocol a client may switch to through this route (upgrade=websocket), or empty.
/// <paramref name="IsPattern"/>: a ProxyPassMatch, whose <paramref name="Path"/> is a regular expression matched against the
/// whole decoded path and whose <paramref name="Url"/> may take its groups ($1...) in its path.
public sealed record ProxyRoute(string Path, string Url, bool InLocation = false, int ConnectionTimeout = 0, int Timeout = 0,
    int Ttl = 0, int Retry = ProxyRoute.DefaultRetry, bool DisableReuse = false, bool KeepAlive = false, string Upgrade = "", bool IsPattern = false)
{
    /// <summary>mod_proxy's default retry: a backend that refused a connection is left alone this long (seconds).</summary>
    public const int DefaultRetry = 60;

    public bool Excluded => Url == "!";

    /// <summary>The balancer (balancer://name) this route sends to, or null for a single backend.</summary>
    public string? Balancer => Url.StartsWith("balancer://", System.StringComparison.Ordinal)
        ? (Url.IndexOf('/', 11) is int slash and > 0 ? Url.Substring(0, slash) : Url) : null;
}

/// <summary>A <c>ProxyPassReverse</c>: a backend's redirect to <paramref name="Url"/>... is rewritten to this server's <paramref name="Path"/>...</summary>
public sealed record ProxyReverse(string Path, string Url);

/// <summary>
/// A <c>BalancerMember</c>: one backend of the load balancer <paramref name="Balancer"/>
/// (balancer://name, lower case) with its worker parameters, as ProxyPass has them for a single
/// backend, and its share of the requests (<paramref name="LoadFactor"/>, mod_proxy's 1 to 100).
/// </summary>
public sealed record BalancerMember(string Balancer, string Url, int LoadFactor = 1, int ConnectionTimeout = 0, int Timeout = 0,
    int Ttl = 0, int Retry = ProxyRoute.DefaultRetry, bool DisableReuse = false, bool KeepAlive = false, string Upgrade = "");

/// <summary>
/// A <c>ProxySet</c> on a balancer (or balancer parameters written on its ProxyPass): how it picks
/// a member (<paramref name="LbMethod"/>: byrequests or bybusyness, empty when not said) and how
/// many other members a request tries when one cannot be reached (<paramref name="MaxAttempts"/>,
/// -1 when not said: mod_proxy_balancer's default, every other member once).
/// </summary>
public sealed record BalancerSet(string Balancer, string LbMethod = "", int MaxAttempts = -1);

/// <summary>What a mod_headers rule does to its field (mod_headers.c: hdr_actions).</summary>
public enum HeaderAction : byte
{
    /// <summary>Replaces every field of the name with one.</summary>
    Set,
    /// <summary>Sets the field only when there is none.</summary>
    SetIfEmpty,
    /// <summary>Appends ", value" to the first field of the name, or sets it.</summary>
    Append,
    /// <summary>Appends as Append does, unless the value is already one of the field's comma-separated values.</summary>
    Merge,
    /// <summary>Adds a field, even when one of the name is there.</summary>
    Add,
    /// <summary>Removes every field of the name.</summary>
    Unset,
    /// <summary>Replaces the first match of a regular expression in each field of the name.</summary>
    Edit,
    /// <summary>Replaces every match (edit*).</summary>
    EditAll,
}

/// <summary>
/// A mod_headers <c>Header</c> (<paramref name="Request"/> false) or <c>RequestHeader</c> rule,
/// written at the top level (<paramref name="Location"/> empty) or in a &lt;Location&gt;;
/// <paramref name="Always"/> also acts on the server's own error answers (Header always). For
/// edit and edit*, <paramref name="Value"/> is the regular expression and
/// <paramref name="Replacement"/> what replaces its match ($1 for a group).
/// </summary>
public sealed record HeaderRule(string Location, bool Request, bool Always, HeaderAction Action, string Name, string Value = "", string Replacement = "");

/// <summary>
/// A mod_alias <c>Redirect</c> (or RedirectPermanent, RedirectTemp): requests whose path starts
/// with <paramref name="Path"/> (at a segment boundary) are answered <paramref name="Status"/>
/// with <paramref name="Url"/> and the rest of their path as Location; in a &lt;Location&gt;
/// (<paramref name="InLocation"/>) the section's path, and the URL as written. A status outside
/// 300-399 has no URL: its error page is the answer (Redirect gone: 410). A RedirectMatch
/// (<paramref name="IsPattern"/>) has a regular expression in <paramref name="Path"/>, matched
/// against the whole decoded path, and <paramref name="Url"/> with $1... for its groups.
/// </summary>
public sealed record RedirectRule(string Path, int Status, string Url, bool InLocation = false, bool IsPattern = false);

/// <summary>
/// An <c>ErrorDocument</c>: what the server's own <paramref name="Status"/> answer carries, at the
/// top level (<paramref name="Location"/> empty) or in a &lt;Location&gt;: a local path (starting
/// with '/', served with the error's status), a URL (a 302 to it), or a message sent as the body.
/// </summary>
public sealed record ErrorDocumentRule(string Location, int Status, string Document)
{
    public bool IsLocal => Document.StartsWith("/", System.StringComparison.Ordinal);

    public bool IsUrl => !IsLocal && Document.IndexOf("://", System.StringComparison.Ordinal) > 0;
}

/// <summary>
/// A mod_expires line at the top level (<paramref name="Location"/> empty) or in a &lt;Location&gt;:
/// ExpiresActive (<paramref name="Type"/> null, <paramref name="On"/>), ExpiresDefault
/// (<paramref name="Type"/> empty) or ExpiresByType (a media type, or "major/*"): a response is
/// given Expires and Cache-Control max-age <paramref name="Seconds"/> after the request
/// (access) or after its Last-Modified (<paramref name="Modification"/>).
/// </summary>
public sealed record ExpiresRule(string Location, string? Type, bool On = true, bool Modification = false, long Seconds = 0);

/// <summary>
/// A mod_alias <c>Alias</c>: requests whose path starts with <paramref name="Path"/> (at a
/// segment boundary) are served from <paramref name="Target"/>, a directory (the rest of the path
/// beneath it) or a file, instead of DocumentRoot; relative targets are under ServerRoot. An
/// AliasMatch (<paramref name="IsPattern"/>) has a regular expression in <paramref name="Path"/>
/// and $1... for its groups in <paramref name="Target"/>.
/// </summary>
public sealed record AliasRule(string Path, string Target, bool IsPattern = false)
{
    /// <summary>The directory every path an AliasMatch makes lies beneath: its target up to the last '/' before the first group.</summary>
    public string FixedDirectory
    {
        get
        {
            int group = Target.IndexOf('$');
            string fixedPart = group < 0 ? Target : Target.Substring(0, group);
            int slash = fixedPart.LastIndexOf('/');
            return group < 0 ? Target.TrimEnd('/') : slash <= 0 ? "/" : fixedPart.Substring(0, slash);
        }
    }
}
