using System;
using System.IO;

namespace EventMpm.EndToEnd.Tests;

/// <summary>HTTPS on the native binary (MpmSite has SSLEngine on), with curl as the client.</summary>
public sealed partial class ProcessTests
{
    [Fact]
    public void The_native_binary_serves_HTTPS_with_TLS_1_3_and_refuses_TLS_1_1()
    {
        string keys = Path.Combine(Path.GetTempPath(), "eventmpm-keys-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(keys);
        try
        {
            var (certificate, key) = EventMpm.Tests.TestCertificate.WriteTo(keys);
            int tlsPort = MpmServer.FreePort();
            using var server = new MpmServer(site, $"-C \"Listen 127.0.0.1:{tlsPort} https\" -C \"SSLCertificateFile {certificate}\" -C \"SSLCertificateKeyFile {key}\"");
            string url = $"https://127.0.0.1:{tlsPort}";

            Tool.Result small = Tool.Run("curl", $"-sv --cacert {certificate} {url}/index.html", timeoutSeconds: 20);
            Assert.True(small.ExitCode == 0, small.All);
            Assert.Equal("<p>MpmSite</p>\n", small.Output);
            Assert.Contains("SSL connection using TLSv1.3", small.Error); // verified against the certificate, not -k

            Tool.Result big = Tool.Run("curl", $"-s --cacert {certificate} -o /dev/null -w %{{size_download}} {url}/big.bin", timeoutSeconds: 60);
            Assert.Equal(MpmServer.BigSize.ToString(System.Globalization.CultureInfo.InvariantCulture), big.Output);

            // A client that offers TLS 1.1 only (its own security level lowered, so it can) is refused by the server.
            Tool.RequireCommand("openssl", "openssl");
            Tool.Result old = Tool.Run("sh", $"-c \"openssl s_client -connect 127.0.0.1:{tlsPort} -tls1_1 -cipher DEFAULT@SECLEVEL=0 </dev/null 2>&1\"", timeoutSeconds: 20);
            Assert.NotEqual(0, old.ExitCode);
            Assert.Contains("alert protocol version", old.Output);

            Assert.Equal("<p>MpmSite</p>\n", server.Get("/index.html", out _)); // the plain listener beside it
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    /// <summary>
    /// -t and -k start check the certificate the running configuration names (here replaced with
    /// -C, as a mounted secret would be): what the build checks for files among the project's.
    /// </summary>
    [Fact]
    public void Dash_t_and_the_start_check_the_certificate_they_would_load()
    {
        string keys = Path.Combine(Path.GetTempPath(), "eventmpm-keys-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(keys);
        try
        {
            using var server = new MpmServer(site, start: false);
            int tlsPort = MpmServer.FreePort();
            string With(string certificate, string key) => server.Arguments + $" -C \"Listen 127.0.0.1:{tlsPort} https\" -C \"SSLCertificateFile {certificate}\" -C \"SSLCertificateKeyFile {key}\"";
            string Write(string name, string text)
            {
                string path = Path.Combine(keys, name);
                File.WriteAllText(path, text);
                return path;
            }
            using var good = EventMpm.Tests.TestCertificate.Make();
            using var expired = EventMpm.Tests.TestCertificate.Make(notBefore: DateTimeOffset.UtcNow.AddDays(-60), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
            using var soon = EventMpm.Tests.TestCertificate.Make(notAfter: DateTimeOffset.UtcNow.AddDays(5));
            string goodCertificate = Write("good.crt", good.CertificatePem), goodKey = Write("good.key", good.KeyPem);

            Assert.Equal("Syntax OK\n", server.Command(With(goodCertificate, goodKey) + " -t").Error);

            Tool.Result old = server.Command(With(Write("expired.crt", expired.CertificatePem), Write("expired.key", expired.KeyPem)) + " -t");
            Assert.Equal(1, old.ExitCode);
            Assert.Contains("the certificate CN=localhost in " + Path.Combine(keys, "expired.crt") + " expired on", old.Error);
            Assert.DoesNotContain("Syntax OK", old.All);

            Tool.Result mismatch = server.Command(With(goodCertificate, Path.Combine(keys, "expired.key")) + " -t");
            Assert.Equal(1, mismatch.ExitCode);
            Assert.Contains("AH02565: the private key in " + Path.Combine(keys, "expired.key"), mismatch.Error);

            Tool.Result missing = server.Command(With(Path.Combine(keys, "none.crt"), goodKey) + " -t");
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("SSLCertificateFile: file '" + Path.Combine(keys, "none.crt") + "' does not exist or is empty", missing.Error);

            Tool.Result expiring = server.Command(With(Write("soon.crt", soon.CertificatePem), Write("soon.key", soon.KeyPem)) + " -t");
            Assert.Equal(0, expiring.ExitCode);
            Assert.Contains("WARNING: the certificate CN=localhost in " + Path.Combine(keys, "soon.crt") + " expires on", expiring.Error);
            Assert.EndsWith("Syntax OK\n", expiring.Error);

            Tool.Result start = server.Command(With(goodCertificate, Path.Combine(keys, "expired.key")) + " -k start");
            Assert.Equal(1, start.ExitCode);
            Assert.Contains("AH02565", start.Error);
            Assert.False(MpmServer.Listening(tlsPort));
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}
