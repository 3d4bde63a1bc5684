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
