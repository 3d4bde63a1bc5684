using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EventMpm.Tests;

/// <summary>
/// A self-signed ECDSA certificate for localhost and 127.0.0.1, valid from yesterday for 30 days,
/// and its key, written as PEM files (what SSLCertificateFile and SSLCertificateKeyFile read).
/// Shared by the runtime and end-to-end tests (linked into both).
/// </summary>
public static class TestCertificate
{
    public static (string Certificate, string Key) WriteTo(string folder)
    {
        string certificate = Path.Combine(folder, "server.crt"), key = Path.Combine(folder, "server.key");
        using ECDsa ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", ecdsa, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(certificate, made.ExportCertificatePem());
        File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        return (certificate, key);
    }
}
