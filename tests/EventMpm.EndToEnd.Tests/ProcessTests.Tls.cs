using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

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

            // curl speaking plain HTTP to the TLS port is told so, in plain HTTP.
            Tool.Result plain = Tool.Run("curl", $"-s -o /dev/null -w %{{http_code}} http://127.0.0.1:{tlsPort}/index.html", timeoutSeconds: 20);
            Assert.Equal("400", plain.Output);

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

    /// <summary>
    /// Session tickets sealed by one process open in another: the control process shares the
    /// ticket keys with every child and with the next generation, so a client resumes (openssl
    /// s_client's "Reused") before and after a graceful restart replaced every child.
    /// </summary>
    [Fact]
    public void A_TLS_session_resumes_after_a_graceful_restart_replaced_every_child()
    {
        Tool.RequireCommand("openssl", "openssl");
        string keys = Path.Combine(Path.GetTempPath(), "eventmpm-keys-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(keys);
        try
        {
            var (certificate, key) = EventMpm.Tests.TestCertificate.WriteTo(keys);
            int tlsPort = MpmServer.FreePort();
            using var server = new MpmServer(site, $"-C \"Listen 127.0.0.1:{tlsPort} https\" -C \"SSLCertificateFile {certificate}\" -C \"SSLCertificateKeyFile {key}\"");
            string request = Path.Combine(keys, "request.txt"), session = Path.Combine(keys, "session.pem");
            File.WriteAllText(request, "GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            // -ign_eof reads until the server closes, so the tickets that follow a TLS 1.3 handshake arrive.
            string Handshake(string sessionArgument)
            {
                Tool.Result r = Tool.Run("sh", $"-c \"openssl s_client -connect 127.0.0.1:{tlsPort} -tls1_3 -ign_eof {sessionArgument} < {request} 2>&1\"", timeoutSeconds: 20);
                Assert.Contains("<p>MpmSite</p>", r.Output);
                return r.Output;
            }

            Assert.Contains("New, TLSv1.3", Handshake("-sess_out " + session));
            for (int i = 0; i < 4; i++) Assert.Contains("Reused, TLSv1.3", Handshake("-sess_in " + session));

            List<int> before = server.Children();
            Tool.Result graceful = server.Command(server.Arguments + " -k graceful");
            Assert.True(graceful.ExitCode == 0, graceful.All);
            MpmServer.WaitFor(() => server.TryAuto() is { } a && a["ParentServerMPMGeneration"] == "1", 10, "the new generation");
            server.Await(() => !server.Children().Intersect(before).Any(), 30, "every child of the old generation to be gone");

            string after = Handshake("-sess_in " + session);
            Assert.Contains("Reused, TLSv1.3", after);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    /// <summary>
    /// The image rootfs.sh lays out for a binary with SSLEngine on holds OpenSSL's two libraries
    /// (opened at run time, so ldd does not list them), and serves HTTPS from a chroot into it
    /// with the certificate mounted where -C says, as a Kubernetes secret is.
    /// </summary>
    [Fact]
    public void The_container_image_of_a_TLS_binary_holds_OpenSSL_and_serves_HTTPS_from_a_chroot()
    {
        int tlsPort = MpmServer.FreePort();
        using var image = new ChrootServer(Tool.Repo("templates/eventmpm/container/rootfs.sh"), site.First, "MpmSite", prepare: root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "app", "htdocs"));
            File.WriteAllText(Path.Combine(root, "app", "htdocs", "index.html"), "<p>from the image</p>\n");
            Directory.CreateDirectory(Path.Combine(root, "etc", "tls"));
            EventMpm.Tests.TestCertificate.WriteTo(Path.Combine(root, "etc", "tls"));
        }, extraArguments: $"-C \"Listen 127.0.0.1:{tlsPort} https\" -C \"SSLCertificateFile /etc/tls/server.crt\" -C \"SSLCertificateKeyFile /etc/tls/server.key\"");
        Assert.Contains("/lib/x86_64-linux-gnu/libssl.so.3", image.Files);
        Assert.Contains("/lib/x86_64-linux-gnu/libcrypto.so.3", image.Files);
        Assert.Contains("<p>from the image</p>", image.Curl("/index.html")); // started, and serving
        string certificate = Path.Combine(image.Root, "etc", "tls", "server.crt");
        Tool.Result https = Tool.Run("curl", $"-sv --cacert {certificate} https://127.0.0.1:{tlsPort}/index.html", timeoutSeconds: 20);
        Assert.True(https.ExitCode == 0, https.All);
        Assert.Equal("<p>from the image</p>\n", https.Output);
        Assert.Contains("SSL connection using TLSv1.3", https.Error);
    }
}
