using System;
using System.Collections.Generic;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// httpd's directives that EventMpm does not have: those of the core and of the modules a real
/// httpd.conf commonly loads, each with its module and why EventMpm does not take it, or what to
/// use instead. A name found here is refused as httpd's, never as a misspelling, and is never
/// offered as a "did you mean". The names are httpd 2.4's (docs/manual/mod/*.xml).
/// </summary>
public static class HttpdDirectives
{
    private const string Planned = "EventMpm does not have it yet: ";
    private const string VirtualHostsAndMapping = Planned + "virtual hosts, URL mapping, caching headers and rewrite rules are planned";
    private const string ClientCertificates = Planned + "client certificates are checked with SSLVerifyClient, SSLVerifyDepth and SSLCACertificateFile; this one is not built";
    private const string Tls = Planned + "TLS serves with the SSL directives EventMpm has (SSLProtocol, SSLCipherSuite, SSLOpenSSLConfCmd, ...); this one is not built";
    private const string BackendTls = Planned + "TLS to backends (https://) is planned; ProxyPass sends to http:// backends";
    private const string Compression = Planned + "compression is planned; until then serve precompressed files or compress in front of EventMpm";
    private const string Http2 = Planned + "HTTP/2 is planned; EventMpm speaks HTTP/1.1";
    private const string Handlers = "EventMpm runs C# handlers (SetHandler names a class in the project), not CGI programs, scripts or server-side includes";
    private const string Authentication = "EventMpm has no authentication: Require takes host, ip, local, all granted and all denied; put authentication in a handler or in front";
    private const string Caching = "EventMpm keeps static files in its own cache (no directive); a response cache in the server is not built";
    private const string RunTime = "a compiled configuration is fixed at build time; EventMpm does not read configuration at run time";

    /// <summary>Modules whose directives share one reason.</summary>
    private static readonly (string Module, string Reason, string Names)[] s_modules =
    {
        ("core", VirtualHostsAndMapping, "AcceptPathInfo AllowEncodedSlashes DefaultType ForceType MergeSlashes NameVirtualHost Options ServerAlias ServerPath UseCanonicalName UseCanonicalPhysicalPort QualifyRedirectURL StrictHostCheck"),
        ("core", Http2, "ProtocolsHonorOrder"),
        ("core", Handlers, "CGIMapExtension CGIPassAuth CGIVar ScriptInterpreterSource SetInputFilter SetOutputFilter"),
        ("core", Planned + "its part of httpd is not built", "AddDefaultCharset AsyncFilter DefaultRuntimeDir DefaultStateDir EnableMMAP EnableSendfile Error ErrorLogFormat FlushMaxPipelined FlushMaxThreshold GprofDir HostnameLookups HttpProtocolOptions LimitInternalRecursion LimitXMLRequestBody LogLevelOverride MaxRangeOverlaps MaxRangeReversals MaxRanges MergeTrailers Mutex Protocol ReadBufferSize RegexDefaultOptions RegisterHttpMethod RLimitCPU RLimitMEM RLimitNPROC SeeRequestTail UNCList Warning"),
        ("mpm_common", Planned + "its part of httpd's MPMs is not built", "AcceptErrorsNonFatal StartThreads"),
        ("mod_alias", VirtualHostsAndMapping, "AliasPreservePath RedirectRelative"),
        ("mod_alias", Handlers, "ScriptAlias ScriptAliasMatch"),
        ("mod_rewrite", VirtualHostsAndMapping, "RewriteBase RewriteCond RewriteEngine RewriteMap RewriteOptions RewriteRule"),
        ("mod_dir", VirtualHostsAndMapping, "DirectoryCheckHandler DirectoryIndexRedirect DirectorySlash FallbackResource"),
        ("mod_autoindex", VirtualHostsAndMapping, "AddAlt AddAltByEncoding AddAltByType AddDescription AddIcon AddIconByEncoding AddIconByType DefaultIcon HeaderName IndexForbiddenReturn404 IndexHeadInsert IndexIgnore IndexIgnoreReset IndexOptions IndexOrderDefault IndexStyleSheet ReadmeName"),
        ("mod_vhost_alias", VirtualHostsAndMapping, "VirtualDocumentRoot VirtualDocumentRootIP VirtualScriptAlias VirtualScriptAliasIP"),
        ("mod_userdir", VirtualHostsAndMapping, "UserDir"),
        ("mod_speling", VirtualHostsAndMapping, "CheckBasenameMatch CheckCaseOnly CheckSpelling"),
        ("mod_ssl", ClientCertificates, "SSLCACertificatePath SSLCADNRequestFile SSLCADNRequestPath SSLCARevocationCheck SSLCARevocationFile SSLCARevocationPath SSLOptions SSLRequire SSLRequireSSL SSLUserName"),
        ("mod_ssl", "OCSP asks a responder over the network while serving, which EventMpm does not do; stapling is a stated lead, not built", "SSLOCSPDefaultResponder SSLOCSPEnable SSLOCSPNoverify SSLOCSPOverrideResponder SSLOCSPProxyURL SSLOCSPResponderCertificateFile SSLOCSPResponderTimeout SSLOCSPResponseMaxAge SSLOCSPResponseTimeSkew SSLOCSPUseRequestNonce SSLStaplingCache SSLStaplingErrorCacheTimeout SSLStaplingFakeTryLater SSLStaplingForceURL SSLStaplingResponderTimeout SSLStaplingResponseMaxAge SSLStaplingResponseTimeSkew SSLStaplingReturnResponderErrors SSLStaplingStandardCacheTimeout SSLUseStapling"),
        ("mod_ssl", "sessions resume by tickets (SSLSessionTickets, SSLSessionCacheTimeout); a server-side session cache is not built", "SSLSessionCache SSLSessionTicketKeyFile"),
        ("mod_ssl", "a server that starts unattended cannot be asked for a pass phrase: store the key decrypted, readable only by the user that starts the server", "SSLPassPhraseDialog"),
        ("mod_ssl", "OpenSSL 3 seeds itself from the kernel (getrandom); there is nothing to configure", "SSLRandomSeed"),
        ("mod_ssl", BackendTls, "SSLProxyCACertificateFile SSLProxyCACertificatePath SSLProxyCARevocationCheck SSLProxyCARevocationFile SSLProxyCARevocationPath SSLProxyCheckPeerCN SSLProxyCheckPeerExpire SSLProxyCheckPeerName SSLProxyCipherSuite SSLProxyEngine SSLProxyMachineCertificateChainFile SSLProxyMachineCertificateFile SSLProxyMachineCertificatePath SSLProxyProtocol SSLProxyVerify SSLProxyVerifyDepth"),
        ("mod_ssl", VirtualHostsAndMapping, "SSLStrictSNIVHostCheck"),
        ("mod_ssl", Tls, "SSLClientHelloVars SSLCryptoDevice SSLFIPS SSLPolicy SSLRenegBufferSize SSLSRPUnknownUserSeed SSLSRPVerifierFile"),
        ("mod_proxy", Planned + "Set-Cookie from a backend is relayed unchanged; rewriting its path and domain is planned", "ProxyPassReverseCookieDomain ProxyPassReverseCookiePath"),
        ("mod_proxy", "balancers are fixed at start from the configuration: there is no balancer-manager to add members to", "BalancerGrowth BalancerInherit BalancerPersist"),
        ("mod_proxy", "forward proxying is not built (ProxyRequests Off only): EventMpm is a reverse proxy", "NoProxy ProxyBlock ProxyDomain ProxyRemote ProxyRemoteMatch"),
        ("mod_proxy", "the proxy answers a client's Expect: 100-continue itself and relays the body as it comes", "Proxy100Continue"),
        ("mod_proxy", "a backend header line that is not a field fails the response with 502 (ProxyBadHeader IsError, httpd's default)", "ProxyBadHeader"),
        ("mod_proxy", "the relay buffer is fixed (64 KiB) and backend sockets keep the kernel's buffer sizes", "ProxyIOBufferSize ProxyReceiveBufferSize"),
        ("mod_proxy", "Max-Forwards is passed on as the client sent it (httpd 2.4's default, ProxyMaxForwards -1)", "ProxyMaxForwards"),
        ("mod_proxy", "there are no virtual hosts to inherit into yet, and -C lines expand ${VAR} at start instead of per request", "ProxyPassInherit ProxyPassInterpolateEnv"),
        ("mod_proxy", "connections to backends leave from the address the kernel picks", "ProxySourceAddress"),
        ("mod_proxy", "no Via field is added (httpd's default, ProxyVia Off)", "ProxyVia"),
        ("mod_proxy_wstunnel", "WebSocket is tunnelled by ProxyPass upgrade=websocket (mod_proxy_http's way), in the pollset; there is no separate tunnel module", "ProxyWebsocketAsync ProxyWebsocketAsyncDelay ProxyWebsocketFallbackToProxyHttp ProxyWebsocketIdleTimeout"),
        ("mod_proxy_fcgi", "FastCGI backends are not built: ProxyPass sends to http:// backends", "ProxyFCGIBackendType ProxyFCGISetEnvIf"),
        ("mod_remoteip", "the client's address is the connection's; X-Forwarded-For from a client is passed on to backends, not trusted here", "RemoteIPHeader RemoteIPInternalProxy RemoteIPInternalProxyList RemoteIPProxiesHeader RemoteIPProxyProtocol RemoteIPProxyProtocolExceptions RemoteIPTrustedProxy RemoteIPTrustedProxyList"),
        ("mod_deflate", Compression, "DeflateAlterETag DeflateBufferSize DeflateCompressionLevel DeflateFilterNote DeflateInflateLimitRequestBody DeflateInflateRatioBurst DeflateInflateRatioLimit DeflateMemLevel DeflateWindowSize"),
        ("mod_brotli", Compression, "BrotliAlterETag BrotliCompressionMaxInputBlock BrotliCompressionQuality BrotliCompressionWindow BrotliFilterNote"),
        ("mod_filter", Compression, "AddOutputFilterByType FilterChain FilterDeclare FilterProtocol FilterProvider FilterTrace"),
        ("mod_http2", Http2, "H2CopyFiles H2Direct H2EarlyHint H2EarlyHints H2MaxDataFrameLen H2MaxSessionStreams H2MaxWorkerIdleSeconds H2MaxWorkers H2MinWorkers H2ModernTLSOnly H2OutputBuffering H2Padding H2ProxyRequests H2Push H2PushDiarySize H2PushPriority H2PushResource H2SerializeHeaders H2StreamMaxMemSize H2StreamTimeout H2TLSCoolDownSecs H2TLSWarmUpSize H2Upgrade H2WebSockets H2WindowSize"),
        ("mod_cgi", Handlers, "CGIScriptTimeout ScriptLog ScriptLogBuffer ScriptLogLength"),
        ("mod_cgid", Handlers, "CGIDScriptTimeout ScriptSock"),
        ("mod_actions", Handlers, "Action Script"),
        ("mod_include", Handlers, "SSIErrorMsg SSIETag SSIEndTag SSILastModified SSILegacyExprParser SSIStartTag SSITimeFormat SSIUndefinedEcho XBitHack"),
        ("mod_mime", Handlers, "AddHandler RemoveHandler AddInputFilter AddOutputFilter RemoveInputFilter RemoveOutputFilter"),
        ("mod_mime", Planned + "content negotiation by language, charset and encoding is not built; AddType and TypesConfig are", "AddCharset AddEncoding AddLanguage DefaultLanguage MimeOptions ModMimeUsePathInfo MultiviewsMatch RemoveCharset RemoveEncoding RemoveLanguage RemoveType"),
        ("mod_mime_magic", Planned + "types come from file names (AddType, TypesConfig), not contents", "MimeMagicFile"),
        ("mod_negotiation", Planned + "content negotiation is not built", "CacheNegotiatedDocs ForceLanguagePriority LanguagePriority"),
        ("mod_authn_core", Authentication, "AuthName AuthType"),
        ("mod_authn_file", Authentication, "AuthUserFile"),
        ("mod_authz_core", Authentication, "AuthMerging AuthzSendForbiddenOnFailure"),
        ("mod_authz_groupfile", Authentication, "AuthGroupFile"),
        ("mod_auth_basic", Authentication, "AuthBasicAuthoritative AuthBasicFake AuthBasicProvider AuthBasicUseDigestAlgorithm"),
        ("mod_auth_digest", Authentication, "AuthDigestAlgorithm AuthDigestDomain AuthDigestNcCheck AuthDigestNonceFormat AuthDigestNonceLifetime AuthDigestProvider AuthDigestQop AuthDigestShmemSize"),
        ("mod_session", Authentication, "Session SessionEnv SessionExclude SessionExpiryUpdateInterval SessionHeader SessionInclude SessionMaxAge"),
        ("mod_access_compat", "httpd 2.2's access control; use Require (mod_authz_host's forms: ip, host, local, all)", "Allow Deny Order Satisfy"),
        ("mod_allowmethods", Planned + "a static path answers GET and HEAD and refuses the rest with 405; a handler decides its own methods", "AllowMethods"),
        ("mod_cache", Caching, "CacheDefaultExpire CacheDetailHeader CacheDisable CacheEnable CacheHeader CacheIgnoreCacheControl CacheIgnoreHeaders CacheIgnoreNoLastMod CacheIgnoreQueryString CacheIgnoreURLSessionIdentifiers CacheKeyBaseURL CacheLastModifiedFactor CacheLock CacheLockMaxAge CacheLockPath CacheMaxExpire CacheMinExpire CacheQuickHandler CacheStaleOnError CacheStoreExpired CacheStoreNoStore CacheStorePrivate"),
        ("mod_cache_disk", Caching, "CacheDirLength CacheDirLevels CacheMaxFileSize CacheMinFileSize CacheReadSize CacheReadTime CacheRoot"),
        ("mod_setenvif", Planned + "request environment variables are not built", "BrowserMatch BrowserMatchNoCase SetEnvIf SetEnvIfExpr SetEnvIfNoCase"),
        ("mod_env", Planned + "request environment variables are not built; a handler reads the process environment", "PassEnv SetEnv UnsetEnv"),
        ("mod_log_config", "EventMpm writes CustomLog files through a buffer per worker already; TransferLog is CustomLog with the last LogFormat: write that", "BufferedLogs GlobalLog TransferLog"),
        ("mod_logio", Planned + "mod_logio's byte counts are not built", "LogIOTrackTTFB LogIOTrackTTFU"),
        ("mod_info", Planned + "mod_info is not built; -V prints every compiled value and where it came from", "AddModuleInfo"),
        ("mod_unixd", "not built: run the binary in a container or a chroot made by its service manager instead", "ChrootDir Suexec"),
        ("mod_so", "EventMpm is one binary: there is nothing to load at run time", "LoadFile"),
        ("mod_substitute", Planned + "response filters are not built", "Substitute SubstituteInheritBefore SubstituteMaxLineLength"),
        ("mod_buffer", Planned + "response filters are not built", "BufferSize"),
        ("mod_request", Planned + "kept request bodies are not built", "KeptBodySize"),
        ("mod_usertrack", Planned + "cookie tracking is not built", "CookieDomain CookieExpires CookieHTTPOnly CookieName CookieSameSite CookieSecure CookieStyle CookieTracking"),
        ("mod_dumpio", "debug output of every byte: use LogLevel trace or a packet capture", "DumpIOInput DumpIOOutput"),
        ("mod_watchdog", Planned + "mod_watchdog is not built", "WatchdogInterval"),
        ("mod_macro", RunTime + ": macros are not expanded; write the directives out or generate httpd.conf", "MacroIgnoreBadNesting MacroIgnoreEmptyArgs UndefMacro Use"),
    };

    /// <summary>Directives whose reason is their own.</summary>
    private static readonly (string Module, string Name, string Reason)[] s_single =
    {
        ("core", "AllowOverride", ".htaccess files are read at run time, which a compiled configuration does not do: put the directives in httpd.conf"),
        ("core", "AllowOverrideList", ".htaccess files are read at run time, which a compiled configuration does not do: put the directives in httpd.conf"),
        ("core", "AccessFileName", ".htaccess files are read at run time, which a compiled configuration does not do: put the directives in httpd.conf"),
        ("core", "ServerAdmin", "no page shows an administrator's address (ServerSignature On signs error pages with the server's name and port; EMail is not built); remove it"),
    };

    private static readonly Dictionary<string, (string Module, string Reason)> s_byName = Build();

    private static Dictionary<string, (string, string)> Build()
    {
        var table = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (module, reason, names) in s_modules)
        {
            foreach (string name in names.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries)) table[name] = (module, reason);
        }
        foreach (var (module, name, reason) in s_single) table[name] = (module, reason);
        return table;
    }

    /// <summary>The module and the reason, when <paramref name="name"/> is an httpd directive EventMpm does not have.</summary>
    public static (string Module, string Reason)? Find(string name) => s_byName.TryGetValue(name, out var entry) ? entry : null;

    /// <summary>Every such name, for tests.</summary>
    public static IEnumerable<string> Names => s_byName.Keys;
}
