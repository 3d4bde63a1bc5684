using System;
using System.Collections.Generic;
using System.Globalization;
using EventMpm.Configuration.Certificates;

namespace EventMpm.Configuration.Validation;

/// <summary>
/// The certificate checks the build runs on files among the project's, and <c>-t</c> and every
/// start run on the files the running configuration names: the certificate parses, the key
/// belongs to it, the chain is in order, nothing has expired, and ServerName is among its names.
/// httpd finds the key mismatch when it starts (ssl_engine_init.c: ssl_init_server_certs(),
/// AH02565) and the name mismatch as a warning (AH01909), and leaves the rest to the clients.
/// </summary>
public static class CertificateChecks
{
    /// <summary>A certificate that expires sooner than this is a warning: the renewal window of ACME clients (certbot renews at 30 days).</summary>
    public const int ExpiryWarningDays = 30;

    /// <summary>One thing found; <see cref="AboutKey"/> places it at SSLCertificateKeyFile rather than SSLCertificateFile.</summary>
    public sealed record Finding(bool IsError, bool AboutKey, string Message);

    /// <summary>
    /// Each certificate and key pair (DeploymentSettings.CertificatePairs: a key path equal to its
    /// certificate's means the key is in that file), with the findings of <see cref="Check"/> and
    /// the index of the pair they are about. <paramref name="read"/> gives the text of a file a
    /// directive names (the directive, the path), or null when it is not available here: what
    /// cannot be read is not checked.
    /// </summary>
    public static IEnumerable<(int Pair, Finding Finding)> CheckPairs(IEnumerable<(string Certificate, string Key)> pairs, string chainPath,
        Func<string, string, string?> read, string serverName, DateTime now)
    {
        string? chainText = chainPath.Length > 0 ? read("SSLCertificateChainFile", chainPath) : null;
        int pair = 0;
        foreach (var (certificate, key) in pairs)
        {
            string? certificateText = read("SSLCertificateFile", certificate);
            string? keyText = key == certificate ? null : read("SSLCertificateKeyFile", key);
            if (certificateText is not null)
            {
                foreach (Finding f in Check(certificate, certificateText, key, keyText, chainPath, chainText, serverName, now)) yield return (pair, f);
            }
            pair++;
        }
    }

    /// <param name="keyPath">The key's file; the certificate's own when the key is in it.</param>
    /// <param name="keyText">The key file's text; null when the key is in the certificate file, or is not available to check.</param>
    /// <param name="chainText">SSLCertificateChainFile's text, whose certificates follow the certificate file's; null when there is none to check.</param>
    public static List<Finding> Check(string certificatePath, string certificateText, string keyPath, string? keyText,
        string chainPath, string? chainText, string serverName, DateTime now)
    {
        var findings = new List<Finding>();
        void Error(string message, bool key = false) => findings.Add(new Finding(true, key, message));
        void Warn(string message) => findings.Add(new Finding(false, false, message));

        List<PemBlock> blocks;
        try { blocks = PemBlock.ReadAll(certificateText); }
        catch (FormatException e)
        {
            Error("SSLCertificateFile " + certificatePath + " is not a PEM file: " + e.Message);
            return findings;
        }
        var chain = new List<Certificate>();
        foreach (PemBlock block in blocks)
        {
            if (block.Label != "CERTIFICATE" && block.Label != "TRUSTED CERTIFICATE") continue;
            try { chain.Add(Certificate.Parse(block.Data)); }
            catch (FormatException e)
            {
                Error("SSLCertificateFile " + certificatePath + ": the certificate on line " + block.Line + " does not parse (" + e.Message + ")");
                return findings;
            }
        }
        if (chain.Count > 0 && chainText is not null && !ReadChainFile(chainPath, chainText, chain, Error)) return findings;
        if (chain.Count == 0)
        {
            Error("SSLCertificateFile " + certificatePath + " holds no certificate: mod_ssl wants PEM, the server's certificate in a '-----BEGIN CERTIFICATE-----' block, then its chain");
            return findings;
        }

        Certificate leaf = chain[0];
        int keyOwner = CheckKey(certificatePath, keyPath, keyPath == certificatePath ? blocks : ReadKeyBlocks(keyPath, keyText, Error), chain, Error);
        if (keyOwner > 0)
        {
            // The order and the names would only repeat the one mistake.
            Error("SSLCertificateFile " + certificatePath + ": the server's certificate must come first, but the key in " + keyPath + " belongs to certificate "
                + (keyOwner + 1) + " (" + chain[keyOwner].Name + "); write it first, then each issuer after the certificate it signed");
            return findings;
        }
        for (int i = 1; i < chain.Count; i++)
        {
            if (!chain[i - 1].IssuedBy(chain[i]))
            {
                Error("SSLCertificateFile " + certificatePath + ": the chain is out of order: certificate " + (i + 1) + " (" + chain[i].Name + ") did not issue certificate " + i
                    + " (" + chain[i - 1].Name + "); write the server's certificate first, then each issuer after the certificate it signed");
                break;
            }
        }
        for (int i = 0; i < chain.Count; i++)
        {
            Certificate c = chain[i];
            string which = (i == 0 ? "the certificate " : "chain certificate " + (i + 1) + " ") + c.Name + " in " + certificatePath;
            if (c.NotAfter <= now) Error(which + " expired on " + Date(c.NotAfter) + "; clients refuse it");
            else if (c.NotAfter <= now.AddDays(ExpiryWarningDays))
                Warn(which + " expires on " + Date(c.NotAfter) + ", in " + Math.Ceiling((c.NotAfter - now).TotalDays).ToString(CultureInfo.InvariantCulture) + " days; renew it");
            if (c.NotBefore > now) Warn(which + " is not valid until " + Date(c.NotBefore) + "; clients refuse it before then");
        }
        string host = HostOf(serverName);
        if (host.Length > 0 && !leaf.Covers(host))
        {
            Warn("AH01909: the certificate " + leaf.Name + " in " + certificatePath + " does not include ServerName " + host
                + " among its names (" + leaf.NamesForMessage() + "); clients that ask for " + host + " will refuse it");
        }
        return findings;
    }

    private static bool ReadChainFile(string chainPath, string chainText, List<Certificate> chain, Action<string, bool> error)
    {
        try
        {
            foreach (PemBlock block in PemBlock.ReadAll(chainText))
            {
                if (block.Label == "CERTIFICATE" || block.Label == "TRUSTED CERTIFICATE") chain.Add(Certificate.Parse(block.Data));
            }
            return true;
        }
        catch (FormatException e)
        {
            error("SSLCertificateChainFile " + chainPath + " does not parse: " + e.Message, false);
            return false;
        }
    }

    /// <summary>Null when there is nothing to check: the key file is not available here, or is not PEM (said once).</summary>
    private static List<PemBlock>? ReadKeyBlocks(string keyPath, string? keyText, Action<string, bool> error)
    {
        if (keyText is null) return null;
        try { return PemBlock.ReadAll(keyText); }
        catch (FormatException e)
        {
            error("SSLCertificateKeyFile " + keyPath + " is not a PEM file: " + e.Message, true);
            return null;
        }
    }

    /// <summary>Checks the key against the first certificate; returns the index of a later certificate the key belongs to instead, else 0.</summary>
    private static int CheckKey(string certificatePath, string keyPath, List<PemBlock>? blocks, List<Certificate> chain, Action<string, bool> error)
    {
        if (blocks is null) return 0;
        PemBlock? found = null;
        foreach (PemBlock block in blocks)
        {
            if (PrivateKey.IsKeyLabel(block.Label))
            {
                found = block;
                break;
            }
        }
        if (found is null)
        {
            error("AH02564: no private key in " + keyPath + ": it holds no '-----BEGIN PRIVATE KEY-----' block" + (keyPath == certificatePath ? ", and SSLCertificateKeyFile is not set" : ""), true);
            return 0;
        }
        PrivateKey key;
        try { key = PrivateKey.Parse(found); }
        catch (FormatException e)
        {
            error("SSLCertificateKeyFile " + keyPath + ": the key on line " + found.Line + " does not parse (" + e.Message + ")", true);
            return 0;
        }
        if (key.IsEncrypted)
        {
            error("SSLCertificateKeyFile " + keyPath + " is encrypted, and a server that starts unattended cannot type its pass phrase (EventMpm has no SSLPassPhraseDialog); "
                + "store it decrypted, readable only by the user that starts the server: openssl pkey -in KEY -out KEY.plain", true);
            return 0;
        }
        if (key.PublicKey is null || chain[0].Key is null) return 0;
        if (key.PublicKey.Equals(chain[0].Key)) return 0;
        for (int i = 1; i < chain.Count; i++)
        {
            if (key.PublicKey.Equals(chain[i].Key)) return i;
        }
        error("AH02565: the private key in " + keyPath + " (" + key.PublicKey.Description + ") does not belong to the certificate " + chain[0].Name + " in " + certificatePath
            + " (" + (chain[0].Key?.Description ?? chain[0].KeyAlgorithm) + "); httpd would fail to start with 'key values mismatch'", true);
        return 0;
    }

    /// <summary>ServerName's host: it may carry a scheme and a port (core.c: server_hostname_port()).</summary>
    public static string HostOf(string serverName)
    {
        string host = serverName;
        int scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) host = host.Substring(scheme + 3);
        if (host.StartsWith("[", StringComparison.Ordinal))
        {
            int close = host.IndexOf(']');
            return close > 0 ? host.Substring(1, close - 1) : host;
        }
        int colon = host.LastIndexOf(':');
        return colon >= 0 && host.IndexOf(':') == colon ? host.Substring(0, colon) : host;
    }

    private static string Date(DateTime t) => t.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
