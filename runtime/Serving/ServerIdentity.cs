using System.Globalization;
using System.IO;

namespace EventMpm.Serving;

/// <summary>What the server calls itself: the Server field, -v, and mod_status's build line.</summary>
public static class ServerIdentity
{
    /// <summary>The Server field's value: product and version.</summary>
    public static string ServerSoftware => "EventMpm/" + (typeof(ServerIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public static string Version => ServerSoftware + " (NativeAOT, compiled configuration)";

    /// <summary>
    /// The Server field as ServerTokens says (core.c: set_banner()): Prod "EventMpm", Major
    /// "EventMpm/1", Minor "EventMpm/1.2", Minimal "EventMpm/1.2.3", OS and Full "EventMpm/1.2.3 (Unix)"
    /// (httpd's OS token; Full adds nothing more: there are no modules to list).
    /// </summary>
    public static string Banner(string tokens)
    {
        System.Version version = typeof(ServerIdentity).Assembly.GetName().Version ?? new System.Version(0, 0, 0);
        return tokens switch
        {
            "Prod" => "EventMpm",
            "Major" => "EventMpm/" + version.ToString(1),
            "Minor" => "EventMpm/" + version.ToString(2),
            "OS" or "Full" => ServerSoftware + " (Unix)",
            _ => ServerSoftware,
        };
    }

    /// <summary>
    /// mod_status's "Server Built", in httpd's <c>__DATE__ __TIME__</c> form: the binary's own
    /// time, since a deterministic build embeds none.
    /// </summary>
    public static string Built
    {
        get
        {
            string? path = System.Environment.ProcessPath;
            System.DateTime time = path is not null && File.Exists(path) ? File.GetLastWriteTimeUtc(path) : System.DateTime.UnixEpoch;
            return time.ToString("MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture);
        }
    }
}
