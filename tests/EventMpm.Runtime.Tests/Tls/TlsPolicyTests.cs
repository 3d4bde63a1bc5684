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

/// <summary>TLS 1.2, two suites with AES-128-GCM first, SSLHonorCipherOrder on (the default) and SSLSessionTickets on.</summary>
public struct ServerOrderTlsConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static int SSLProtocolMin => TlsVersions.Tls12;
    public static int SSLProtocolMax => TlsVersions.Tls12;
    public static string SSLCipherSuite => "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305";
}

/// <summary>The same with SSLHonorCipherOrder off: the client's order decides.</summary>
public struct ClientOrderTlsConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static int SSLProtocolMin => TlsVersions.Tls12;
    public static int SSLProtocolMax => TlsVersions.Tls12;
    public static string SSLCipherSuite => "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305";
    public static bool SSLHonorCipherOrder => false;
}

/// <summary>SSLOpenSSLConfCmd MinProtocol TLSv1.3: a command applied after the directives, overriding SSLProtocol's TLS 1.2.</summary>
public struct ConfCommandTlsConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static string SSLOpenSSLConfCmd => "MinProtocol TLSv1.3\n";
}

/// <summary>Answers with the subject of the client's certificate, as a handler of a service mesh would check it.</summary>
public sealed class ClientCertificateHandler : EventMpm.Handlers.IRequestHandler
{
    public void Handle(EventMpm.Handlers.Request request, EventMpm.Handlers.Response response) => response.Write(request.ClientCertificate ?? "(none)");
}

/// <summary>SSLVerifyClient require, SSLVerifyDepth 1: a client certificate issued by SSLCACertificateFile's CA, or no handshake.</summary>
public struct RequireClientConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static int SSLVerifyClient => 2;
    public static IReadOnlyList<LocationSpec> Locations => [new("/whoami", typeof(ClientCertificateHandler).FullName!)];
    public static EventMpm.Handlers.IRequestHandler? CreateHandler(string typeName) => new ClientCertificateHandler();
}

/// <summary>SSLVerifyClient optional: a certificate is asked for, and a client without one is served too.</summary>
public struct OptionalClientConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static int SSLVerifyClient => 1;
    public static IReadOnlyList<LocationSpec> Locations => [new("/whoami", typeof(ClientCertificateHandler).FullName!)];
    public static EventMpm.Handlers.IRequestHandler? CreateHandler(string typeName) => new ClientCertificateHandler();
}

/// <summary>SendBufferSize 4096: a handshake flight larger than the socket can hold meets a full send buffer.</summary>
public struct SmallSendBufferConfig : IServerConfig
{
    public static int ThreadsPerChild => 2;
    public static int MaxRequestWorkers => 2;
    public static bool SSLEngine => true;
    public static int SendBufferSize => 4096;
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

    private TestServer<TConfig> Serve<TConfig>(string? chain = null, TestCertificate? certificate = null, string? clientCa = null) where TConfig : struct, IServerConfig
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
            SSLCertificateFile = new EquatableArray<string>([certificateFile]),
            SSLCertificateKeyFile = new EquatableArray<string>([keyFile]),
            SSLCertificateChainFile = chain ?? "",
            SSLCACertificateFile = clientCa ?? "",
        });
    }

    private static SslStream Handshake<TConfig>(TestServer<TConfig> server, SslProtocols protocols, List<SslApplicationProtocol>? alpn = null,
        Action<X509Chain?>? sawChain = null, X509Certificate2? client = null, CipherSuitesPolicy? policy = null) where TConfig : struct, IServerConfig
    {
        Socket socket = server.Connect();
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), false, (_, _, chain, _) =>
        {
            sawChain?.Invoke(chain);
            return true;
        });
        tls.AuthenticateAsClient(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost", EnabledSslProtocols = protocols, ApplicationProtocols = alpn,
            ClientCertificates = client is null ? null : new X509CertificateCollection { client },
            LocalCertificateSelectionCallback = client is null ? null : (_, _, _, _, _) => client,
            CipherSuitesPolicy = policy,
        });
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
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // CipherSuitesPolicy: the server is Linux-only anyway
    public void SSLHonorCipherOrder_on_takes_the_servers_order_and_off_the_clients()
    {
        // The client prefers ChaCha20 to AES-128-GCM; the server's list says the reverse.
        var clientOrder = new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]);
        using (var server = Serve<ServerOrderTlsConfig>())
        using (SslStream tls = Handshake(server, SslProtocols.Tls12, policy: clientOrder))
        {
            Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.NegotiatedCipherSuite);
            Assert.Equal(200, Get(tls));
        }
        using (var server = Serve<ClientOrderTlsConfig>())
        using (SslStream tls = Handshake(server, SslProtocols.Tls12, policy: clientOrder))
        {
            Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.NegotiatedCipherSuite);
            Assert.Equal(200, Get(tls));
        }
    }

    /// <summary>Runs a command through sh and returns its exit code.</summary>
    private static int Shell(string command)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", command]))!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>What `openssl s_client -msg` shows of a TLS 1.2 handshake with the server (the openssl package is installed if missing).</summary>
    private static string OpenSslMessages(int port)
    {
        if (Shell("command -v openssl > /dev/null") != 0) Assert.Equal(0, Shell("(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl) > /dev/null"));
        var start = new System.Diagnostics.ProcessStartInfo("openssl", $"s_client -connect 127.0.0.1:{port} -tls1_2 -msg")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close(); // end of input: s_client ends the connection after the handshake
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "openssl s_client did not end");
        return output + error.Result;
    }

    [Fact]
    public void SSLSessionTickets_off_sends_no_ticket_where_on_sends_one()
    {
        using (var server = Serve<ServerOrderTlsConfig>())
        {
            string on = OpenSslMessages(server.Port);
            Assert.Contains("TLS 1.2, Handshake", on);
            Assert.Contains("NewSessionTicket", on);
        }
        using (var server = Serve<NarrowTlsConfig>())
        {
            string off = OpenSslMessages(server.Port);
            Assert.Contains("TLS 1.2, Handshake", off);
            Assert.Contains("Finished", off);
            Assert.DoesNotContain("NewSessionTicket", off);
        }
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
        return new TlsSettings([(certificate, key)], chain, TlsVersions.Tls12, TlsVersions.Tls13, cipherSuite, "", true, true, 300, confCommands);
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

    private static string WhoAmI(SslStream tls)
    {
        tls.Write(Encoding.ASCII.GetBytes(Wire.Get("/whoami")));
        var (status, _, body) = TlsTests.Read(tls);
        Assert.Equal(200, status);
        return Encoding.UTF8.GetString(body);
    }

    /// <summary>A client's certificate with its key, as a client presents it.</summary>
    private static X509Certificate2 ClientIdentity(TestCertificate made)
        => made.Certificate.CopyWithPrivateKey((System.Security.Cryptography.ECDsa)made.Key);

    [Fact]
    public void SSLVerifyClient_require_serves_a_client_whose_certificate_the_CA_issued_and_refuses_the_others()
    {
        using var ca = TestCertificate.Make("Mesh CA", authority: true);
        using var client = TestCertificate.Make("orders.mesh.internal", issuer: ca);
        using var stranger = TestCertificate.Make("Other CA", authority: true);
        using var impostor = TestCertificate.Make("orders.mesh.internal", issuer: stranger);
        string caFile = Path.Combine(_folder, "mesh-ca.pem");
        File.WriteAllText(caFile, ca.CertificatePem);
        using var server = Serve<RequireClientConfig>(clientCa: caFile);

        using (X509Certificate2 identity = ClientIdentity(client))
        using (SslStream tls = Handshake(server, SslProtocols.Tls13, client: identity))
        {
            Assert.Equal("CN=orders.mesh.internal", WhoAmI(tls));
            Assert.Equal("CN=orders.mesh.internal", WhoAmI(tls)); // and on the kept-alive connection
        }
        // No certificate, or one another CA issued: TLS 1.3 refuses after the client's Finished,
        // so the handshake or the first exchange fails (a TLS alert, not an HTTP answer).
        void Refused(X509Certificate2? presented)
        {
            Exception? e = Record.Exception(() =>
            {
                using SslStream tls = Handshake(server, SslProtocols.Tls13, client: presented);
                WhoAmI(tls);
            });
            Assert.True(e is IOException or AuthenticationException, e?.ToString() ?? "served");
        }
        Refused(null);
        using X509Certificate2 wrong = ClientIdentity(impostor);
        Refused(wrong);
        Wire.WaitFor(() => server.Server.OpenConnections == 0, "the refused connections to be closed");
    }

    [Fact]
    public void SSLVerifyClient_optional_serves_clients_without_a_certificate_too()
    {
        using var ca = TestCertificate.Make("Mesh CA", authority: true);
        using var client = TestCertificate.Make("billing.mesh.internal", issuer: ca);
        string caFile = Path.Combine(_folder, "mesh-ca.pem");
        File.WriteAllText(caFile, ca.CertificatePem);
        using var server = Serve<OptionalClientConfig>(clientCa: caFile);
        using (SslStream anonymous = Handshake(server, SslProtocols.Tls12 | SslProtocols.Tls13))
        {
            Assert.Equal("(none)", WhoAmI(anonymous));
        }
        using X509Certificate2 identity = ClientIdentity(client);
        using SslStream known = Handshake(server, SslProtocols.Tls12 | SslProtocols.Tls13, client: identity);
        Assert.Equal("CN=billing.mesh.internal", WhoAmI(known));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // CipherSuitesPolicy: the server is Linux-only anyway
    public void An_RSA_and_an_ECDSA_certificate_serve_side_by_side()
    {
        using var rsa = TestCertificate.Make(rsa: true);
        using var ecdsa = TestCertificate.Make();
        string Write(string name, string text)
        {
            string path = Path.Combine(_folder, name);
            File.WriteAllText(path, text);
            return path;
        }
        var certificates = new EquatableArray<string>([Write("rsa.crt", rsa.CertificatePem), Write("ecdsa.crt", ecdsa.CertificatePem)]);
        var keys = new EquatableArray<string>([Write("rsa.key", rsa.KeyPem), Write("ecdsa.key", ecdsa.KeyPem)]);
        using var server = new TestServer<TlsConfig>(d => d with
        {
            Listen = new EquatableArray<ListenAddress>([new ListenAddress("127.0.0.1", 0, "https")]),
            SSLCertificateFile = certificates,
            SSLCertificateKeyFile = keys,
        });
        // A TLS 1.2 client that can only verify one kind of signature is given the certificate it can use.
        string Presented(TlsCipherSuite suite)
        {
            using Socket socket = server.Connect();
            using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), false, (_, _, _, _) => true);
            tls.AuthenticateAsClient(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls12, CipherSuitesPolicy = new CipherSuitesPolicy([suite]),
            });
            return new X509Certificate2(tls.RemoteCertificate!).Thumbprint;
        }
        Assert.Equal(rsa.Certificate.Thumbprint, Presented(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256));
        Assert.Equal(ecdsa.Certificate.Thumbprint, Presented(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
    }

    /// <summary>
    /// A handshake whose flight (a certificate with 80 more in its chain file, about 40 KB) does
    /// not fit the send buffer: OpenSSL must write before it can read on, so the connection waits
    /// for room to send, not only for input, which the client (waiting for the rest of the flight)
    /// would never send.
    /// </summary>
    [Fact]
    public void A_handshake_that_must_write_more_than_the_socket_holds_waits_for_room_to_send()
    {
        var chain = new StringBuilder();
        for (int i = 0; i < 80; i++)
        {
            using var filler = TestCertificate.Make("filler-" + i);
            chain.Append(filler.CertificatePem).Append('\n');
        }
        string chainFile = Path.Combine(_folder, "long-chain.pem");
        File.WriteAllText(chainFile, chain.ToString());
        using var server = Serve<SmallSendBufferConfig>(chainFile);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        socket.Connect("127.0.0.1", server.Port);
        using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), false, (_, _, _, _) => true);
        tls.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls13 });
        Assert.Equal(200, Get(tls));
    }
}
