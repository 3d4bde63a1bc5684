using System.IO;
using System.Linq;
using EventMpm.Handlers;

namespace MpmSite.Handlers;

/// <summary>
/// /identity: the process's real uid when this handler was made, and now. The process tests
/// use it to see that a child makes its handlers after it has become User, never as root.
/// </summary>
public sealed class Identity : IRequestHandler
{
    private readonly string _madeAs = Uid();

    public void Handle(Request request, Response response)
    {
        response.ContentType = "text/plain";
        response.Write("made-as " + _madeAs + " serving-as " + Uid() + "\n");
    }

    /// <summary>The real uid, from /proc (the runtime has no getuid).</summary>
    private static string Uid() => File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t')[1];
}
