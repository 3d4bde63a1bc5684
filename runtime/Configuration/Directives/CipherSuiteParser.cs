using System.Collections.Generic;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// SSLCipherSuite's cipher-spec, checked word by word against what OpenSSL 3.0 (the libssl.so.3
/// of Debian 12, which the container ships) knows: its cipher names, its aliases and the ones it
/// still accepts though they match nothing now (!RC4, !3DES, !EXPORT in old configurations).
/// OpenSSL skips a word it does not know without a word of its own, so a misspelt exclusion
/// (!aNUL) would silently leave anonymous suites on: here it is an error at its column.
/// </summary>
internal static class CipherSuiteParser
{
    /// <summary>The suites TLS 1.3 defines (RFC 8446 B.4), as SSLCipherSuite TLSv1.3 names them.</summary>
    public static readonly string[] Tls13Suites = { "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256" };

    /// <summary>OpenSSL 3.0's names for the suites of TLS 1.2 and older (openssl ciphers -v 'ALL:COMPLEMENTOFALL:@SECLEVEL=0').</summary>
    private static readonly HashSet<string> s_names = new((""
        + "ADH-AES128-GCM-SHA256 ADH-AES128-SHA ADH-AES128-SHA256 ADH-AES256-GCM-SHA384 ADH-AES256-SHA ADH-AES256-SHA256 "
        + "ADH-CAMELLIA128-SHA ADH-CAMELLIA128-SHA256 ADH-CAMELLIA256-SHA ADH-CAMELLIA256-SHA256 AECDH-AES128-SHA "
        + "AECDH-AES256-SHA AECDH-NULL-SHA AES128-CCM AES128-CCM8 AES128-GCM-SHA256 AES128-SHA AES128-SHA256 AES256-CCM "
        + "AES256-CCM8 AES256-GCM-SHA384 AES256-SHA AES256-SHA256 ARIA128-GCM-SHA256 ARIA256-GCM-SHA384 CAMELLIA128-SHA "
        + "CAMELLIA128-SHA256 CAMELLIA256-SHA CAMELLIA256-SHA256 DHE-DSS-AES128-GCM-SHA256 DHE-DSS-AES128-SHA "
        + "DHE-DSS-AES128-SHA256 DHE-DSS-AES256-GCM-SHA384 DHE-DSS-AES256-SHA DHE-DSS-AES256-SHA256 "
        + "DHE-DSS-ARIA128-GCM-SHA256 DHE-DSS-ARIA256-GCM-SHA384 DHE-DSS-CAMELLIA128-SHA DHE-DSS-CAMELLIA128-SHA256 "
        + "DHE-DSS-CAMELLIA256-SHA DHE-DSS-CAMELLIA256-SHA256 DHE-PSK-AES128-CBC-SHA DHE-PSK-AES128-CBC-SHA256 "
        + "DHE-PSK-AES128-CCM DHE-PSK-AES128-CCM8 DHE-PSK-AES128-GCM-SHA256 DHE-PSK-AES256-CBC-SHA "
        + "DHE-PSK-AES256-CBC-SHA384 DHE-PSK-AES256-CCM DHE-PSK-AES256-CCM8 DHE-PSK-AES256-GCM-SHA384 "
        + "DHE-PSK-ARIA128-GCM-SHA256 DHE-PSK-ARIA256-GCM-SHA384 DHE-PSK-CAMELLIA128-SHA256 DHE-PSK-CAMELLIA256-SHA384 "
        + "DHE-PSK-CHACHA20-POLY1305 DHE-PSK-NULL-SHA DHE-PSK-NULL-SHA256 DHE-PSK-NULL-SHA384 DHE-RSA-AES128-CCM "
        + "DHE-RSA-AES128-CCM8 DHE-RSA-AES128-GCM-SHA256 DHE-RSA-AES128-SHA DHE-RSA-AES128-SHA256 DHE-RSA-AES256-CCM "
        + "DHE-RSA-AES256-CCM8 DHE-RSA-AES256-GCM-SHA384 DHE-RSA-AES256-SHA DHE-RSA-AES256-SHA256 "
        + "DHE-RSA-ARIA128-GCM-SHA256 DHE-RSA-ARIA256-GCM-SHA384 DHE-RSA-CAMELLIA128-SHA DHE-RSA-CAMELLIA128-SHA256 "
        + "DHE-RSA-CAMELLIA256-SHA DHE-RSA-CAMELLIA256-SHA256 DHE-RSA-CHACHA20-POLY1305 ECDHE-ARIA128-GCM-SHA256 "
        + "ECDHE-ARIA256-GCM-SHA384 ECDHE-ECDSA-AES128-CCM ECDHE-ECDSA-AES128-CCM8 ECDHE-ECDSA-AES128-GCM-SHA256 "
        + "ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES128-SHA256 ECDHE-ECDSA-AES256-CCM ECDHE-ECDSA-AES256-CCM8 "
        + "ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-AES256-SHA ECDHE-ECDSA-AES256-SHA384 ECDHE-ECDSA-ARIA128-GCM-SHA256 "
        + "ECDHE-ECDSA-ARIA256-GCM-SHA384 ECDHE-ECDSA-CAMELLIA128-SHA256 ECDHE-ECDSA-CAMELLIA256-SHA384 "
        + "ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-ECDSA-NULL-SHA ECDHE-PSK-AES128-CBC-SHA ECDHE-PSK-AES128-CBC-SHA256 "
        + "ECDHE-PSK-AES256-CBC-SHA ECDHE-PSK-AES256-CBC-SHA384 ECDHE-PSK-CAMELLIA128-SHA256 "
        + "ECDHE-PSK-CAMELLIA256-SHA384 ECDHE-PSK-CHACHA20-POLY1305 ECDHE-PSK-NULL-SHA ECDHE-PSK-NULL-SHA256 "
        + "ECDHE-PSK-NULL-SHA384 ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES128-SHA ECDHE-RSA-AES128-SHA256 "
        + "ECDHE-RSA-AES256-GCM-SHA384 ECDHE-RSA-AES256-SHA ECDHE-RSA-AES256-SHA384 ECDHE-RSA-CAMELLIA128-SHA256 "
        + "ECDHE-RSA-CAMELLIA256-SHA384 ECDHE-RSA-CHACHA20-POLY1305 ECDHE-RSA-NULL-SHA NULL-MD5 NULL-SHA NULL-SHA256 "
        + "PSK-AES128-CBC-SHA PSK-AES128-CBC-SHA256 PSK-AES128-CCM PSK-AES128-CCM8 PSK-AES128-GCM-SHA256 "
        + "PSK-AES256-CBC-SHA PSK-AES256-CBC-SHA384 PSK-AES256-CCM PSK-AES256-CCM8 PSK-AES256-GCM-SHA384 "
        + "PSK-ARIA128-GCM-SHA256 PSK-ARIA256-GCM-SHA384 PSK-CAMELLIA128-SHA256 PSK-CAMELLIA256-SHA384 "
        + "PSK-CHACHA20-POLY1305 PSK-NULL-SHA PSK-NULL-SHA256 PSK-NULL-SHA384 RSA-PSK-AES128-CBC-SHA "
        + "RSA-PSK-AES128-CBC-SHA256 RSA-PSK-AES128-GCM-SHA256 RSA-PSK-AES256-CBC-SHA RSA-PSK-AES256-CBC-SHA384 "
        + "RSA-PSK-AES256-GCM-SHA384 RSA-PSK-ARIA128-GCM-SHA256 RSA-PSK-ARIA256-GCM-SHA384 RSA-PSK-CAMELLIA128-SHA256 "
        + "RSA-PSK-CAMELLIA256-SHA384 RSA-PSK-CHACHA20-POLY1305 RSA-PSK-NULL-SHA RSA-PSK-NULL-SHA256 RSA-PSK-NULL-SHA384 "
        + "SRP-AES-128-CBC-SHA SRP-AES-256-CBC-SHA SRP-DSS-AES-128-CBC-SHA SRP-DSS-AES-256-CBC-SHA "
        + "SRP-RSA-AES-128-CBC-SHA SRP-RSA-AES-256-CBC-SHA "
        ).Split(new[] { ' ' }, System.StringSplitOptions.RemoveEmptyEntries), System.StringComparer.Ordinal);

    /// <summary>OpenSSL 3.0's aliases (ssl/ssl_ciph.c: cipher_aliases), and the retired ones it still reads as matching nothing.</summary>
    private static readonly HashSet<string> s_aliases = new(("ALL COMPLEMENTOFALL COMPLEMENTOFDEFAULT DEFAULT HIGH MEDIUM LOW eNULL NULL aNULL "
        + "kRSA aRSA RSA kEDH kDHE EDH DHE ADH kECDHE kEECDH ECDHE EECDH AECDH ECDH aDSS DSS aECDSA ECDSA "
        + "kPSK kECDHEPSK kDHEPSK kRSAPSK PSK aPSK kSRP SRP aSRP SSLv3 TLSv1 TLSv1.0 TLSv1.2 "
        + "AES AES128 AES256 AESGCM AESCCM AESCCM8 CAMELLIA CAMELLIA128 CAMELLIA256 CHACHA20 ARIA ARIA128 ARIA256 ARIAGCM "
        + "MD5 SHA1 SHA SHA256 SHA384 SUITEB128 SUITEB128ONLY SUITEB128C2 SUITEB192 CBC FIPS "
        + "DES 3DES RC4 RC2 IDEA SEED GOST89 GOST94 GOST89MAC GOST12 kGOST kGOST18 aGOST aGOST01 aGOST12 "
        + "kDH kDHr kDHd aDH kECDH kECDHr kECDHe aECDH EXP EXPORT EXPORT40 EXPORT56 SSLv2 KRB5 kKRB5 aKRB5"
        ).Split(' '), System.StringComparer.Ordinal);

    /// <summary>Null when OpenSSL knows every word; else the offending word and why.</summary>
    public static (string Word, string Problem)? Check(string spec)
    {
        // A word may carry a command after it (DEFAULT@SECLEVEL=2): '@' starts an element too.
        string[] elements = spec.Replace("@", ":@").Split(':', ',', ' ', ';');
        bool any = false;
        foreach (string element in elements)
        {
            if (element.Length == 0) continue;
            any = true;
            if (element == "@STRENGTH") continue;
            if (element.StartsWith("@SECLEVEL=", System.StringComparison.Ordinal))
            {
                string level = element.Substring(10);
                if (level.Length == 1 && level[0] >= '0' && level[0] <= '5') continue;
                return (element, "@SECLEVEL takes 0 to 5");
            }
            string body = element[0] is '!' or '-' or '+' ? element.Substring(1) : element;
            if (s_names.Contains(body)) continue;
            foreach (string part in body.Split('+'))
            {
                if (s_aliases.Contains(part)) continue;
                if (System.Array.IndexOf(Tls13Suites, part) >= 0)
                    return (part, "a TLS 1.3 suite goes in its own line: SSLCipherSuite TLSv1.3 " + part);
                return (part, s_names.Contains(part) ? "a cipher name cannot be combined with '+'" : "OpenSSL 3.0 has no cipher or alias '" + part + "' (it would skip the word silently); see openssl ciphers -v");
            }
        }
        return any ? null : ("", "names no cipher");
    }

    /// <summary>SSLCipherSuite TLSv1.3's list: suite names joined by ':', nothing else (SSL_CTX_set_ciphersuites).</summary>
    public static (string Word, string Problem)? CheckTls13(string spec)
    {
        string[] names = spec.Split(':');
        foreach (string name in names)
        {
            if (System.Array.IndexOf(Tls13Suites, name) >= 0) continue;
            return (name, name.Length == 0 ? "an empty suite name" : "TLS 1.3 has no suite '" + name + "' (it has " + string.Join(", ", Tls13Suites) + ")");
        }
        return null;
    }
}
