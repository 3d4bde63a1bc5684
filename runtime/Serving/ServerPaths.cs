using System.IO;
using EventMpm.Configuration;

namespace EventMpm.Serving;

/// <summary>The deployment paths resolved as httpd resolves them: relative ones against ServerRoot.</summary>
public sealed class ServerPaths
{
    public ServerPaths(DeploymentSettings deployment, string binaryDirectory)
    {
        ServerRoot = deployment.ServerRoot.Length == 0
            ? Path.GetFullPath(binaryDirectory)
            : Path.GetFullPath(deployment.ServerRoot, Path.GetFullPath(binaryDirectory));
        DocumentRoot = Resolve(deployment.DocumentRoot);
        PidFile = Resolve(deployment.PidFile);
        ErrorLog = Resolve(deployment.ErrorLog);
    }

    public string ServerRoot { get; }

    public string DocumentRoot { get; }

    public string PidFile { get; }

    public string ErrorLog { get; }

    /// <summary>
    /// Where large request bodies are spooled for C# handlers: TMPDIR, else /tmp (httpd finds
    /// its temporary directory so, in apr_temp_dir_get()).
    /// </summary>
    public string Temporary { get; init; } = Path.GetTempPath();

    public string Resolve(string path) => path.Length == 0 ? ServerRoot : Path.GetFullPath(path, ServerRoot);
}
