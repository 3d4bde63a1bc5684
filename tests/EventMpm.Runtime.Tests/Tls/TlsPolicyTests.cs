using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Contract;
using EventMpm.Runtime.Tests.Event;
using EventMpm.Tests;
using EventMpm.Tls;

namespace EventMpm.Runtime.Tests.Tls;

/// <summary>SSLProtocol TLSv1.2, one suite that is not the default's first choice (which is AES-256), SSLSessionTickets off.</summary>
public struct NarrowTlsConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static int SSLProtocolMin => TlsVersions.Tls12;
    public static int SSLProtocolMax => TlsVersions.Tls12;
    public static string SSLCipherSuite => "ECDHE-ECDSA-AES128-GCM-SHA256";
    public static bool SSLSessionTickets => false;
}

/// <summary>SSLOpenSSLConfCmd MinProtocol TLSv1.3: a command applied after the directives, overriding SSLProtocol's TLS 1.2.</summary>
public struct ConfCommandTlsConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static string SSLOpenSSLConfCmd => "MinProtocol TLSv1.3\n";
}

/// <summary>RequestReadTimeout handshake=1 header=10-20: the handshake has a second of its own.</summary>
public struct HandshakeStageConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static int RequestReadHandshakeTimeout => 1;
    public static int RequestReadHeaderTimeout => 10;
    public static int RequestReadHeaderMaxTimeout => 20;
}

/// <summary>RequestReadTimeout header=2-2 and no handshake stage (httpd's default): the header stage, from the accept, covers the handshake.</summary>
public struct HeaderStageConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static int RequestReadHeaderTimeout => 2;
    public static int RequestReadHeaderMaxTimeout => 2;
}

/// <summary>
/// The mod_ssl policy directives as the TLS context applies them, seen from a client (.NET's
/// SslStream): versions, suites, ALPN, SSLOpenSSLConfCmd and SSLCertificateChainFile; and what
/// OpenSSL refuses, in mod_ssl's words.
/// </summary>
public sealed class TlsPolicyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventmpm-tlspolicy-" + Guid.NewGuid().ToString("N")[..8]);

    public TlsPolicyTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private TestServer<TConfig> Serve<TConfig>(string? chain = null, TestCertificate? certificate = null) where TConfig : struct, IServerConfig
    {
        string certificateFile = Path.Combine(_folder, "server.crt"), keyFile = Path.Combine(_folder, "server.key");
        if (certificate is null) TestCertificate.WriteTo(_folder);
        else
        {
            File.WriteAllText(certificateFile, certificate.CertificatePem);
            File.WriteAllText(keyFile, certificate.KeyPem);
        }
        return new TestServer<TConfig>(d => d with
        {
            Listen = new EquatableArray<ListenAddress>([new ListenAddress("127.0.0.1", 0, "https")]),
            SSLCertificateFile = certificateFile,
            SSLCertificateKeyFile = keyFile,
            SSLCertificateChainFile = chain ?? "",
        });
    }

    private static SslStream Handshake<TConfig>(TestServer<TConfig> server, SslProtocols protocols, List<SslApplicationProtocol>? alpn = null,
        Action<X509Chain?>? sawChain = null) where TConfig : struct, IServerConfig
    {
        Socket socket = server.Connect();
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), false, (_, _, chain, _) =>
        {
            sawChain?.Invoke(chain);
            return true;
        });
        tls.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocols, ApplicationProtocols = alpn });
        return tls;
    }

    private static int Get(SslStream tls)
    {
        tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/hello.txt")));
        return TlsTests.Read(tls).Status;
    }

    [Fact]
    public void SSLProtocol_and_SSLCipherSuite_decide_what_a_client_gets()
    {
        using var server = Serve<NarrowTlsConfig>();
        Assert.ThrowsAny<Exception>(() => Handshake(server, SslProtocols.Tls13).Dispose());
        using SslStream tls = Handshake(server, SslProtocols.Tls12 | SslProtocols.Tls13);
        Assert.Equal(SslProtocols.Tls12, tls.SslProtocol);
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.NegotiatedCipherSuite);
        Assert.Equal(200, Get(tls));
    }

    [Fact]
    public void ALPN_names_http_1_1_when_offered_and_nothing_when_not()
    {
        using var server = Serve<NarrowTlsConfig>();
        using (SslStream both = Handshake(server, SslProtocols.Tls12, [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]))
        {
            Assert.Equal(SslApplicationProtocol.Http11, both.NegotiatedApplicationProtocol);
            Assert.Equal(200, Get(both));
        }
        // A client that offers only h2 is not refused: no protocol is named, and HTTP/1.1 is what it gets.
        using SslStream h2Only = Handshake(server, SslProtocols.Tls12, [SslApplicationProtocol.Http2]);
        Assert.Equal(default, h2Only.NegotiatedApplicationProtocol);
        Assert.Equal(200, Get(h2Only));
    }

    [Fact]
    public void SSLOpenSSLConfCmd_is_applied_after_the_directives()
    {
        using var server = Serve<ConfCommandTlsConfig>();
        Assert.ThrowsAny<Exception>(() => Handshake(server, SslProtocols.Tls12).Dispose());
        using SslStream tls = Handshake(server, SslProtocols.Tls12 | SslProtocols.Tls13);
        Assert.Equal(SslProtocols.Tls13, tls.SslProtocol);
    }

    [Fact]
    public void SSLCertificateChainFile_is_sent_after_the_certificate()
    {
        using var root = TestCertificate.Make("Policy Test Root", authority: true);
        using var intermediate = TestCertificate.Make("Policy Test Intermediate", authority: true, issuer: root);
        using var site = TestCertificate.Make(issuer: intermediate);
        string chainFile = Path.Combine(_folder, "chain.pem");
        File.WriteAllText(chainFile, intermediate.CertificatePem);
        using var server = Serve<NarrowTlsConfig>(chainFile, site);
        X509Certificate2Collection? sent = null;
        using SslStream tls = Handshake(server, SslProtocols.Tls12, sawChain: chain => sent = chain?.ChainPolicy.ExtraStore);
        Assert.Equal("CN=localhost", tls.RemoteCertificate!.Subject);
        Assert.Contains(sent!.Cast<X509Certificate2>(), c => c.Subject == "CN=Policy Test Intermediate");
    }

    private TlsSettings Settings(string cipherSuite = "ECDHE+AESGCM", string confCommands = "", string chain = "")
    {
        var (certificate, key) = TestCertificate.WriteTo(_folder);
        return new TlsSettings(certificate, key, chain, TlsVersions.Tls12, TlsVersions.Tls13, cipherSuite, "", true, true, 300, confCommands);
    }

    [Theory]
    [InlineData("Groups NoSuchCurve", "AH02407: \"SSLOpenSSLConfCmd Groups NoSuchCurve\" failed")]
    [InlineData("MinProtocol TLSv9", "AH02407: \"SSLOpenSSLConfCmd MinProtocol TLSv9\" failed")]
    public void OpenSSL_judges_SSLOpenSSLConfCmd_values_and_mod_ssl_words_say_so(string command, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => TlsContext.Create(Settings(confCommands: command + "\n")).Dispose());
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_cipher_string_that_selects_nothing_fails_with_mod_ssls_message()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TlsContext.Create(Settings(cipherSuite: "RC4:3DES")).Dispose());
        Assert.Contains("AH01898: Unable to configure permitted SSL ciphers", e.Message);
        Assert.Contains("no cipher match", e.Message);
    }

    [Fact]
    public void A_chain_file_without_certificates_is_refused()
    {
        string empty = Path.Combine(_folder, "empty.pem");
        File.WriteAllText(empty, "no certificates here\n");
        var e = Assert.Throws<InvalidOperationException>(() => TlsContext.Create(Settings(chain: empty)).Dispose());
        Assert.Contains("SSLCertificateChainFile " + empty + " holds no PEM certificate", e.Message);
    }

    /// <summary>
    /// Sends a ClientHello's record header, then a byte of it every 200 ms, never finishing; the
    /// seconds until the server closes. Each byte used to park the connection anew, with a fresh
    /// timeout: a handshake trickled so would hold its connection for ever.
    /// </summary>
    private static double TrickledHandshakeLasts<TConfig>(TestServer<TConfig> server) where TConfig : struct, IServerConfig
    {
        using Socket s = server.Connect();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        s.Send([0x16, 0x03, 0x01, 0x02, 0x00]); // handshake record, TLS 1.0 framing, 512 bytes to come
        var buffer = new byte[64];
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                s.Send([0x01]);
                if (s.Poll(200_000, SelectMode.SelectRead) && s.Receive(buffer) == 0) return clock.Elapsed.TotalSeconds;
            }
            catch (SocketException)
            {
                return clock.Elapsed.TotalSeconds; // reset: closed
            }
        }
        return double.PositiveInfinity;
    }

    [Fact]
    public void A_trickled_handshake_is_closed_at_the_handshake_stage_deadline()
    {
        using var server = Serve<HandshakeStageConfig>();
        double lasted = TrickledHandshakeLasts(server);
        Assert.InRange(lasted, 0.9, 6); // handshake=1; the header stage's 10 s would be later
        using SslStream tls = Handshake(server, SslProtocols.Tls13); // others are served
        Assert.Equal(200, Get(tls));
    }

    [Fact]
    public void Without_a_handshake_stage_the_header_stage_from_the_accept_covers_the_handshake()
    {
        using var server = Serve<HeaderStageConfig>();
        Assert.InRange(TrickledHandshakeLasts(server), 1.9, 8); // header=2, counted from the accept
    }
}
