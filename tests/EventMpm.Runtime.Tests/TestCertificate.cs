using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EventMpm.Tests;

/// <summary>
/// Certificates made for tests: by default a self-signed ECDSA one for localhost and 127.0.0.1,
/// valid from yesterday for 90 days; or with the dates, key type, names and issuer a test needs.
/// Written as PEM (what SSLCertificateFile and SSLCertificateKeyFile read). Shared by the
/// generator, runtime and end-to-end tests (linked into each).
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private TestCertificate(X509Certificate2 certificate, AsymmetricAlgorithm key)
    {
        Certificate = certificate;
        Key = key;
    }

    public X509Certificate2 Certificate { get; }

    public AsymmetricAlgorithm Key { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>PKCS#8, as openssl genpkey writes it.</summary>
    public string KeyPem => Key.ExportPkcs8PrivateKeyPem();

    /// <param name="issuer">Signs the new certificate; null makes it self-signed.</param>
    /// <param name="authority">Whether it may sign others (basicConstraints cA).</param>
    public static TestCertificate Make(string name = "localhost", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        bool rsa = false, TestCertificate? issuer = null, bool authority = false)
    {
        AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = key is RSA r
            ? new CertificateRequest("CN=" + name, r, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=" + name, (ECDsa)key, HashAlgorithmName.SHA256);
        if (authority) request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        else
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(name);
            if (name == "localhost") names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        DateTimeOffset from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), to = notAfter ?? DateTimeOffset.UtcNow.AddDays(90);
        X509Certificate2 made = issuer is null
            ? request.CreateSelfSigned(from, to)
            : request.Create(issuer.Certificate.SubjectName, issuer.Key is RSA ir ? X509SignatureGenerator.CreateForRSA(ir, RSASignaturePadding.Pkcs1) : X509SignatureGenerator.CreateForECDsa((ECDsa)issuer.Key),
                from, to, RandomNumberGenerator.GetBytes(8));
        return new TestCertificate(made, key);
    }

    /// <summary>The default certificate, written as server.crt and server.key in <paramref name="folder"/>.</summary>
    public static (string Certificate, string Key) WriteTo(string folder)
    {
        string certificate = Path.Combine(folder, "server.crt"), key = Path.Combine(folder, "server.key");
        using TestCertificate made = Make();
        File.WriteAllText(certificate, made.CertificatePem);
        File.WriteAllText(key, made.KeyPem);
        return (certificate, key);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}
