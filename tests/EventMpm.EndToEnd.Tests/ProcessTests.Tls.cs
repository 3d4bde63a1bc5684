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
}
