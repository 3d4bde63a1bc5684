using System.Collections.Generic;
using System.Globalization;

namespace EventMpm.Configuration.Directives;

/// <summary>mod_ssl's directives, and core's Protocols (what ALPN offers).</summary>
public static partial class DirectiveCatalog
{
    /// <summary>The commands OpenSSL 3.0's SSL_CONF takes in its file form (ssl/ssl_conf.c: ssl_conf_cmds), which SSLOpenSSLConfCmd passes on.</summary>
    private static readonly string[] s_confCommands =
    {
        "SignatureAlgorithms", "ClientSignatureAlgorithms", "Curves", "Groups", "ECDHParameters", "CipherString", "Ciphersuites",
        "Protocol", "MinProtocol", "MaxProtocol", "Options", "VerifyMode", "ChainCAPath", "ChainCAFile", "VerifyCAPath", "VerifyCAFile",
        "RequestCAFile", "ClientCAFile", "RequestCAPath", "ClientCAPath", "DHParameters", "RecordPadding", "NumTickets",
    };

    private static IEnumerable<DirectiveDefinition> TlsRows()
    {
        const DirectiveScope D = DirectiveScope.Deployment;
        yield return OnOff("SSLEngine", "Whether the https listeners (Listen 443, or Listen PORT https) speak TLS", s => s.SSLEngine, (s, v) => s with { SSLEngine = v });
        yield return new("SSLCertificateFile", Arity.One, D, "A certificate of the server in PEM, followed by its chain; once per key type (RSA, ECDSA)", null,
            c =>
            {
                c.Settings.CertificateFileLocations.Add(c.Name.Location);
                Deploy(c, d => d with { SSLCertificateFile = Append(d.SSLCertificateFile, c.Arg(0)) });
            }, repeatable: true)
            { Show = s => string.Join(" ", s.Deployment.SSLCertificateFile) };
        yield return new("SSLCertificateKeyFile", Arity.One, D, "The private key in PEM of the certificate given in the same place in order; unset means it is in SSLCertificateFile", null,
            c =>
            {
                c.Settings.KeyFileLocations.Add(c.Name.Location);
                Deploy(c, d => d with { SSLCertificateKeyFile = Append(d.SSLCertificateKeyFile, c.Arg(0)) });
            }, repeatable: true)
            { Show = s => string.Join(" ", s.Deployment.SSLCertificateKeyFile) };
        yield return new("SSLCertificateChainFile", Arity.One, D, "More of the chain in PEM, sent after SSLCertificateFile's (mod_ssl keeps it for old configurations)", null,
            c => Deploy(c, d => d with { SSLCertificateChainFile = c.Arg(0) }))
            { Show = s => s.Deployment.SSLCertificateChainFile };
        yield return new("SSLProtocol", Arity.OneOrMore, C, "The TLS versions spoken: [+-]all, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3", null, SslProtocol)
        {
            Show = s => s.SSLProtocolMin == s.SSLProtocolMax ? TlsVersions.Name(s.SSLProtocolMin) : ProtocolRange(s.SSLProtocolMin, s.SSLProtocolMax),
            Constants = [CompiledConstant.Int("SSLProtocolMin", s => s.SSLProtocolMin), CompiledConstant.Int("SSLProtocolMax", s => s.SSLProtocolMax)],
        };
        yield return new("SSLCipherSuite", Arity.OneOrTwo, C, "The cipher suites offered: [SSL|TLSv1.3] cipher-spec", null, SslCipherSuite, repeatable: true)
        {
            Show = s => s.SSLCipherSuite + (s.SSLCipherSuiteTls13.Length == 0 ? "" : "; TLSv1.3 " + s.SSLCipherSuiteTls13),
            Constants = [CompiledConstant.Text("SSLCipherSuite", s => s.SSLCipherSuite), CompiledConstant.Text("SSLCipherSuiteTls13", s => s.SSLCipherSuiteTls13)],
        };
        yield return OnOff("SSLHonorCipherOrder", "Whether the server's order of cipher suites wins over the client's", s => s.SSLHonorCipherOrder, (s, v) => s with { SSLHonorCipherOrder = v });
        yield return OnOff("SSLSessionTickets", "Whether clients may resume sessions with tickets (RFC 5077)", s => s.SSLSessionTickets, (s, v) => s with { SSLSessionTickets = v });
        yield return Whole("SSLSessionCacheTimeout", "Seconds a TLS session may be resumed", s => s.SSLSessionCacheTimeout, (s, v) => s with { SSLSessionCacheTimeout = v }, min: 1);
        yield return new("SSLCompression", Arity.Flag, C, "TLS-level compression: Off only", "Off", SslCompression);
        yield return new("SSLOpenSSLConfCmd", Arity.Two, C, "A command for OpenSSL's SSL_CONF, applied after the other SSL directives: SSLOpenSSLConfCmd Command Value", null, SslOpenSslConfCmd, repeatable: true)
            { Show = s => s.SSLOpenSSLConfCmd.Replace("\n", "; ").TrimEnd(' ', ';'), Constants = [CompiledConstant.Text("SSLOpenSSLConfCmd", s => s.SSLOpenSSLConfCmd)] };
        yield return new("SSLVerifyClient", Arity.One, C, "Whether clients present a certificate: none, optional, require, optional_no_ca", null, SslVerifyClient)
            { Show = s => VerifyNames[s.SSLVerifyClient], Constants = [CompiledConstant.Int("SSLVerifyClient", s => s.SSLVerifyClient)] };
        yield return Whole("SSLVerifyDepth", "How many CA certificates may stand between a client's certificate and a trusted one", s => s.SSLVerifyDepth, (s, v) => s with { SSLVerifyDepth = v });
        yield return new("SSLCACertificateFile", Arity.One, D, "The CA certificates in PEM whose client certificates SSLVerifyClient accepts", null,
            c => Deploy(c, d => d with { SSLCACertificateFile = c.Arg(0) }))
            { Show = s => s.Deployment.SSLCACertificateFile };
        yield return new("Protocols", Arity.OneOrMore, C, "The protocols offered by ALPN, in order of preference: http/1.1", "http/1.1", Protocols);
    }

    private static EquatableArray<string> Append(EquatableArray<string> list, string item)
    {
        var items = new List<string>(list) { item };
        return new EquatableArray<string>(items);
    }

    /// <summary>SSLVerifyClient's levels, by the number compiled in (ssl_private.h: ssl_verify_t's order).</summary>
    public static readonly string[] VerifyNames = { "none", "optional", "require", "optional_no_ca" };

    private static void SslVerifyClient(DirectiveCall c)
    {
        int level = System.Array.FindIndex(VerifyNames, n => string.Equals(n, c.Arg(0), System.StringComparison.OrdinalIgnoreCase));
        if (level < 0)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "SSLVerifyClient: Invalid argument '" + c.Arg(0) + "' (none, optional, require or optional_no_ca)");
            return;
        }
        Set(c, s => s with { SSLVerifyClient = level });
    }

    private static string ProtocolRange(int min, int max)
    {
        var names = new List<string>();
        foreach (var (name, version) in TlsVersions.All) if (version >= min && version <= max) names.Add(name);
        return string.Join(" ", names);
    }

    /// <summary>
    /// mod_ssl's rules (ssl_engine_config.c: ssl_cmd_protocol_parse()): a word with + or - adds or
    /// removes, a bare word replaces what came before; "all" is TLS 1.0 to 1.3. OpenSSL takes a
    /// range (SSL_CTX_set_min/max_proto_version), so a set with a hole in it is an error here.
    /// </summary>
    private static void SslProtocol(DirectiveCall c)
    {
        int set = 0;
        const int all = 0b1111;
        for (int i = 0; i < c.Args.Count; i++)
        {
            string word = c.Arg(i);
            char action = word.Length > 0 && (word[0] == '+' || word[0] == '-') ? word[0] : '\0';
            string name = action == '\0' ? word : word.Substring(1);
            int bits;
            if (string.Equals(name, "all", System.StringComparison.OrdinalIgnoreCase)) bits = all;
            else if (string.Equals(name, "SSLv3", System.StringComparison.OrdinalIgnoreCase) || string.Equals(name, "SSLv2", System.StringComparison.OrdinalIgnoreCase))
            {
                if (action == '-') continue; // "all -SSLv3": removing what OpenSSL 3 never had is fine
                c.Error(DiagnosticCatalog.InvalidValue, i, "SSLProtocol: " + name + " is not supported by OpenSSL 3 (it is broken: POODLE, DROWN); use TLSv1.2 and TLSv1.3");
                return;
            }
            else
            {
                int index = System.Array.FindIndex(TlsVersions.All, v => string.Equals(v.Name, name, System.StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    c.Error(DiagnosticCatalog.InvalidValue, i, "SSLProtocol: Illegal protocol '" + name + "' (all, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, each with an optional + or -)");
                    return;
                }
                bits = 1 << index;
            }
            set = action == '+' ? set | bits : action == '-' ? set & ~bits : bits;
        }
        if (set == 0)
        {
            c.Error(DiagnosticCatalog.InvalidValue, -1, "SSLProtocol: no protocol is left to speak");
            return;
        }
        int low = 0, high = 3;
        while ((set & (1 << low)) == 0) low++;
        while ((set & (1 << high)) == 0) high--;
        for (int bit = low; bit <= high; bit++)
        {
            if ((set & (1 << bit)) != 0) continue;
            c.Error(DiagnosticCatalog.InvalidValue, -1, "SSLProtocol: OpenSSL speaks a range of versions, and this one leaves out " + TlsVersions.All[bit].Name
                + " between " + TlsVersions.All[low].Name + " and " + TlsVersions.All[high].Name);
            return;
        }
        if (low < 2)
        {
            c.Diagnostics.Report(DiagnosticCatalog.WeakTls, c.Name.Location, "SSLProtocol allows " + ProtocolRange(TlsVersions.All[low].Version, TlsVersions.Tls11)
                + ", which RFC 8996 deprecates; OpenSSL 3 refuses them anyway at its default security level (SECLEVEL 1 or more: SHA-1 signatures), so clients that need them still fail");
        }
        Set(c, s => s with { SSLProtocolMin = TlsVersions.All[low].Version, SSLProtocolMax = TlsVersions.All[high].Version });
    }

    /// <summary>mod_ssl's two forms: <c>SSLCipherSuite spec</c> (TLS 1.2 and older) and <c>SSLCipherSuite TLSv1.3 suites</c>.</summary>
    private static void SslCipherSuite(DirectiveCall c)
    {
        int specIndex = c.Args.Count - 1;
        string protocol = c.Args.Count == 2 ? c.Arg(0) : "SSL";
        bool tls13 = string.Equals(protocol, "TLSv1.3", System.StringComparison.OrdinalIgnoreCase);
        if (!tls13 && !string.Equals(protocol, "SSL", System.StringComparison.OrdinalIgnoreCase))
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "SSLCipherSuite: protocol '" + protocol + "' is not SSL or TLSv1.3 (SSL means TLS 1.2 and older)");
            return;
        }
        string spec = c.Arg(specIndex);
        var problem = tls13 ? CipherSuiteParser.CheckTls13(spec) : CipherSuiteParser.Check(spec);
        if (problem is { } p)
        {
            c.Error(DiagnosticCatalog.InvalidValue, specIndex, "SSLCipherSuite: " + (p.Word.Length > 0 ? "'" + p.Word + "': " : "") + p.Problem);
            return;
        }
        Set(c, s => tls13 ? s with { SSLCipherSuiteTls13 = spec } : s with { SSLCipherSuite = spec });
    }

    private static void SslCompression(DirectiveCall c)
    {
        if (c.Flag() is not true) return;
        c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "SSLCompression on is refused: compression under TLS lets an attacker read secrets by their compressed length (CRIME), "
            + "and OpenSSL 3 is built without it; compress responses with mod_deflate instead");
    }

    private static void SslOpenSslConfCmd(DirectiveCall c)
    {
        string command = c.Arg(0);
        if (System.Array.IndexOf(s_confCommands, command) < 0)
        {
            string? near = System.Array.Find(s_confCommands, k => string.Equals(k, command, System.StringComparison.OrdinalIgnoreCase));
            c.Error(DiagnosticCatalog.InvalidValue, 0, "SSLOpenSSLConfCmd: OpenSSL's SSL_CONF has no command '" + command + "'" + (near is null ? "" : " (it is spelt " + near + ")")
                + (command is "Certificate" or "PrivateKey" or "ServerInfoFile" ? "; name files with SSLCertificateFile and SSLCertificateKeyFile" : ""));
            return;
        }
        if (c.Arg(1).IndexOf('\n') >= 0) return;
        Set(c, s => s with { SSLOpenSSLConfCmd = s.SSLOpenSSLConfCmd + command + " " + c.Arg(1) + "\n" });
    }

    /// <summary>core.c's Protocols: what the server offers by ALPN. HTTP/1.1 is what EventMpm speaks.</summary>
    private static void Protocols(DirectiveCall c)
    {
        bool http11 = false;
        for (int i = 0; i < c.Args.Count; i++)
        {
            string name = c.Arg(i).ToLowerInvariant();
            if (name == "http/1.1") http11 = true;
            else if (name is "h2" or "h2c")
            {
                c.Error(DiagnosticCatalog.UnsupportedFeature, i, "Protocols: " + name + " (HTTP/2) is not built yet: EventMpm speaks HTTP/1.1, and ALPN offers http/1.1 only; write Protocols http/1.1");
                return;
            }
            else
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "Protocols: unknown protocol '" + c.Arg(i) + "' (http/1.1)");
                return;
            }
        }
        if (!http11) c.Error(DiagnosticCatalog.InvalidValue, -1, "Protocols must include http/1.1");
    }
}
