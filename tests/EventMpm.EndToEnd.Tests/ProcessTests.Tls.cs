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
        using var keys = new TlsFolder();
        int tlsPort = MpmServer.FreePort();
        using var server = new MpmServer(site, keys.HttpsArguments(tlsPort));
        string url = $"https://127.0.0.1:{tlsPort}";

        Tool.Result small = Tool.Run("curl", $"-sv --cacert {keys.Certificate} {url}/index.html", timeoutSeconds: 20);
        Assert.True(small.ExitCode == 0, small.All);
        Assert.Equal("<p>MpmSite</p>\n", small.Output);
        Assert.Contains("SSL connection using TLSv1.3", small.Error); // verified against the certificate, not -k

        Tool.Result big = Tool.Run("curl", $"-s --cacert {keys.Certificate} -o /dev/null -w %{{size_download}} {url}/big.bin", timeoutSeconds: 60);
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

    /// <summary>
    /// -t and -k start check the certificate the running configuration names (here replaced with
    /// -C, as a mounted secret would be): what the build checks for files among the project's.
    /// </summary>
    [Fact]
    public void Dash_t_and_the_start_check_the_certificate_they_would_load()
    {
        using var keys = new TlsFolder();
        using var server = new MpmServer(site, start: false);
        int tlsPort = MpmServer.FreePort();
        string With(string certificate, string key) => server.Arguments + $" -C \"Listen 127.0.0.1:{tlsPort} https\" -C \"SSLCertificateFile {certificate}\" -C \"SSLCertificateKeyFile {key}\"";
        string Write(string name, string text)
        {
            string path = Path.Combine(keys.Path, name);
            File.WriteAllText(path, text);
            return path;
        }
        using var good = EventMpm.Tests.TestCertificate.Make();
        using var expired = EventMpm.Tests.TestCertificate.Make(notBefore: DateTimeOffset.UtcNow.AddDays(-60), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        using var soon = EventMpm.Tests.TestCertificate.Make(notAfter: DateTimeOffset.UtcNow.AddDays(5));
        string goodCertificate = Write("good.crt", good.CertificatePem), goodKey = Write("good.key", good.KeyPem);

        Assert.Equal("Syntax OK\n", server.Command(With(goodCertificate, goodKey) + " -t").Error);

        // -t with a certificate and key: its exit code, and what it says on stderr.
        Tool.Result Test(string certificate, string key, int exitCode, string says)
        {
            Tool.Result r = server.Command(With(certificate, key) + " -t");
            Assert.True(r.ExitCode == exitCode, r.All);
            Assert.Contains(says, r.Error);
            return r;
        }
        string expiredKey = Write("expired.key", expired.KeyPem);
        Tool.Result old = Test(Write("expired.crt", expired.CertificatePem), expiredKey, 1,
            "the certificate CN=localhost in " + Path.Combine(keys.Path, "expired.crt") + " expired on");
        Assert.DoesNotContain("Syntax OK", old.All);
        Test(goodCertificate, expiredKey, 1, "AH02565: the private key in " + expiredKey);
        Test(Path.Combine(keys.Path, "none.crt"), goodKey, 1, "SSLCertificateFile: file '" + Path.Combine(keys.Path, "none.crt") + "' does not exist or is empty");
        Tool.Result expiring = Test(Write("soon.crt", soon.CertificatePem), Write("soon.key", soon.KeyPem), 0,
            "WARNING: the certificate CN=localhost in " + Path.Combine(keys.Path, "soon.crt") + " expires on");
        Assert.EndsWith("Syntax OK\n", expiring.Error);

        Tool.Result start = server.Command(With(goodCertificate, expiredKey) + " -k start");
        Assert.Equal(1, start.ExitCode);
        Assert.Contains("AH02565", start.Error);
        Assert.False(MpmServer.Listening(tlsPort));
    }

    /// <summary>
    /// Session tickets sealed by one process open in another: the control process shares the
    /// ticket keys with every child and with the next generation, so a client resumes (openssl
    /// s_client's "Reused") before and after a graceful restart replaced every child, and gets a
    /// fresh ticket each time.
    /// </summary>
    [Fact]
    public void A_TLS_session_resumes_after_a_graceful_restart_replaced_every_child()
    {
        Tool.RequireCommand("openssl", "openssl");
        using var keys = new TlsFolder();
        int tlsPort = MpmServer.FreePort();
        using var server = new MpmServer(site, keys.HttpsArguments(tlsPort));
        string request = Path.Combine(keys.Path, "request.txt"), session = Path.Combine(keys.Path, "session.pem");
        File.WriteAllText(request, "GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        // -ign_eof reads until the server closes, so the tickets that follow a TLS 1.3 handshake arrive.
        string Handshake(string sessionArgument)
        {
            Tool.Result r = Tool.Run("sh", $"-c \"openssl s_client -connect 127.0.0.1:{tlsPort} -tls1_3 -ign_eof {sessionArgument} < {request} 2>&1\"", timeoutSeconds: 20);
            Assert.Contains("<p>MpmSite</p>", r.Output);
            return r.Output;
        }

        Assert.Contains("New, TLSv1.3", Handshake("-sess_out " + session));
        for (int i = 0; i < 4; i++)
        {
            // Each resumption hands out a fresh ticket (-msg shows the NewSessionTicket): a TLS 1.3
            // client uses a ticket once (RFC 8446 §C.4; wrk and browsers do), and without one
            // every other connection of theirs would be a full handshake.
            string resumed = Handshake("-msg -sess_in " + session);
            Assert.Contains("Reused, TLSv1.3", resumed);
            Assert.Contains("NewSessionTicket", resumed);
        }

        List<int> before = server.Children();
        Tool.Result graceful = server.Command(server.Arguments + " -k graceful");
        Assert.True(graceful.ExitCode == 0, graceful.All);
        MpmServer.WaitFor(() => server.TryAuto() is { } a && a["ParentServerMPMGeneration"] == "1", 10, "the new generation");
        server.Await(() => !server.Children().Intersect(before).Any(), 30, "every child of the old generation to be gone");

        string after = Handshake("-sess_in " + session);
        Assert.Contains("Reused, TLSv1.3", after);
    }

    /// <summary>
    /// Rotating a certificate is replacing its files and -k graceful: under wrk over HTTPS, new
    /// handshakes meet the new certificate, a download in flight on the old generation finishes
    /// whole, and no request fails.
    /// </summary>
    [Fact]
    public void A_certificate_replaced_on_disk_is_served_after_a_graceful_restart_under_load_and_nothing_is_dropped()
    {
        Tool.RequireCommand("wrk", "wrk");
        using var keys = new TlsFolder();
        string certificateFile = Path.Combine(keys.Path, "server.crt"), keyFile = Path.Combine(keys.Path, "server.key");
        using var before = EventMpm.Tests.TestCertificate.Make();
        using var after = EventMpm.Tests.TestCertificate.Make();
        File.WriteAllText(certificateFile, before.CertificatePem);
        File.WriteAllText(keyFile, before.KeyPem);
        int tlsPort = MpmServer.FreePort();
        using var server = new MpmServer(site, $"-C \"Listen 127.0.0.1:{tlsPort} https\" -C \"SSLCertificateFile {certificateFile}\" -C \"SSLCertificateKeyFile {keyFile}\"");

        System.Net.Security.SslStream Connect(out System.Net.Sockets.Socket socket)
        {
            socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.Connect("127.0.0.1", tlsPort);
            var tls = new System.Net.Security.SslStream(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), false, (_, _, _, _) => true);
            tls.AuthenticateAsClient("localhost");
            return tls;
        }

        // A download on the old generation, read a little at a time.
        using var download = Connect(out var downloadSocket);
        downloadSocket.ReceiveBufferSize = 64 * 1024;
        Assert.Equal(before.Certificate.Thumbprint, new System.Security.Cryptography.X509Certificates.X509Certificate2(download.RemoteCertificate!).Thumbprint);
        download.Write(System.Text.Encoding.ASCII.GetBytes("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        var received = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (received.Length < 1024 * 1024) received.Write(chunk, 0, download.Read(chunk));

        Tool.Result? load = null;
        var wrk = new System.Threading.Thread(() => load = Tool.Run("wrk", $"-t1 -c8 -d6s https://127.0.0.1:{tlsPort}/index.html", timeoutSeconds: 60)) { IsBackground = true };
        wrk.Start();
        MpmServer.WaitFor(() => server.TryAuto() is { } a && long.Parse(a["Total Accesses"]) > 200, 10, "wrk to be under way");

        // The rotation: the new files in place (renamed over the old, as a secret's update is), then -k graceful.
        File.WriteAllText(certificateFile + ".new", after.CertificatePem);
        File.WriteAllText(keyFile + ".new", after.KeyPem);
        File.Move(keyFile + ".new", keyFile, overwrite: true);
        File.Move(certificateFile + ".new", certificateFile, overwrite: true);
        Tool.Result graceful = server.Command(server.Arguments + " -k graceful");
        Assert.True(graceful.ExitCode == 0, graceful.All);
        MpmServer.WaitFor(() => server.TryAuto() is { } a && a["ParentServerMPMGeneration"] == "1", 10, "the new generation");

        string Served()
        {
            using var fresh = Connect(out _);
            return new System.Security.Cryptography.X509Certificates.X509Certificate2(fresh.RemoteCertificate!).Thumbprint;
        }
        // An old child may accept until its SIGUSR1 is handled; from then on, only new children do.
        MpmServer.WaitFor(() => Served() == after.Certificate.Thumbprint, 10, "a handshake with the new certificate");
        for (int i = 0; i < 5; i++) Assert.Equal(after.Certificate.Thumbprint, Served());
        // The download the old generation was sending goes on to its end.
        for (int n; (n = download.Read(chunk)) > 0;)
        {
            received.Write(chunk, 0, n);
            string text = System.Text.Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)Math.Min(received.Length, 4096));
            int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd > 0 && received.Length - headEnd - 4 >= MpmServer.BigSize) break;
        }
        byte[] all = received.ToArray();
        int bodyStart = System.Text.Encoding.ASCII.GetString(all, 0, 4096).IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        Assert.Equal(File.ReadAllBytes(Path.Combine(server.Docroot, "big.bin")), all.AsSpan(bodyStart).ToArray());

        wrk.Join();
        Assert.NotNull(load);
        Assert.True(load!.ExitCode == 0, load.All);
        Assert.DoesNotContain("Socket errors", load.Output);
        Assert.DoesNotContain("Non-2xx", load.Output);
    }

    /// <summary>
    /// Other TLS stacks than OpenSSL's and other clients: GnuTLS (gnutls-cli), nghttp2's h2load
    /// speaking HTTP/1.1 over TLS, ALPN offered h2 and http/1.1, and sslscan's survey of what the
    /// port accepts (TLS 1.2 and 1.3 only, no renegotiation, no compression), and testssl.sh's
    /// checks of the same on the default configuration: protocols, cipher categories, forward
    /// secrecy, client-initiated renegotiation, CRIME.
    /// </summary>
    [Fact]
    public void GnuTLS_h2load_sslscan_and_testssl_meet_the_TLS_port_as_configured()
    {
        Tool.RequireCommand("gnutls-cli", "gnutls-bin");
        Tool.RequireCommand("sslscan", "sslscan");
        Tool.RequireCommand("testssl", "testssl.sh");
        Tool.RequireCommand("h2load", "nghttp2-client");
        using var keys = new TlsFolder();
        int tlsPort = MpmServer.FreePort();
        using var server = new MpmServer(site, keys.HttpsArguments(tlsPort));
        string request = Path.Combine(keys.Path, "request.txt");
        File.WriteAllText(request, "GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Tool.Result gnutls = Tool.Run("sh", $"-c \"gnutls-cli --x509cafile {keys.Certificate} -p {tlsPort} localhost < {request} 2>&1\"", timeoutSeconds: 20);
        Assert.Contains("Handshake was completed", gnutls.Output);
        Assert.Contains("HTTP/1.1 200 OK", gnutls.Output);
        Assert.Contains("<p>MpmSite</p>", gnutls.Output);

        Tool.Result load = Tool.Run("h2load", $"--h1 -n 400 -c 8 https://127.0.0.1:{tlsPort}/index.html", timeoutSeconds: 60);
        Assert.Contains("400 succeeded, 0 failed, 0 errored, 0 timeout", load.Output);

        Tool.Result alpn = Tool.Run("sh", $"-c \"openssl s_client -connect 127.0.0.1:{tlsPort} -alpn h2,http/1.1 < /dev/null 2>&1\"", timeoutSeconds: 20);
        Assert.Contains("ALPN protocol: http/1.1", alpn.Output);

        Tool.Result scan = Tool.Run("sslscan", $"--no-colour 127.0.0.1:{tlsPort}", timeoutSeconds: 120);
        foreach (string line in new[] { "SSLv3     disabled", "TLSv1.0   disabled", "TLSv1.1   disabled", "TLSv1.2   enabled", "TLSv1.3   enabled", "Session renegotiation not supported" })
        {
            Assert.Contains(line, scan.Output);
        }
        var suites = System.Text.RegularExpressions.Regex.Matches(scan.Output, @"(?:Accepted|Preferred)\s+TLSv1\.2\s+\d+ bits\s+(\S+)");
        Assert.NotEmpty(suites);
        Assert.All(suites, m => Assert.Matches("^ECDHE-.*(GCM|CHACHA20)", m.Groups[1].Value)); // forward secrecy and AEAD only

        Tool.Result testssl = Tool.Run("testssl", $"--quiet --color 0 --warnings off --protocols --std --fs --renegotiation --crime 127.0.0.1:{tlsPort}", timeoutSeconds: 240);
        foreach (string finding in new[]
        {
            @"SSLv2\s+not offered \(OK\)", @"SSLv3\s+not offered \(OK\)", @"TLS 1\s+not offered", @"TLS 1\.1\s+not offered",
            @"TLS 1\.2\s+offered \(OK\)", @"TLS 1\.3\s+offered \(OK\)",
            @"NULL ciphers \(no encryption\)\s+not offered \(OK\)", @"Export ciphers \(w/o ADH\+NULL\)\s+not offered \(OK\)",
            @"LOW: 64 Bit \+ DES, RC\[2,4\] \(w/o export\)\s+not offered \(OK\)", @"Triple DES Ciphers / IDEA\s+not offered",
            @"Obsolete CBC ciphers \(AES, ARIA etc\.\)\s+not offered", @"PFS is offered \(OK\)",
            @"Secure Client-Initiated Renegotiation\s+not vulnerable \(OK\)", @"CRIME, TLS \(CVE-2012-4929\)\s+not vulnerable \(OK\)",
        })
        {
            Assert.Matches(finding, testssl.Output);
        }
    }
}

/// <summary>A folder for a test's certificate and key (the default TestCertificate's), deleted after it.</summary>
internal sealed class TlsFolder : IDisposable
{
    public TlsFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eventmpm-keys-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
        (Certificate, Key) = EventMpm.Tests.TestCertificate.WriteTo(Path);
    }

    public string Path { get; }

    public string Certificate { get; }

    public string Key { get; }

    /// <summary>An https listener on <paramref name="port"/> with this folder's certificate, as -C adds it.</summary>
    public string HttpsArguments(int port) => $"-C \"Listen 127.0.0.1:{port} https\" -C \"SSLCertificateFile {Certificate}\" -C \"SSLCertificateKeyFile {Key}\"";

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
