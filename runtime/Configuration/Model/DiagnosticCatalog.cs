using System.Collections.Generic;

namespace EventMpm.Configuration;

/// <summary>One row of the documented diagnostics table (README.md, "Diagnostics").</summary>
public sealed record DiagnosticKind(string Id, DiagnosticLevel Level, string Title);

/// <summary>
/// Every diagnostic the configuration compiler can report. IDs are stable: a retired ID is
/// never reused. The README's table is checked against this list by a test.
/// </summary>
public static class DiagnosticCatalog
{
    // Syntax and structure of the file.
    public static readonly DiagnosticKind UnknownDirective = new("EMPM001", DiagnosticLevel.Error, "Unknown directive");
    public static readonly DiagnosticKind WrongArgumentCount = new("EMPM002", DiagnosticLevel.Error, "Wrong number of arguments");
    public static readonly DiagnosticKind NotANumber = new("EMPM003", DiagnosticLevel.Error, "Not a number");
    public static readonly DiagnosticKind OutOfRange = new("EMPM004", DiagnosticLevel.Error, "Value out of range");
    public static readonly DiagnosticKind InvalidValue = new("EMPM005", DiagnosticLevel.Error, "Invalid value");
    public static readonly DiagnosticKind MissingClosingBracket = new("EMPM010", DiagnosticLevel.Error, "Container line missing its closing '>'");
    public static readonly DiagnosticKind StrayClosingTag = new("EMPM011", DiagnosticLevel.Error, "Closing tag without a matching section");
    public static readonly DiagnosticKind MismatchedClosingTag = new("EMPM012", DiagnosticLevel.Error, "Closing tag does not match the open section");
    public static readonly DiagnosticKind UnclosedSection = new("EMPM013", DiagnosticLevel.Error, "Section not closed");
    public static readonly DiagnosticKind SectionNeedsArgument = new("EMPM014", DiagnosticLevel.Error, "Section requires an argument");
    public static readonly DiagnosticKind WrongContext = new("EMPM015", DiagnosticLevel.Error, "Directive not allowed in this context");
    public static readonly DiagnosticKind UnsupportedSection = new("EMPM016", DiagnosticLevel.Error, "Section type not supported");
    public static readonly DiagnosticKind UnsupportedFeature = new("EMPM017", DiagnosticLevel.Error, "httpd feature not supported by EventMpm");

    // Include, Define and variables.
    public static readonly DiagnosticKind IncludeNotFound = new("EMPM020", DiagnosticLevel.Error, "Included file not found");
    public static readonly DiagnosticKind IncludeNoMatch = new("EMPM021", DiagnosticLevel.Error, "Include wildcard matches nothing");
    public static readonly DiagnosticKind IncludeTooDeep = new("EMPM022", DiagnosticLevel.Error, "Include recursion");
    public static readonly DiagnosticKind UndefinedVariable = new("EMPM023", DiagnosticLevel.Warning, "Config variable not defined");
    public static readonly DiagnosticKind UnknownModule = new("EMPM024", DiagnosticLevel.Error, "Module not built into EventMpm");

    // Directives given more than once, overrides, aliases.
    public static readonly DiagnosticKind DuplicateDirective = new("EMPM030", DiagnosticLevel.Warning, "Directive given twice");
    public static readonly DiagnosticKind ProjectOverride = new("EMPM031", DiagnosticLevel.Info, "Project-file directive overrides the configuration file");
    public static readonly DiagnosticKind DeprecatedAlias = new("EMPM032", DiagnosticLevel.Info, "Deprecated directive name");
    public static readonly DiagnosticKind DuplicateListen = new("EMPM033", DiagnosticLevel.Error, "Same address given to Listen twice");
    public static readonly DiagnosticKind DifferentHere = new("EMPM034", DiagnosticLevel.Info, "Directive has a different effect in EventMpm");

    // Whole-configuration checks.
    public static readonly DiagnosticKind NoConfiguration = new("EMPM040", DiagnosticLevel.Error, "No configuration given");
    public static readonly DiagnosticKind MissingListen = new("EMPM041", DiagnosticLevel.Error, "No Listen directive");
    public static readonly DiagnosticKind UnknownLogFormat = new("EMPM042", DiagnosticLevel.Error, "CustomLog names an undefined LogFormat");
    // Checked by the generator against the compilation: the conf names C# code.
    public static readonly DiagnosticKind HandlerNotFound = new("EMPM043", DiagnosticLevel.Error, "SetHandler names no type in the project");
    public static readonly DiagnosticKind HandlerWrongShape = new("EMPM044", DiagnosticLevel.Error, "SetHandler names a type that cannot handle requests");
    public static readonly DiagnosticKind TlsIncomplete = new("EMPM045", DiagnosticLevel.Error, "TLS configured without what it needs");
    public static readonly DiagnosticKind HttpsServesPlain = new("EMPM046", DiagnosticLevel.Warning, "An https listener serves plain HTTP");
    public static readonly DiagnosticKind CertificateRejected = new("EMPM047", DiagnosticLevel.Error, "Certificate or key that TLS clients or the server would refuse");
    public static readonly DiagnosticKind CertificateWarning = new("EMPM048", DiagnosticLevel.Warning, "Certificate about to expire, or not for ServerName");
    public static readonly DiagnosticKind WeakTls = new("EMPM049", DiagnosticLevel.Warning, "TLS versions that RFC 8996 deprecates");

    // httpd's event_check_config clamps, in httpd's order (each a warning stating the value used).
    public static readonly DiagnosticKind ServerLimitTooHigh = new("EMPM050", DiagnosticLevel.Warning, "ServerLimit above the compile-time limit (httpd AH00497)");
    public static readonly DiagnosticKind ServerLimitTooLow = new("EMPM051", DiagnosticLevel.Warning, "ServerLimit below 1 (httpd AH00499)");
    public static readonly DiagnosticKind ThreadLimitTooHigh = new("EMPM052", DiagnosticLevel.Warning, "ThreadLimit above the compile-time limit (httpd AH00502)");
    public static readonly DiagnosticKind ThreadLimitTooLow = new("EMPM053", DiagnosticLevel.Warning, "ThreadLimit below 1 (httpd AH00504)");
    public static readonly DiagnosticKind ThreadsPerChildAboveThreadLimit = new("EMPM054", DiagnosticLevel.Warning, "ThreadsPerChild above ThreadLimit (httpd AH00507)");
    public static readonly DiagnosticKind ThreadsPerChildTooLow = new("EMPM055", DiagnosticLevel.Warning, "ThreadsPerChild below 1 (httpd AH00509)");
    public static readonly DiagnosticKind MaxRequestWorkersBelowThreads = new("EMPM056", DiagnosticLevel.Warning, "MaxRequestWorkers below ThreadsPerChild (httpd AH00511)");
    public static readonly DiagnosticKind MaxRequestWorkersNotMultiple = new("EMPM057", DiagnosticLevel.Warning, "MaxRequestWorkers not a multiple of ThreadsPerChild (httpd AH00513)");
    public static readonly DiagnosticKind MaxRequestWorkersAboveServerLimit = new("EMPM058", DiagnosticLevel.Warning, "MaxRequestWorkers needs more than ServerLimit processes (httpd AH00515)");
    public static readonly DiagnosticKind StartServersTooLow = new("EMPM059", DiagnosticLevel.Warning, "StartServers below 1 (httpd AH00517)");
    public static readonly DiagnosticKind MinSpareThreadsTooLow = new("EMPM060", DiagnosticLevel.Warning, "MinSpareThreads below 1 (httpd AH00519)");
    public static readonly DiagnosticKind StartServersCapped = new("EMPM061", DiagnosticLevel.Warning, "StartServers above the process limit");
    public static readonly DiagnosticKind MaxSpareThreadsRaised = new("EMPM062", DiagnosticLevel.Warning, "MaxSpareThreads below MinSpareThreads + ThreadsPerChild + 1");
    public static readonly DiagnosticKind WorkerFactorTruncated = new("EMPM063", DiagnosticLevel.Warning, "AsyncRequestWorkerFactor fraction ignored");

    // What the values add up to.
    public static readonly DiagnosticKind Capacity = new("EMPM070", DiagnosticLevel.Info, "Capacity the configuration implies");

    // The reverse proxy.
    public static readonly DiagnosticKind ProxyPassShadowed = new("EMPM090", DiagnosticLevel.Error, "ProxyPass that an earlier one keeps from ever matching");
    public static readonly DiagnosticKind ProxyPassReverseUnmatched = new("EMPM091", DiagnosticLevel.Warning, "ProxyPassReverse for a backend no ProxyPass sends to");
    public static readonly DiagnosticKind BalancerUndefined = new("EMPM092", DiagnosticLevel.Error, "ProxyPass to a balancer with no BalancerMember");

    // Start-time (-C) only.
    public static readonly DiagnosticKind CompiledOnly = new("EMPM080", DiagnosticLevel.Error, "Directive is compiled into the binary");

    // The generator itself failed: a bug in EventMpm, never the user's fault.
    public static readonly DiagnosticKind InternalError = new("EMPM099", DiagnosticLevel.Error, "Internal error in the configuration compiler");

    public static IReadOnlyList<DiagnosticKind> All { get; } = new[]
    {
        UnknownDirective, WrongArgumentCount, NotANumber, OutOfRange, InvalidValue,
        MissingClosingBracket, StrayClosingTag, MismatchedClosingTag, UnclosedSection, SectionNeedsArgument,
        WrongContext, UnsupportedSection, UnsupportedFeature,
        IncludeNotFound, IncludeNoMatch, IncludeTooDeep, UndefinedVariable, UnknownModule,
        DuplicateDirective, ProjectOverride, DeprecatedAlias, DuplicateListen, DifferentHere,
        NoConfiguration, MissingListen, UnknownLogFormat, HandlerNotFound, HandlerWrongShape, TlsIncomplete, HttpsServesPlain, CertificateRejected, CertificateWarning, WeakTls,
        ServerLimitTooHigh, ServerLimitTooLow, ThreadLimitTooHigh, ThreadLimitTooLow,
        ThreadsPerChildAboveThreadLimit, ThreadsPerChildTooLow, MaxRequestWorkersBelowThreads,
        MaxRequestWorkersNotMultiple, MaxRequestWorkersAboveServerLimit, StartServersTooLow,
        MinSpareThreadsTooLow, StartServersCapped, MaxSpareThreadsRaised, WorkerFactorTruncated,
        Capacity, ProxyPassShadowed, ProxyPassReverseUnmatched, BalancerUndefined, CompiledOnly, InternalError,
    };
}
