using System.Collections.Generic;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// The settings as directives are applied, in file order. Lists that directives add to are
/// kept here until <see cref="Validation.ConfigChecks"/> turns the whole into <see cref="ServerSettings"/>.
/// </summary>
public sealed class SettingsBuilder
{
    public ServerSettings Settings { get; set; } = new();

    public DeploymentSettings Deployment { get; set; } = new();

    public List<(ListenAddress Address, SourceLocation Location)> Listen { get; } = new();

    /// <summary>Where each SSLCertificateFile and SSLCertificateKeyFile was written, in order: the n-th key pairs with the n-th certificate.</summary>
    public List<SourceLocation> CertificateFileLocations { get; } = new();
    public List<SourceLocation> KeyFileLocations { get; } = new();

    /// <summary>Where a Listen wrote its protocol as https (an https listener without SSLEngine on is a mistake there).</summary>
    public List<SourceLocation> HttpsWritten { get; } = new();

    /// <summary>CustomLog path and its second word (a format, or a LogFormat nickname resolved at the end).</summary>
    public List<(string Path, string FormatOrNickname, SourceLocation Location)> CustomLogs { get; } = new();

    public List<LogFormatSpec> LogFormats { get; } = new();

    public List<MimeMapping> AddTypes { get; } = new();

    public List<LocationSpec> Locations { get; } = new();

    public List<HeaderRule> Headers { get; } = new();

    public List<(RedirectRule Rule, SourceLocation Location)> Redirects { get; } = new();

    public List<ErrorDocumentRule> ErrorDocuments { get; } = new();

    public List<ExpiresRule> Expires { get; } = new();

    public List<AliasRule> Aliases { get; } = new();

    public List<HandlerReference> CodeHandlers { get; } = new();

    /// <summary>ProxyPass lines in file order, with where each was written (for the shadowing check).</summary>
    public List<(ProxyRoute Route, SourceLocation Location)> ProxyPass { get; } = new();

    public List<(ProxyReverse Reverse, SourceLocation Location)> ProxyPassReverse { get; } = new();

    public List<(BalancerMember Member, SourceLocation Location)> BalancerMembers { get; } = new();

    public List<(BalancerSet Set, SourceLocation Location)> BalancerSets { get; } = new();

    /// <summary>AsyncRequestWorkerFactor as written, before the admission check's truncation.</summary>
    public double? WorkerFactorWritten { get; set; }

    public SourceLocation WorkerFactorLocation { get; set; }

    /// <summary>True once MaxRequestWorkers is written: httpd keeps 400 otherwise, whatever ThreadsPerChild is.</summary>
    public bool MaxRequestWorkersWritten { get; set; }

    /// <summary>Every directive occurrence that took effect: canonical name, value as written, origin.</summary>
    public List<DirectiveValue> Written { get; } = new();

    /// <summary>Where each single-valued directive was last set, for the "given twice" checks.</summary>
    public Dictionary<string, (SourceLocation Location, bool FromProject)> LastSet { get; } = new(System.StringComparer.OrdinalIgnoreCase);
}
