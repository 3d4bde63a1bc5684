using System.Collections.Generic;
using System.IO;
using EventMpm.Configuration;
using EventMpm.Configuration.Validation;
using EventMpm.Serving;
using EventMpm.Native;
using EventMpm.Tls;

namespace EventMpm.Hosting;

/// <summary>
/// What a start needs that can be known without binding a socket, checked by <c>-t</c> and again
/// by every start, so that a configuration <c>-t</c> passes does not then fail to start: the
/// User and Group exist (httpd reads them as it parses the directives, mpm_common.c:
/// ap_uname2id()), DocumentRoot and CoreDumpDirectory are directories (core.c:
/// set_document_root(), mpm_common.c: ap_mpm_set_coredumpdir()), the files the server writes
/// (ErrorLog, CustomLog, PidFile, ScoreBoardFile) can be created, and children can be started.
/// Each problem is said in httpd's words, with its AH number where httpd has one.
/// </summary>
public static class StartupCheck
{
    /// <summary>How children are started: this binary executed again through the kernel's link to it.</summary>
    public const string SelfExecutable = "/proc/self/exe";

    /// <param name="children">Whether the server will start children (not for <c>-X</c>).</param>
    /// <param name="tls">What the https listeners will be made of, when there are any: the files are checked, then loaded.</param>
    /// <param name="warnings">Receives what is worth saying but does not stop a start (a certificate about to expire).</param>
    public static List<string> Problems(DeploymentSettings deployment, ServerPaths paths, bool children, TlsSettings? tls, List<string>? warnings = null,
        IReadOnlyList<AliasRule>? aliases = null)
    {
        var problems = new List<string>();
        if (tls is not null) CheckTls(tls, deployment.ServerName, problems, warnings);
        if (deployment.User.Length != 0 && Processes.FindUser(deployment.User) is null)
        {
            problems.Add("AH00543: bad user name " + deployment.User);
        }
        if (deployment.Group.Length != 0 && Processes.FindGroup(deployment.Group) is null)
        {
            problems.Add("AH00544: bad group name " + deployment.Group);
        }
        if (!Directory.Exists(paths.DocumentRoot))
        {
            problems.Add("DocumentRoot '" + paths.DocumentRoot + "' is not a directory, or is not readable");
        }
        try
        {
            // Each target opened as the start opens it: one that is missing is said here.
            using var opened = new Site.AliasTable(aliases ?? System.Array.Empty<AliasRule>(), paths.Resolve);
        }
        catch (System.InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
        if (deployment.CoreDumpDirectory.Length != 0)
        {
            string cores = paths.Resolve(deployment.CoreDumpDirectory);
            if (!Directory.Exists(cores)) problems.Add("CoreDumpDirectory " + cores + (File.Exists(cores) ? " is not a directory" : " does not exist"));
        }
        if (Unwritable(paths.ErrorLog) is string why) problems.Add("AH00091: could not open error log file " + paths.ErrorLog + ": " + why);
        foreach (CustomLogSpec log in deployment.CustomLog)
        {
            string path = paths.Resolve(log.Path);
            if (Unwritable(path) is string reason) problems.Add("AH00649: could not open transfer log file " + path + ": " + reason);
        }
        if (Unwritable(paths.PidFile) is string pidWhy) problems.Add("AH00100: could not log pid to file " + paths.PidFile + ": " + pidWhy);
        if (deployment.ScoreBoardFile.Length != 0)
        {
            string board = paths.Resolve(deployment.ScoreBoardFile);
            if (Unwritable(board) is string boardWhy) problems.Add("could not create the ScoreBoardFile " + board + ": " + boardWhy);
        }
        if (deployment.ProxyPass.Count > 0)
        {
            // Each backend's host is resolved once, at start, as nginx resolves its upstreams:
            // one that does not resolve is said here, not discovered by a request.
            try
            {
                _ = new Proxy.ProxyRouter(deployment, proxyTimeout: 1);
            }
            catch (System.InvalidOperationException e)
            {
                problems.Add(e.Message);
            }
        }
        if (children && !File.Exists(SelfExecutable))
        {
            // Without /proc (a container that does not mount it) no child can be started, and a
            // server that listens with no child to serve would leave its clients hanging.
            problems.Add("cannot start children: " + SelfExecutable + " is missing (is /proc mounted?); mount /proc, or serve from one process with -X");
        }
        return problems;
    }

    /// <summary>
    /// The build's certificate checks (Configuration/Validation/CertificateChecks.cs) on the files
    /// this start will load, which -C may have replaced (a file that is missing or unreadable is
    /// said as mod_ssl says it, ssl_engine_config.c: ssl_cmd_check_file()); then the context is
    /// made as a child makes it, so OpenSSL itself judges the cipher strings and SSL_CONF commands.
    /// </summary>
    private static void CheckTls(TlsSettings tls, string serverName, List<string> problems, List<string>? warnings)
    {
        int before = problems.Count;
        string? Read(string directive, string path) => ReadPem(directive, path, problems);
        foreach (var (_, f) in CertificateChecks.CheckPairs(tls.Certificates, tls.ChainFile, Read, serverName, System.DateTime.UtcNow))
        {
            if (f.IsError) problems.Add(f.Message);
            else warnings?.Add(f.Message);
        }
        if (problems.Count > before) return;
        try
        {
            TlsContext.Create(tls).Dispose();
        }
        catch (System.InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
    }

    private static string? ReadPem(string directive, string path, List<string> problems)
    {
        try
        {
            string text = File.ReadAllText(path);
            if (text.Length > 0) return text;
        }
        catch (System.Exception e) when (e is IOException or System.UnauthorizedAccessException)
        {
            problems.Add(directive + ": file '" + path + "' " + (e is FileNotFoundException or DirectoryNotFoundException ? "does not exist or is empty" : "cannot be read: " + e.Message));
            return null;
        }
        problems.Add(directive + ": file '" + path + "' does not exist or is empty");
        return null;
    }

    /// <summary>Null when the file can be opened for appending, or created (with the directories above it); else why not.</summary>
    private static string? Unwritable(string path)
    {
        if (Directory.Exists(path)) return "it is a directory";
        if (File.Exists(path)) return Sys.CanWrite(path) ? null : "permission denied";
        // The server creates missing directories: the nearest one that exists must let it.
        string? directory = Path.GetDirectoryName(path);
        while (directory is not null && !Directory.Exists(directory))
        {
            if (File.Exists(directory)) return directory + " is not a directory";
            directory = Path.GetDirectoryName(directory);
        }
        if (directory is null) return "no directory to create it in";
        return Sys.CanWrite(directory) ? null : "permission denied in " + directory;
    }
}
