using System;
using System.Linq;
using EventMpm.Tests;
using Microsoft.CodeAnalysis;

namespace EventMpm.Generator.Tests;

/// <summary>
/// The certificate and key among the project's files, checked at build (EMPM047 errors, EMPM048
/// warnings), each finding at the line of the directive that names the file.
/// </summary>
public sealed class CertificateCheckTests
{
    private const string Certificate = TestProject.Directory + "/tls/site.crt";
    private const string Key = TestProject.Directory + "/tls/site.key";

    /// <summary>Line 3 names the certificate, line 4 the key.</summary>
    private static string Conf(string serverName = "localhost") =>
        "Listen 127.0.0.1:8443 https\nSSLEngine on\nSSLCertificateFile tls/site.crt\nSSLCertificateKeyFile tls/site.key\nServerName " + serverName + "\n";

    private static GeneratorRun Build(string certificatePem, string? keyPem, string? conf = null)
    {
        var project = TestProject.WithConf(conf ?? Conf()) with { Certificates = new() { (Certificate, certificatePem) } };
        if (keyPem is not null) project.Certificates.Add((Key, keyPem));
        return GeneratorHarness.Run(project);
    }

    private static Diagnostic Single(GeneratorRun run, string id, int line, string message)
    {
        Diagnostic d = Assert.Single(run.Diagnostics, x => x.Id == id);
        FileLinePositionSpan span = d.Location.GetLineSpan();
        Assert.Equal((TestProject.MainPath, line, 1), (span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Contains(message, d.GetMessage());
        return d;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_good_certificate_and_key_pass(bool rsa)
    {
        using var site = TestCertificate.Make(rsa: rsa);
        GeneratorRun run = Build(site.CertificatePem, site.KeyPem);
        Assert.Empty(run.Diagnostics.Where(d => d.Id is "EMPM047" or "EMPM048"));
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void A_chain_in_order_with_the_key_in_the_same_file_passes()
    {
        using var root = TestCertificate.Make("Test Root", authority: true, rsa: true);
        using var intermediate = TestCertificate.Make("Test Intermediate", authority: true, issuer: root);
        using var site = TestCertificate.Make(issuer: intermediate);
        string conf = "Listen 127.0.0.1:8443 https\nSSLEngine on\nSSLCertificateFile tls/site.crt\nServerName localhost\n";
        GeneratorRun run = Build(string.Join("\n", site.CertificatePem, intermediate.CertificatePem, ((System.Security.Cryptography.ECDsa)site.Key).ExportECPrivateKeyPem()), null, conf);
        Assert.Empty(run.Diagnostics.Where(d => d.Id is "EMPM047" or "EMPM048"));
    }

    [Fact]
    public void An_expired_certificate_is_an_error_at_SSLCertificateFile()
    {
        using var site = TestCertificate.Make(notBefore: DateTimeOffset.UtcNow.AddDays(-100), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        Single(Build(site.CertificatePem, site.KeyPem), "EMPM047", 3, "expired on " + site.Certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd"));
    }

    [Fact]
    public void A_certificate_that_expires_within_30_days_is_a_warning()
    {
        using var site = TestCertificate.Make(notAfter: DateTimeOffset.UtcNow.AddDays(12).AddHours(1));
        GeneratorRun run = Build(site.CertificatePem, site.KeyPem);
        Assert.Equal(DiagnosticSeverity.Warning, Single(run, "EMPM048", 3, "in 13 days; renew it").Severity);
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void A_key_of_another_certificate_is_an_error_at_SSLCertificateKeyFile()
    {
        using var site = TestCertificate.Make(rsa: true);
        using var other = TestCertificate.Make(rsa: true);
        Single(Build(site.CertificatePem, other.KeyPem), "EMPM047", 4, "AH02565: the private key in tls/site.key (RSA 2048-bit) does not belong to the certificate CN=localhost");
    }

    [Fact]
    public void A_PKCS1_or_SEC1_key_is_read_too()
    {
        using var rsa = TestCertificate.Make(rsa: true);
        using var ec = TestCertificate.Make();
        using var other = TestCertificate.Make();
        Assert.DoesNotContain(Build(rsa.CertificatePem, ((System.Security.Cryptography.RSA)rsa.Key).ExportRSAPrivateKeyPem()).Diagnostics, d => d.Id == "EMPM047");
        Assert.DoesNotContain(Build(ec.CertificatePem, ((System.Security.Cryptography.ECDsa)ec.Key).ExportECPrivateKeyPem()).Diagnostics, d => d.Id == "EMPM047");
        Single(Build(ec.CertificatePem, ((System.Security.Cryptography.ECDsa)other.Key).ExportECPrivateKeyPem()), "EMPM047", 4, "(EC P-256) does not belong");
    }

    [Fact]
    public void A_chain_out_of_order_is_an_error()
    {
        using var root = TestCertificate.Make("Test Root", authority: true);
        using var intermediate = TestCertificate.Make("Test Intermediate", authority: true, issuer: root);
        using var site = TestCertificate.Make(issuer: intermediate);
        GeneratorRun run = Build(string.Join("\n", site.CertificatePem, root.CertificatePem, intermediate.CertificatePem), site.KeyPem);
        Single(run, "EMPM047", 3, "the chain is out of order: certificate 2 (CN=Test Root) did not issue certificate 1 (CN=localhost)");
    }

    [Fact]
    public void The_server_certificate_after_its_issuer_is_named()
    {
        using var intermediate = TestCertificate.Make("Test Intermediate", authority: true);
        using var site = TestCertificate.Make(issuer: intermediate);
        GeneratorRun run = Build(intermediate.CertificatePem + "\n" + site.CertificatePem, site.KeyPem);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "EMPM048");
        Single(run, "EMPM047", 3, "the server's certificate must come first, but the key in tls/site.key belongs to certificate 2 (CN=localhost)");
    }

    [Fact]
    public void An_encrypted_key_is_an_error_that_says_why()
    {
        using var site = TestCertificate.Make();
        string encrypted = site.Key.ExportEncryptedPkcs8PrivateKeyPem("secret", new System.Security.Cryptography.PbeParameters(
            System.Security.Cryptography.PbeEncryptionAlgorithm.Aes128Cbc, System.Security.Cryptography.HashAlgorithmName.SHA256, 1000));
        Single(Build(site.CertificatePem, encrypted), "EMPM047", 4, "is encrypted, and a server that starts unattended cannot type its pass phrase");
    }

    [Fact]
    public void A_ServerName_the_certificate_does_not_name_is_a_warning()
    {
        using var site = TestCertificate.Make("www.example.org");
        GeneratorRun run = Build(site.CertificatePem, site.KeyPem, Conf("https://shop.example.org:443"));
        Single(run, "EMPM048", 3, "AH01909: the certificate CN=www.example.org in tls/site.crt does not include ServerName shop.example.org among its names (www.example.org)");
        Assert.Empty(run.Errors);
        using var wildcard = TestCertificate.Make("*.example.org");
        Assert.DoesNotContain(Build(wildcard.CertificatePem, wildcard.KeyPem, Conf("shop.example.org")).Diagnostics, d => d.Id == "EMPM048");
    }

    [Fact]
    public void Files_that_are_not_PEM_or_hold_no_certificate_are_errors()
    {
        using var site = TestCertificate.Make();
        Single(Build("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n", site.KeyPem), "EMPM047", 3, "is not valid base64");
        Single(Build(site.KeyPem, site.KeyPem), "EMPM047", 3, "holds no certificate");
        Single(Build(site.CertificatePem, "nothing here\n"), "EMPM047", 4, "AH02564: no private key in tls/site.key");
    }

    [Fact]
    public void A_certificate_outside_the_project_is_left_to_the_start()
    {
        // A Kubernetes secret is mounted at run time: the build cannot see it, and must not complain.
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 8443 https\nSSLEngine on\nSSLCertificateFile /etc/tls/tls.crt\nSSLCertificateKeyFile /etc/tls/tls.key\n"));
        Assert.Empty(run.Errors);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id is "EMPM047" or "EMPM048");
    }

    [Fact]
    public void Each_pair_of_an_RSA_and_an_ECDSA_certificate_is_checked_at_its_own_lines()
    {
        using var rsa = TestCertificate.Make(rsa: true);
        using var ecdsa = TestCertificate.Make();
        using var other = TestCertificate.Make();
        string conf = "Listen 127.0.0.1:8443 https\nSSLEngine on\nSSLCertificateFile tls/rsa.crt\nSSLCertificateKeyFile tls/rsa.key\n"
            + "SSLCertificateFile tls/ecdsa.crt\nSSLCertificateKeyFile tls/ecdsa.key\nServerName localhost\n";
        TestProject Project(string ecdsaKey) => TestProject.WithConf(conf) with
        {
            Certificates = new()
            {
                (TestProject.Directory + "/tls/rsa.crt", rsa.CertificatePem), (TestProject.Directory + "/tls/rsa.key", rsa.KeyPem),
                (TestProject.Directory + "/tls/ecdsa.crt", ecdsa.CertificatePem), (TestProject.Directory + "/tls/ecdsa.key", ecdsaKey),
            },
        };
        Assert.DoesNotContain(GeneratorHarness.Run(Project(ecdsa.KeyPem)).Diagnostics, d => d.Id is "EMPM047" or "EMPM048" or "EMPM045");
        Single(GeneratorHarness.Run(Project(other.KeyPem)), "EMPM047", 6, "AH02565: the private key in tls/ecdsa.key (EC P-256) does not belong to the certificate CN=localhost in tls/ecdsa.crt");
    }

    [Fact]
    public void A_key_without_its_certificate_is_an_error()
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 8443 https\nSSLEngine on\nSSLCertificateFile a.crt\nSSLCertificateKeyFile a.key\nSSLCertificateKeyFile b.key\n"));
        Single(run, "EMPM045", 5, "SSLCertificateKeyFile without its SSLCertificateFile: mod_ssl pairs them in order");
    }
}
