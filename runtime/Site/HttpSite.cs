using System;
using System.Collections.Generic;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Http;
using EventMpm.Native;

namespace EventMpm.Site;

/// <summary>What every worker of a child shares to answer requests: the files, their types, the fixed header values.</summary>
internal sealed class HttpSite : IDisposable
{
    private readonly Dictionary<int, byte[]> _errorBodies = new();

    public HttpSite(DocumentRoot root, MimeTypes types, IReadOnlyList<string> directoryIndex, string serverHeader,
        IReadOnlyList<LocationSpec> locations, string serverName, StatusIdentity status, Logging.AccessLog[]? logs = null, Proxy.ProxyRouter? proxy = null,
        IReadOnlyList<HeaderRule>? headers = null, IReadOnlyList<RedirectRule>? redirects = null, IReadOnlyList<ErrorDocumentRule>? errors = null,
        Func<int, string, string>? editHeader = null, IReadOnlyList<ExpiresRule>? expires = null, AliasTable? aliases = null,
        Func<int, string, string?>? redirectTo = null, int etagParts = Http.FileFacts.ETagDefault)
    {
        Cache = new FileCache(etagParts);
        Aliases = aliases ?? new AliasTable(Array.Empty<AliasRule>(), static p => p);
        Redirects = new RedirectTable(redirects ?? Array.Empty<RedirectRule>(), redirectTo);
        Proxy = proxy;
        Logs = logs ?? Array.Empty<Logging.AccessLog>();
        Routes = new RouteTable(locations, headers, errors, editHeader, expires);
        ServerName = serverName;
        VHost = Encoding.ASCII.GetBytes(serverName);
        Status = status;
        Root = root;
        Types = types;
        DirectoryIndex = new List<string>(directoryIndex).ToArray();
        ServerHeader = Encoding.ASCII.GetBytes(serverHeader);
        // Every error status with a reason phrase: the server's own, and a backend's that ProxyErrorOverride replaces.
        for (int code = 400; code < 600; code++)
        {
            if (StatusText.Reason(code) != "Unknown") _errorBodies[code] = StatusText.ErrorBody(code);
        }
    }

    public DocumentRoot Root { get; }

    /// <summary>ServerName, or empty when the Host of each request names the server (UseCanonicalName Off).</summary>
    public string ServerName { get; }

    public StatusIdentity Status { get; }

    /// <summary>The CustomLog files this process writes.</summary>
    public Logging.AccessLog[] Logs { get; }

    /// <summary>The ExtendedStatus VHost column.</summary>
    public byte[] VHost { get; }

    /// <summary>The &lt;Location&gt; sections: the handler and access rules of a path.</summary>
    public RouteTable Routes { get; }

    /// <summary>The ProxyPass lines and their backends; null without any.</summary>
    public Proxy.ProxyRouter? Proxy { get; }

    public RedirectTable Redirects { get; }

    public AliasTable Aliases { get; }

    public FileCache Cache { get; }

    public MimeTypes Types { get; }

    public string[] DirectoryIndex { get; }

    public byte[] ServerHeader { get; }

    public byte[] ErrorBody(int status) => _errorBodies.TryGetValue(status, out byte[]? body) ? body : StatusText.ErrorBody(status);

    /// <summary>Closes the files; the workers have handed over their last lines by now.</summary>
    public void Dispose()
    {
        Root.Dispose();
        Aliases.Dispose();
        if (Proxy is not null) foreach (Proxy.Backend b in Proxy.Backends) b.CloseIdle();
        foreach (Logging.AccessLog log in Logs) log.Dispose();
    }
}
