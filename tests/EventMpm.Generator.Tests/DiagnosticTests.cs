using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace EventMpm.Generator.Tests;

/// <summary>
/// One case per diagnostic the generator reports: the ID, its severity, and the exact file, line
/// and column of the offending token, as the build prints them (file(line,col)).
/// </summary>
public sealed class DiagnosticTests
{
    public static IEnumerable<object[]> Cases() => new[]
    {
        Case("EMPM001", DiagnosticSeverity.Error, "Listen 80\nKeepAliveTimeut 5\n", 2, 1, "did you mean 'KeepAliveTimeout'"),
        Case("EMPM002", DiagnosticSeverity.Error, "Listen 80\nThreadsPerChild 10 20\n", 2, 1, "ThreadsPerChild takes one argument"),
        Case("EMPM003", DiagnosticSeverity.Error, "Listen 80\nThreadsPerChild 10abc\n", 2, 17, "httpd would silently read it as 10"),
        Case("EMPM004", DiagnosticSeverity.Error, "Listen 80\nMaxConnectionsPerChild -5\n", 2, 24, "must not be negative"),
        Case("EMPM004", DiagnosticSeverity.Error, "Listen 127.0.0.1:70000\n", 1, 8, "port 70000 is out of range"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nKeepAlive Maybe\n", 2, 11, "KeepAlive must be On or Off"),
        Case("EMPM010", DiagnosticSeverity.Error, "Listen 80\n<IfModule mpm_event_module\nThreadsPerChild 10\n</IfModule>\n", 2, 1, "missing closing '>'"),
        Case("EMPM011", DiagnosticSeverity.Error, "Listen 80\n</Location>\n", 2, 1, "</Location> without matching <Location> section"),
        Case("EMPM012", DiagnosticSeverity.Error, "Listen 80\n<Location /a>\n</IfModule>\n", 3, 1, "Expected </Location> but saw </IfModule>"),
        Case("EMPM013", DiagnosticSeverity.Error, "Listen 80\n<Location /a>\n    SetHandler server-status\n", 2, 1, "<Location> was not closed."),
        Case("EMPM014", DiagnosticSeverity.Error, "Listen 80\n<IfModule>\n</IfModule>\n", 2, 1, "requires additional arguments"),
        Case("EMPM015", DiagnosticSeverity.Error, "Listen 80\n<Location /a>\n  ThreadsPerChild 5\n</Location>\n", 3, 3, "ThreadsPerChild cannot occur within <Location> section"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nKeepAlive On # the default\n", 2, 14, "KeepAlive: '#' is read as an argument, as httpd reads it: a '#' starts a comment only at the start of a line, so a comment must start its own line"),
        Case("EMPM016", DiagnosticSeverity.Error, "Listen 80\n<VirtualHost *:80>\nServerName x\n</VirtualHost>\n", 2, 1, "<VirtualHost> is httpd's, not supported by EventMpm: EventMpm does not have it yet: virtual hosts are planned"),
        Case("EMPM016", DiagnosticSeverity.Error, "Listen 80\n<Directory /srv>\n</Directory>\n", 2, 1, "<Directory> is httpd's, not supported by EventMpm: EventMpm does not have it yet: per-directory sections are planned; use <Location>"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nErrorLog \"|/usr/bin/rotatelogs x\"\n", 2, 10, "piped logs"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nServerAdmin you@example.com\n", 2, 1, "ServerAdmin is httpd's (core), not supported by EventMpm: no page shows an administrator's address"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nAllowOverride All\n", 2, 1, "AllowOverride is httpd's (core), not supported by EventMpm: .htaccess files are read at run time, which a compiled configuration does not do"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nSSLUseStapling on\n", 2, 1, "SSLUseStapling is httpd's (mod_ssl), not supported by EventMpm: OCSP asks a responder over the network while serving"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nSSLCompression on\n", 2, 16, "SSLCompression on is refused: compression under TLS lets an attacker read secrets"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nProtocols h2 http/1.1\n", 2, 11, "Protocols: h2 (HTTP/2) is not built yet"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nSSLProtocol TLSv1 +TLSv1.3\n", 2, 1, "SSLProtocol: OpenSSL speaks a range of versions, and this one leaves out TLSv1.1 between TLSv1 and TLSv1.3"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nSSLProtocol all +SSLv3\n", 2, 17, "SSLProtocol: SSLv3 is not supported by OpenSSL 3"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nSSLProtocol TLSv1.4\n", 2, 13, "SSLProtocol: Illegal protocol 'TLSv1.4'"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nSSLCipherSuite HIGH:!aNUL:!MD5\n", 2, 16, "SSLCipherSuite: 'aNUL': OpenSSL 3.0 has no cipher or alias 'aNUL' (it would skip the word silently)"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nSSLCipherSuite ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256\n", 2, 16, "a TLS 1.3 suite goes in its own line: SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nSSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384:TLS_AES_512\n", 2, 24, "TLS 1.3 has no suite 'TLS_AES_512'"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nSSLOpenSSLConfCmd curves X25519\n", 2, 19, "SSLOpenSSLConfCmd: OpenSSL's SSL_CONF has no command 'curves' (it is spelt Curves)"),
        Case("EMPM049", DiagnosticSeverity.Warning, "Listen 80\nSSLProtocol all -SSLv3\n", 2, 1, "SSLProtocol allows TLSv1 TLSv1.1, which RFC 8996 deprecates"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nProxyPassMatch ^/(.*)$ http://$1:9000/\n", 2, 24, "ProxyPassMatch: the backend ($1:9000) must be fixed"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nProxyPassMatch ^/(api $ http://127.0.0.1:9000/\n", 2, 16, "ProxyPassMatch: '^/(api' is not a regular expression"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nProxyPass /app https://127.0.0.1:9443/\n", 2, 16, "ProxyPass: the scheme https:// is not built yet"),
        Case("EMPM004", DiagnosticSeverity.Error, "Listen 80\nProxyErrorOverride On 404 302\n", 2, 27, "ProxyErrorOverride: '302' is not a status from 400 to 599"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nHeader set Content-Length 5\n", 2, 12, "Header set Content-Length is refused: it frames the message"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nHeader always sett X-A b\n", 2, 15, "Header: 'sett' is not an action; mod_headers' actions are set, setifempty"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nHeader echo ^X-\n", 2, 8, "Header echo is mod_headers', but EventMpm does not build it"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nHeader set X-A b env=HTTPS\n", 2, 18, "Header: env= conditions are not built"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nHeader set X-Time \"%D %t\"\n", 2, 19, "format specifiers (%t, %D, %{NAME}e, ...) are not built"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nRequestHeader edit Cookie \"(a\" b\n", 2, 27, "is not a regular expression"),
        Case("EMPM002", DiagnosticSeverity.Error, "Listen 80\nHeader set X-A\n", 2, 1, "Header set needs a value after the field's name"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nRedirect permanent /old www.example.org/new\n", 2, 25, "Redirect to non-URL 'www.example.org/new'"),
        Case("EMPM004", DiagnosticSeverity.Error, "Listen 80\nRedirect 200 /old https://x/\n", 2, 10, "Redirect: status 200 is neither a redirect (300-399) nor an error status"),
        Case("EMPM002", DiagnosticSeverity.Error, "Listen 80\nRedirect seeother /old\n", 2, 1, "Redirect: a 303 redirect needs the URL it sends to"),
        Case("EMPM002", DiagnosticSeverity.Error, "Listen 80\nRedirect gone /old https://x/\n", 2, 20, "status 410 takes a path and no URL"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nRedirectMatch permanent ^/(old/.*$ https://x/$1\n", 2, 25, "RedirectMatch: '^/(old/.*$' is not a regular expression"),
        Case("EMPM004", DiagnosticSeverity.Error, "Listen 80\nErrorDocument 200 /ok.html\n", 2, 15, "ErrorDocument: '200' is not an error status (400-599)"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nErrorDocument 404 /../etc/passwd\n", 2, 19, "must not hold '.' or '..' segments"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nServerTokens Secret\n", 2, 14, "ServerTokens takes Prod, Major, Minor, Minimal, OS or Full, not 'Secret'"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nServerSignature EMail\n", 2, 17, "ServerSignature EMail links ServerAdmin, which EventMpm does not have"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nTraceEnable extended\n", 2, 13, "TraceEnable extended (TRACE with a body) is not built"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nExpiresByType text/css \"access plus 1 fortnight\"\n", 2, 24, "'fortnight' is not a unit"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nExpiresDefault \"creation plus 1 day\"\n", 2, 16, "'creation' is not a base"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nExpiresByType css \"access plus 1 day\"\n", 2, 15, "ExpiresByType: 'css' is not a media type"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nFileETag INode MTime Size\n", 2, 10, "FileETag INode is not built: an inode number differs between the machines behind a load balancer"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nFileETag MTime -Size\n", 2, 16, "FileETag: '-Size' mixes a change (+/-) with a list of parts"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nProxyStatus Extended\n", 2, 13, "ProxyStatus takes On, Off or Full, not 'Extended'"),
        Case("EMPM092", DiagnosticSeverity.Error, "Listen 80\nProxyPass /app balancer://cluster/\n", 2, 1, "the balancer balancer://cluster has no members; declare them in <Proxy \"balancer://cluster\"> with BalancerMember"),
        Case("EMPM004", DiagnosticSeverity.Error, "Listen 80\n<Proxy \"balancer://c\">\n  BalancerMember http://127.0.0.1:9000 loadfactor=101\n</Proxy>\nProxyPass /app balancer://c/\n", 3, 40, "BalancerMember loadfactor takes a whole number from 1 to 100, not '101'"),
        Case("EMPM015", DiagnosticSeverity.Error, "Listen 80\n<Proxy \"balancer://c\">\n  Require all granted\n</Proxy>\n", 3, 3, "Require cannot occur within <Proxy> section: EventMpm's <Proxy \"balancer://c\"> holds BalancerMember and ProxySet"),
        Case("EMPM016", DiagnosticSeverity.Error, "Listen 80\n<Proxy \"http://backend/\">\n  Require all granted\n</Proxy>\n", 2, 1, "EventMpm's <Proxy> declares a load balancer"),
        Case("EMPM015", DiagnosticSeverity.Error, "Listen 80\nBalancerMember http://127.0.0.1:9000\n", 2, 1, "BalancerMember belongs inside <Proxy \"balancer://name\">"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nBalancerMember balancer://c http://127.0.0.1:9000\nProxySet balancer://c lbmethod=bytraffic\nProxyPass /app balancer://c/\n", 3, 23, "ProxySet lbmethod=bytraffic is mod_proxy_balancer's, but EventMpm builds byrequests and bybusyness"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nBalancerMember balancer://c http://127.0.0.1:9000\nProxyPass /app balancer://c/ timeout=5\n", 3, 30, "ProxyPass: timeout= is a backend's parameter; a balancer's members take it"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nBalancerMember balancer://c http://127.0.0.1:9000\nProxyPass /app balancer://c/ stickysession=JSESSIONID\n", 3, 30, "ProxyPass stickysession= is mod_proxy's, but EventMpm does not build it: sticky sessions are not built"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nProxyPass /app http://127.0.0.1:9000/ max=20\n", 2, 39, "ProxyPass max= is mod_proxy's, but EventMpm does not build it"),
        Case("EMPM017", DiagnosticSeverity.Error, "Listen 80\nProxyRequests On\n", 2, 15, "ProxyRequests On: forward proxying"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nProxyPass /app http://127.0.0.1:99999/\n", 2, 16, "ProxyPass: port '99999' is not a number from 1 to 65535"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nProxyPass /app http://127.0.0.1:9000/ timout=5\n", 2, 39, "ProxyPass: unknown parameter 'timout'"),
        Case("EMPM004", DiagnosticSeverity.Error, "Listen 80\nProxyPass /app http://127.0.0.1:9000/ retry=-1\n", 2, 39, "ProxyPass retry takes whole seconds from 0 to 86400"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nProxyPass /app http://127.0.0.1:9000/ upgrade=web,socket\n", 2, 39, "ProxyPass upgrade takes a protocol name such as websocket"),
        Case("EMPM002", DiagnosticSeverity.Error, "Listen 80\nProxyPass http://127.0.0.1:9000/\n", 2, 1, "ProxyPass needs a path and a URL outside <Location>"),
        Case("EMPM090", DiagnosticSeverity.Error, "Listen 80\nProxyPass /api http://127.0.0.1:9000/\nProxyPass /api/v2 http://127.0.0.1:9001/\n", 3, 1, "ProxyPass /api/v2 can never match: the ProxyPass /api at /src/Site/httpd.conf(2,1) comes first and covers it"),
        Case("EMPM091", DiagnosticSeverity.Warning, "Listen 80\nProxyPass /api http://127.0.0.1:9000/\nProxyPassReverse /api http://127.0.0.1:9999/\n", 3, 1, "no ProxyPass sends requests to this URL"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nAlias /icons/ /usr/share/icons\n", 2, 15, "the URL-path ends with '/' and the target does not"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nAliasMatch ^/img/(.*) $1\n", 2, 23, "AliasMatch: the target '$1' must begin with a fixed directory"),
        Case("EMPM020", DiagnosticSeverity.Error, "Listen 80\nInclude conf/missing.conf\n", 2, 9, "Could not open configuration file /src/Site/conf/missing.conf"),
        Case("EMPM021", DiagnosticSeverity.Error, "Listen 80\nInclude conf.d/*.conf\n", 2, 9, "No matches for the wildcard '*.conf'"),
        Case("EMPM022", DiagnosticSeverity.Error, "Listen 80\nInclude httpd.conf\n", 2, 9, "includes itself"),
        Case("EMPM023", DiagnosticSeverity.Warning, "Listen 80\nDocumentRoot ${ROOT}/htdocs\n", 2, 14, "${ROOT} is not defined"),
        Case("EMPM024", DiagnosticSeverity.Error, "Listen 80\nLoadModule rewrite_module modules/mod_rewrite.so\n", 2, 12, "Cannot load rewrite_module"),
        Case("EMPM030", DiagnosticSeverity.Warning, "Listen 80\nThreadsPerChild 10\nThreadsPerChild 20\n", 3, 1, "already set at /src/Site/httpd.conf(2,1)"),
        Case("EMPM032", DiagnosticSeverity.Info, "Listen 80\nMaxClients 150\n", 2, 1, "MaxClients is deprecated, use MaxRequestWorkers"),
        Case("EMPM033", DiagnosticSeverity.Error, "Listen 80\nListen 80\n", 2, 8, "Cannot define multiple Listeners on the same IP:port"),
        Case("EMPM034", DiagnosticSeverity.Info, "Listen 80\nMaxMemFree 4096\n", 2, 1, "so the value has no effect"),
        Case("EMPM041", DiagnosticSeverity.Error, "ServerName example.org\n", 1, 1, "No Listen directive"),
        Case("EMPM042", DiagnosticSeverity.Error, "Listen 80\nCustomLog logs/a nosuch\n", 2, 18, "no LogFormat is named 'nosuch'"),
        Case("EMPM043", DiagnosticSeverity.Error, "Listen 80\n<Location /api>\n  SetHandler Site.Api\n</Location>\n", 3, 14, "SetHandler Site.Api: no type of that name in the project"),
        Case("EMPM044", DiagnosticSeverity.Error, "Listen 80\n<Location /api>\n  SetHandler System.String\n</Location>\n", 3, 14, "string does not implement EventMpm.Handlers.IRequestHandler"),
        Case("EMPM045", DiagnosticSeverity.Error, "Listen 8443 https\n", 1, 13, "SSLEngine is off, so this port would answer TLS clients in plain HTTP"),
        Case("EMPM045", DiagnosticSeverity.Error, "Listen 443\nSSLEngine on\n", 2, 1, "AH02572: SSLEngine on needs SSLCertificateFile"),
        Case("EMPM045", DiagnosticSeverity.Error, "Listen 80\nSSLEngine on\nSSLCertificateFile site.crt\n", 2, 1, "SSLEngine on, but no Listen is https"),
        Case("EMPM045", DiagnosticSeverity.Error, "Listen 443\nSSLEngine on\nSSLCertificateFile site.crt\nSSLVerifyClient require\n", 4, 1, "SSLVerifyClient require needs SSLCACertificateFile"),
        Case("EMPM005", DiagnosticSeverity.Error, "Listen 80\nSSLVerifyClient sometimes\n", 2, 17, "SSLVerifyClient: Invalid argument 'sometimes'"),
        Case("EMPM046", DiagnosticSeverity.Warning, "Listen 443\n", 1, 8, "port 443 is https by httpd's default, but SSLEngine is off"),
        Case("EMPM050", DiagnosticSeverity.Warning, "Listen 80\nServerLimit 30000\n", 2, 1, "ServerLimit of 30000 exceeds compile-time limit of 20000 servers, decreasing to 20000."),
        Case("EMPM051", DiagnosticSeverity.Warning, "Listen 80\nServerLimit 0\n", 2, 1, "ServerLimit of 0 not allowed, increasing to 1."),
        Case("EMPM052", DiagnosticSeverity.Warning, "Listen 80\nThreadLimit 200000\n", 2, 1, "decreasing to 100000"),
        Case("EMPM053", DiagnosticSeverity.Warning, "Listen 80\nThreadLimit 0\n", 2, 1, "ThreadLimit of 0 not allowed, increasing to 1."),
        Case("EMPM054", DiagnosticSeverity.Warning, "Listen 80\nThreadLimit 64\nThreadsPerChild 100\n", 3, 1, "ThreadsPerChild of 100 exceeds ThreadLimit of 64 threads, decreasing to 64."),
        Case("EMPM055", DiagnosticSeverity.Warning, "Listen 80\nThreadsPerChild 0\n", 2, 1, "ThreadsPerChild of 0 not allowed, increasing to 1."),
        Case("EMPM056", DiagnosticSeverity.Warning, "Listen 80\nThreadsPerChild 25\nMaxRequestWorkers 10\n", 3, 1, "MaxRequestWorkers of 10 is less than ThreadsPerChild of 25, increasing to 25."),
        Case("EMPM057", DiagnosticSeverity.Warning, "Listen 80\nMaxRequestWorkers 401\n", 2, 1, "decreasing to nearest multiple 400, for a maximum of 16 servers."),
        Case("EMPM058", DiagnosticSeverity.Warning, "Listen 80\nThreadsPerChild 10\n", 2, 1, "MaxRequestWorkers of 400 would require 40 servers and would exceed ServerLimit of 16, decreasing to 160."),
        Case("EMPM059", DiagnosticSeverity.Warning, "Listen 80\nStartServers 0\n", 2, 1, "StartServers of 0 not allowed, increasing to 1."),
        Case("EMPM060", DiagnosticSeverity.Warning, "Listen 80\nMinSpareThreads 0\n", 2, 1, "MinSpareThreads of 0 not allowed, increasing to 1"),
        Case("EMPM061", DiagnosticSeverity.Warning, "Listen 80\nStartServers 20\n", 2, 1, "16 will be started"),
        Case("EMPM062", DiagnosticSeverity.Warning, "Listen 80\nMaxSpareThreads 10\n", 2, 1, "increasing to 101"),
        Case("EMPM063", DiagnosticSeverity.Warning, "Listen 80\nAsyncRequestWorkerFactor 1.5\n", 2, 26, "AsyncRequestWorkerFactor 1.5 acts as 1"),
        Case("EMPM070", DiagnosticSeverity.Info, "Listen 80\nThreadsPerChild 25\n", 2, 1, "at most 1200 concurrent connections"),
    };

    /// <summary>An httpd directive EventMpm lacks is never called a misspelling, nor offered as a correction.</summary>
    [Fact]
    public void An_httpd_directive_is_never_called_a_misspelling()
    {
        foreach (string name in new[] { "ServerAdmin", "UseCanonicalName", "HostnameLookups", "AliasPreservePath", "RedirectRelative", "FallbackResource", "DirectorySlash", "Options", "AllowOverride", "Order", "RewriteRule", "SSLCARevocationFile", "ProxyPassReverseCookiePath", "AddOutputFilterByType", "ProtocolsHonorOrder" })
        {
            GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 80\n" + name + " x\n"));
            Diagnostic d = Assert.Single(run.Diagnostics, x => x.Severity == DiagnosticSeverity.Error);
            string message = d.GetMessage();
            Assert.StartsWith(name + " is httpd's (", message);
            Assert.DoesNotContain("misspelled", message);
            Assert.DoesNotContain("did you mean", message);
        }
        // A real misspelling is still offered the directive it is near, and never an httpd directive EventMpm lacks.
        GeneratorRun typo = GeneratorHarness.Run(TestProject.WithConf("Listen 80\nServerAdmn x\n"));
        Assert.DoesNotContain("ServerAdmin", Assert.Single(typo.Diagnostics, x => x.Id == "EMPM001").GetMessage());
    }

    [Fact]
    public void No_name_is_both_a_directive_EventMpm_has_and_one_it_refuses()
    {
        var have = EventMpm.Configuration.Directives.DirectiveCatalog.All.Select(d => d.Name).ToHashSet(System.StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(EventMpm.Configuration.Directives.HttpdDirectives.Names, have.Contains);
    }

    private static object[] Case(string id, DiagnosticSeverity severity, string conf, int line, int column, string message)
        => new object[] { id, severity, conf, line, column, message };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_at_the_offending_token(string id, DiagnosticSeverity severity, string conf, int line, int column, string message)
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf(conf));

        Diagnostic d = Assert.Single(run.Diagnostics, x => x.Id == id);
        Assert.Equal(severity, d.Severity);
        FileLinePositionSpan span = d.Location.GetLineSpan();
        Assert.Equal(TestProject.MainPath, span.Path);
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Contains(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_project_file_directive_overriding_the_file_is_reported_at_its_item()
    {
        var project = TestProject.WithConf("Listen 80\nThreadsPerChild 10\n") with { Directives = new() { ("ThreadsPerChild", "20") } };

        GeneratorRun run = GeneratorHarness.Run(project);

        Diagnostic d = Assert.Single(run.Diagnostics, x => x.Id == "EMPM031");
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        FileLinePositionSpan span = d.Location.GetLineSpan();
        Assert.Equal(TestProject.ProjectPath, span.Path);
        Assert.Equal((3, 5), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Contains("overrides the value at /src/Site/httpd.conf(2,1)", d.GetMessage());
        Assert.Equal(20, run.ReadBack().ThreadsPerChild);
    }

    [Fact]
    public void A_bad_project_file_directive_is_an_error_at_its_item()
    {
        var project = new TestProject { Directives = { ("Listen", "8080"), ("KeepAliveTimeout", "5 seconds") } };

        GeneratorRun run = GeneratorHarness.Run(project);

        Diagnostic d = Assert.Single(run.Errors);
        Assert.Equal("EMPM002", d.Id);
        FileLinePositionSpan span = d.Location.GetLineSpan();
        Assert.Equal(TestProject.ProjectPath, span.Path);
        Assert.Equal((4, 5), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
    }

    [Fact]
    public void No_configuration_at_all_is_an_error()
    {
        GeneratorRun run = GeneratorHarness.Run(new TestProject());

        Diagnostic d = Assert.Single(run.Errors);
        Assert.Equal("EMPM040", d.Id);
        Assert.Equal(Location.None, d.Location);
    }

    [Fact]
    public void A_clean_configuration_reports_only_its_capacity()
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 8080\nThreadsPerChild 25\nMaxRequestWorkers 150\n"));

        Diagnostic d = Assert.Single(run.Diagnostics);
        Assert.Equal("EMPM070", d.Id);
        Assert.Contains("up to 6 processes", d.GetMessage());
    }

    [Fact]
    public void Every_catalogued_diagnostic_except_the_start_time_and_internal_ones_has_a_case()
    {
        // EMPM047 and EMPM048 need certificate files: CertificateCheckTests covers them.
        var covered = Cases().Select(c => (string)c[0]).Concat(new[] { "EMPM031", "EMPM040", "EMPM047", "EMPM048" }).ToHashSet();
        var expected = EventMpm.Configuration.DiagnosticCatalog.All.Select(k => k.Id).Except(new[] { "EMPM080", "EMPM099" });
        Assert.Equal(new string[0], expected.Where(id => !covered.Contains(id)).ToArray());
    }
}
