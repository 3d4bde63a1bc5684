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
