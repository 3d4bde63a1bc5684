using System.Collections.Generic;
using EventMpm.Configuration.Directives;
using EventMpm.Configuration.Syntax;

namespace EventMpm.Configuration.Validation;

/// <summary>The checks that need the whole configuration, run once every directive is applied.</summary>
internal static class ConfigChecks
{
    public static ServerSettings Finish(SettingsBuilder b, DiagnosticBag d, SourceLocation configStart, System.Func<SourceLocation, string> origin)
    {
        if (b.Listen.Count == 0)
        {
            d.Report(DiagnosticCatalog.MissingListen, configStart,
                "No Listen directive: the server would have no listening sockets. Add one, for example 'Listen 8080' (an address and port may be given: 'Listen 127.0.0.1:8080')");
        }

        CheckTls(b, d);
        CheckProxy(b, d);
        List<CustomLogSpec> customLogs = LogFormatParser.ResolveCustomLogs(b, d);

        MpmLimitRules.ApplyWorkerFactor(b, d);
        MpmLimitRules.Apply(b, d, configStart);
        ServerSettings s = b.Settings;
        ReportCapacity(s, d, b.LastSet.TryGetValue("ThreadsPerChild", out var t) ? t.Location : configStart);

        var listen = new List<ListenAddress>();
        foreach (var (address, _) in b.Listen) listen.Add(address);
        var warnings = new List<string>();
        foreach (ConfigDiagnostic diagnostic in d.Items)
        {
            if (diagnostic.Level == DiagnosticLevel.Warning) warnings.Add(origin(diagnostic.Location) + ": " + diagnostic.Message);
        }

        return s with
        {
            LogFormats = new EquatableArray<LogFormatSpec>(b.LogFormats),
            AddType = new EquatableArray<MimeMapping>(b.AddTypes),
            Locations = new EquatableArray<LocationSpec>(b.Locations),
            Headers = new EquatableArray<HeaderRule>(b.Headers),
            Redirects = new EquatableArray<RedirectRule>(b.Redirects.ConvertAll(r => r.Rule)),
            ErrorDocuments = new EquatableArray<ErrorDocumentRule>(b.ErrorDocuments),
            Expires = new EquatableArray<ExpiresRule>(b.Expires),
            Aliases = new EquatableArray<AliasRule>(b.Aliases),
            CodeHandlers = new EquatableArray<HandlerReference>(b.CodeHandlers),
            Deployment = b.Deployment with
            {
                Listen = new EquatableArray<ListenAddress>(listen),
                CustomLog = new EquatableArray<CustomLogSpec>(customLogs),
                ProxyPass = new EquatableArray<ProxyRoute>(b.ProxyPass.ConvertAll(p => p.Route)),
                ProxyPassReverse = new EquatableArray<ProxyReverse>(b.ProxyPassReverse.ConvertAll(p => p.Reverse)),
                BalancerMember = new EquatableArray<BalancerMember>(b.BalancerMembers.ConvertAll(m => m.Member)),
                ProxySet = new EquatableArray<BalancerSet>(b.BalancerSets.ConvertAll(s => s.Set)),
            },
            Directives = new EquatableArray<DirectiveValue>(EffectiveDirectives(b)),
            Warnings = new EquatableArray<string>(warnings),
        };
    }

    /// <summary>
    /// mod_proxy takes the first top-level ProxyPass whose path matches, in file order, so one
    /// written after another that covers its path never applies (httpd's documentation warns
    /// about the order; here it is an error at the line that cannot match). A ProxyPassReverse
    /// for a URL no ProxyPass sends to rewrites nothing the backend of this server could say.
    /// </summary>
    internal static void CheckProxy(SettingsBuilder b, DiagnosticBag d)
    {
        for (int j = 0; j < b.ProxyPass.Count; j++)
        {
            var (later, at) = b.ProxyPass[j];
            if (later.InLocation || later.IsPattern) continue;
            for (int i = 0; i < j; i++)
            {
                var (earlier, where) = b.ProxyPass[i];
                if (earlier.InLocation || earlier.IsPattern || !ProxyPathMatch.Covers(earlier.Path, later.Path)) continue;
                d.Report(DiagnosticCatalog.ProxyPassShadowed, at, "ProxyPass " + later.Path + " can never match: the ProxyPass " + earlier.Path
                    + " at " + where + " comes first and covers it (mod_proxy takes the first match); write the longer path first");
                break;
            }
        }
        foreach (var (route, at) in b.ProxyPass)
        {
            if (route.Balancer is not string balancer || b.BalancerMembers.Exists(m => m.Member.Balancer == balancer)) continue;
            d.Report(DiagnosticCatalog.BalancerUndefined, at, "ProxyPass " + route.Path + " " + route.Url + ": the balancer " + balancer
                + " has no members; declare them in <Proxy \"" + balancer + "\"> with BalancerMember (or BalancerMember " + balancer + " http://host:port)");
        }
        foreach (var (reverse, at) in b.ProxyPassReverse)
        {
            string url = Normalized(reverse.Url);
            bool sent = b.ProxyPass.Exists(p => !p.Route.Excluded && Normalized(p.Route.Url) is string target
                && (target.StartsWith(url, System.StringComparison.Ordinal) || url.StartsWith(target, System.StringComparison.Ordinal)));
            if (!sent) d.Report(DiagnosticCatalog.ProxyPassReverseUnmatched, at, "ProxyPassReverse " + reverse.Path + " " + reverse.Url + ": no ProxyPass sends requests to this URL, so the rewrite would never apply");
        }
    }

    private static string Normalized(string url) => ProxyUrl.Parse(url, out _, out _)?.ToString() ?? url;

    /// <summary>
    /// mod_ssl's start-up checks, at build: SSLEngine on needs an https listener and a
    /// certificate (AH02572), and an https listener needs SSLEngine on, or clients that speak TLS
    /// meet plain HTTP (httpd starts so and every handshake fails).
    /// </summary>
    private static void CheckTls(SettingsBuilder b, DiagnosticBag d)
    {
        bool anyHttps = b.Listen.Exists(l => l.Address.IsHttps);
        if (b.Settings.SSLEngine)
        {
            SourceLocation engine = b.LastSet.TryGetValue("SSLEngine", out var e) ? e.Location : SourceLocation.None;
            if (!anyHttps && b.Listen.Count > 0)
                d.Report(DiagnosticCatalog.TlsIncomplete, engine, "SSLEngine on, but no Listen is https: write 'Listen 443' or 'Listen PORT https' for the port that speaks TLS");
            if (b.Deployment.SSLCertificateFile.Count == 0)
                d.Report(DiagnosticCatalog.TlsIncomplete, engine, "AH02572: SSLEngine on needs SSLCertificateFile (and SSLCertificateKeyFile unless the key is in the same file); -C may replace them at start");
            if (b.Settings.SSLVerifyClient is 1 or 2 && b.Deployment.SSLCACertificateFile.Length == 0)
            {
                SourceLocation verify = b.LastSet.TryGetValue("SSLVerifyClient", out var v) ? v.Location : engine;
                d.Report(DiagnosticCatalog.TlsIncomplete, verify, "SSLVerifyClient " + Directives.DirectiveCatalog.VerifyNames[b.Settings.SSLVerifyClient]
                    + " needs SSLCACertificateFile: the CAs whose client certificates are accepted (mod_ssl fails every handshake without them)");
            }
            return;
        }
        foreach (SourceLocation written in b.HttpsWritten)
        {
            d.Report(DiagnosticCatalog.TlsIncomplete, written, "Listen ... https: SSLEngine is off, so this port would answer TLS clients in plain HTTP; add 'SSLEngine on' with SSLCertificateFile and SSLCertificateKeyFile");
        }
        foreach (var (address, location) in b.Listen)
        {
            if (address.IsHttps && !b.HttpsWritten.Exists(w => w.File == location.File && w.Line == location.Line))
                d.Report(DiagnosticCatalog.HttpsServesPlain, location, "Listen " + address + ": port 443 is https by httpd's default, but SSLEngine is off, so it serves plain HTTP; write 'Listen " + address + " http' to say so, or turn SSLEngine on");
        }
    }

    /// <summary>
    /// The certificate and key checked at build when they are among the project's files (a
    /// secret mounted at run time is not: <c>-t</c> and the start check that one), each finding at
    /// the line of the directive that named the file.
    /// </summary>
    public static void CheckCertificates(SettingsBuilder b, DiagnosticBag d, IConfigFileSource files, string serverRoot, System.DateTime now)
    {
        DeploymentSettings deployment = b.Deployment;
        if (!b.Settings.SSLEngine) return;
        if (deployment.SSLCertificateKeyFile.Count > deployment.SSLCertificateFile.Count)
        {
            d.Report(DiagnosticCatalog.TlsIncomplete, b.KeyFileLocations[deployment.SSLCertificateFile.Count],
                "SSLCertificateKeyFile without its SSLCertificateFile: mod_ssl pairs them in order, and this key has no certificate before it");
        }
        string? Read(string directive, string path) => files.TryRead(ConfigPath.Combine(serverRoot, path), out string text) ? text : null;
        foreach (var (pair, f) in CertificateChecks.CheckPairs(deployment.CertificatePairs(), deployment.SSLCertificateChainFile, Read, deployment.ServerName, now))
        {
            SourceLocation certificateAt = pair < b.CertificateFileLocations.Count ? b.CertificateFileLocations[pair] : SourceLocation.None;
            SourceLocation keyAt = pair < b.KeyFileLocations.Count ? b.KeyFileLocations[pair] : certificateAt;
            d.Report(f.IsError ? DiagnosticCatalog.CertificateRejected : DiagnosticCatalog.CertificateWarning, f.AboutKey ? keyAt : certificateAt, f.Message);
        }
    }

    /// <summary>The seed's arithmetic, shown to the user: processes, workers and connections.</summary>
    private static void ReportCapacity(ServerSettings s, DiagnosticBag d, SourceLocation where)
    {
        int perProcess = s.ThreadsPerChild + s.AsyncRequestWorkerFactor * s.ThreadsPerChild;
        d.Report(DiagnosticCatalog.Capacity, where, Invariant(
            $"Capacity: up to {s.MaxProcesses} processes (MaxRequestWorkers {s.MaxRequestWorkers} / ThreadsPerChild {s.ThreadsPerChild}), {s.MaxRequestWorkers} workers, and at most {s.MaxConnections} concurrent connections ((AsyncRequestWorkerFactor {s.AsyncRequestWorkerFactor} + 1) x MaxRequestWorkers {s.MaxRequestWorkers}); each process admits up to ThreadsPerChild + {s.AsyncRequestWorkerFactor} x idle workers = {perProcess} connections when all its workers are idle."));
    }

    private static string Invariant(System.FormattableString text) => System.FormattableString.Invariant(text);

    /// <summary>Every value directive in catalogue order: as written with its origin, or its default.</summary>
    private static List<DirectiveValue> EffectiveDirectives(SettingsBuilder b)
    {
        var result = new List<DirectiveValue>();
        foreach (DirectiveDefinition definition in DirectiveCatalog.All)
        {
            if (definition.Scope == DirectiveScope.Reading) continue;
            bool written = false;
            foreach (DirectiveValue value in b.Written)
            {
                if (value.Name != definition.Name) continue;
                result.Add(value);
                written = true;
            }
            if (!written && definition.DefaultText.Length > 0) result.Add(new DirectiveValue(definition.Name, definition.DefaultText, "default"));
        }
        return result;
    }
}
