using System.Collections.Generic;
namespace EventMpm.Configuration;

/// <summary>
/// The directives an operator may change at start with <c>-C</c> without rebuilding: where
/// the server lives, listens, logs and runs as. Everything else is compiled into the binary.
/// </summary>
public sealed record DeploymentSettings
{
    /// <summary>Empty means the directory that holds the binary.</summary>
    public string ServerRoot { get; init; } = "";

    /// <summary>Empty means the machine's host name, as httpd falls back to it.</summary>
    public string ServerName { get; init; } = "";

    /// <summary>httpd's default is <c>htdocs</c> under ServerRoot.</summary>
    public string DocumentRoot { get; init; } = "htdocs";

    public EquatableArray<ListenAddress> Listen { get; init; } = EquatableArray<ListenAddress>.Empty;

    /// <summary>httpd's default, relative to ServerRoot.</summary>
    public string PidFile { get; init; } = "logs/httpd.pid";

    /// <summary>httpd's default, relative to ServerRoot.</summary>
    public string ErrorLog { get; init; } = "logs/error_log";

    public EquatableArray<CustomLogSpec> CustomLog { get; init; } = EquatableArray<CustomLogSpec>.Empty;

    /// <summary>Empty means an anonymous shared mapping the children inherit (httpd's default).</summary>
    public string ScoreBoardFile { get; init; } = "";

    /// <summary>Empty means the children keep the user that started the server.</summary>
    public string User { get; init; } = "";

    /// <summary>Empty means the children keep the group that started the server.</summary>
    public string Group { get; init; } = "";

    /// <summary>Empty means ServerRoot, as httpd.</summary>
    public string CoreDumpDirectory { get; init; } = "";

    /// <summary>
    /// The server's certificates (PEM), each followed by its chain: mod_ssl's SSLCertificateFile,
    /// given once per key type (an RSA and an ECDSA certificate side by side). A secret mounted at
    /// run time replaces them with -C.
    /// </summary>
    public EquatableArray<string> SSLCertificateFile { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Their private keys (PEM), paired by order as mod_ssl pairs them; a certificate without one has its key in its own file.</summary>
    public EquatableArray<string> SSLCertificateKeyFile { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The certificate and key files paired: the n-th key goes with the n-th certificate, and a certificate left without a key holds it.</summary>
    public IEnumerable<(string Certificate, string Key)> CertificatePairs()
    {
        for (int i = 0; i < SSLCertificateFile.Count; i++)
            yield return (SSLCertificateFile[i], i < SSLCertificateKeyFile.Count ? SSLCertificateKeyFile[i] : SSLCertificateFile[i]);
    }

    /// <summary>The CAs whose client certificates SSLVerifyClient accepts (PEM): mod_ssl's SSLCACertificateFile.</summary>
    public string SSLCACertificateFile { get; init; } = "";

    /// <summary>
    /// ProxyPass lines in file order: where the backends are differs between a developer's
    /// machine, a container and a cluster, so, like Listen, they are compiled defaults that the
    /// first <c>-C ProxyPass</c> replaces as a whole.
    /// </summary>
    public EquatableArray<ProxyRoute> ProxyPass { get; init; } = EquatableArray<ProxyRoute>.Empty;

    /// <summary>ProxyPassReverse lines, replaced as a whole by the first <c>-C ProxyPassReverse</c>.</summary>
    public EquatableArray<ProxyReverse> ProxyPassReverse { get; init; } = EquatableArray<ProxyReverse>.Empty;

    /// <summary>The members of the balancers ProxyPass names (balancer://name), replaced as a whole by the first <c>-C BalancerMember</c>.</summary>
    public EquatableArray<BalancerMember> BalancerMember { get; init; } = EquatableArray<BalancerMember>.Empty;

    /// <summary>ProxySet lines (and balancer parameters written on a ProxyPass), later ones overriding earlier ones per balancer.</summary>
    public EquatableArray<BalancerSet> ProxySet { get; init; } = EquatableArray<BalancerSet>.Empty;

    /// <summary>More of the chain (PEM), sent after the certificate file's own: mod_ssl's SSLCertificateChainFile, kept for old configurations.</summary>
    public string SSLCertificateChainFile { get; init; } = "";
}
