using System;
using System.Runtime.InteropServices;
using EventMpm.Native;

namespace EventMpm.Tls;

/// <summary>
/// What every TLS connection of a listener shares (OpenSSL's SSL_CTX): the certificate chain and
/// its key, and the protocol policy (SSLProtocol, SSLCipherSuite, ...). Made once per child at start; a certificate that cannot be
/// loaded, or a key that does not match it, stops the start with mod_ssl's words.
/// </summary>
internal sealed unsafe class TlsContext : IDisposable
{
    private TlsContext(nint handle) => Handle = handle;

    /// <summary>The SSL_CTX.</summary>
    public nint Handle { get; private set; }

    /// <summary>The ticket keys this context seals with, found from the callback through the SSL_CTX's app data (ex_data index 0).</summary>
    private TicketKeys? _tickets;
    private int _ticketLifetime;
    private GCHandle _self;

    /// <summary>ALPN's name for HTTP/1.1 (RFC 7301 §6), the one protocol offered.</summary>
    private static ReadOnlySpan<byte> Http11 => "http/1.1"u8;

    /// <summary>
    /// Applies the policy, then loads the chain (the server's certificate first, as
    /// SSLCertificateFile holds it, then SSLCertificateChainFile's) and its key, as mod_ssl does
    /// in ssl_engine_init.c: ssl_init_ctx() and ssl_init_server_certs().
    /// </summary>
    /// <exception cref="InvalidOperationException">What failed, in mod_ssl's words, with OpenSSL's reasons; or that OpenSSL is not on the machine.</exception>
    /// <param name="tickets">The keys this server's processes share, or null for OpenSSL's own (this process only).</param>
    public static TlsContext Create(TlsSettings settings, TicketKeys? tickets = null)
    {
        nint method;
        try
        {
            // The first calls into each library load it.
            OpenSsl.ERR_clear_error();
            method = OpenSsl.TLS_server_method();
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException("TLS needs OpenSSL 3 (libssl.so.3 and libcrypto.so.3) on the machine: " + e.Message, e);
        }
        nint ctx = OpenSsl.SSL_CTX_new(method);
        if (ctx == 0) throw new InvalidOperationException("SSL_CTX_new failed: " + OpenSsl.Errors());
        var context = new TlsContext(ctx);
        try
        {
            if (!OpenSsl.SetProtocolRange(ctx, settings.MinVersion, settings.MaxVersion)) throw new InvalidOperationException("SSLProtocol: OpenSSL refuses the range: " + OpenSsl.Errors());
            // No compression (CRIME) and no renegotiation (a client could make the server redo
            // the expensive half of a handshake at will); the connection ends cleanly when the
            // client closes without close_notify, as browsers do.
            ulong options = OpenSsl.OptionNoCompression | OpenSsl.OptionNoRenegotiation | OpenSsl.OptionIgnoreUnexpectedEof;
            if (settings.HonorCipherOrder) options |= OpenSsl.OptionServerPreference;
            if (!settings.SessionTickets) options |= OpenSsl.OptionNoTicket;
            OpenSsl.SSL_CTX_set_options(ctx, options);
            OpenSsl.SetMode(ctx, OpenSsl.ModePartialWrite | OpenSsl.ModeMovingWriteBuffer | OpenSsl.ModeReleaseBuffers);
            OpenSsl.SetReadAhead(ctx); // half the reads; TlsTransport.HasBufferedInput sees what waits in the buffer
            OpenSsl.SSL_CTX_set_timeout(ctx, settings.SessionTimeoutSeconds);
            OpenSsl.SSL_CTX_set_alpn_select_cb(ctx, &SelectProtocol, 0);
            // A session resumes only in the context that made it (OpenSSL insists once clients are verified).
            fixed (byte* id = "EventMpm"u8) OpenSsl.SSL_CTX_set_session_id_context(ctx, id, 8);
            if (settings.VerifyClient != 0) VerifyClients(ctx, settings);
            context.VerifiesClients = settings.VerifyClient != 0;
            if (settings.SessionTickets && tickets is not null)
            {
                context._tickets = tickets;
                context._ticketLifetime = settings.SessionTimeoutSeconds;
                context._self = GCHandle.Alloc(context);
                OpenSsl.SSL_CTX_set_ex_data(ctx, 0, GCHandle.ToIntPtr(context._self));
                OpenSsl.SetTicketKeyCallback(ctx, &SealOrOpenTicket);
            }
            fixed (byte* suites = OpenSsl.Text(settings.CipherSuite))
            {
                if (OpenSsl.SSL_CTX_set_cipher_list(ctx, suites) != 1) throw new InvalidOperationException("AH01898: Unable to configure permitted SSL ciphers: SSLCipherSuite " + settings.CipherSuite + ": " + OpenSsl.Errors());
            }
            if (settings.CipherSuiteTls13.Length > 0)
            {
                fixed (byte* suites = OpenSsl.Text(settings.CipherSuiteTls13))
                {
                    if (OpenSsl.SSL_CTX_set_ciphersuites(ctx, suites) != 1) throw new InvalidOperationException("AH01898: Unable to configure permitted SSL ciphers: SSLCipherSuite TLSv1.3 " + settings.CipherSuiteTls13 + ": " + OpenSsl.Errors());
                }
            }
            // One certificate per key type: OpenSSL keeps a slot for each (RSA, ECDSA, ...) and
            // picks the one the client's signature algorithms allow; a key goes with the
            // certificate loaded just before it.
            foreach (var (certificateFile, keyFile) in settings.Certificates)
            {
                fixed (byte* file = OpenSsl.Text(certificateFile))
                {
                    if (OpenSsl.SSL_CTX_use_certificate_chain_file(ctx, file) != 1)
                        throw new InvalidOperationException("AH02561: Failed to configure certificate " + certificateFile + ", check that it exists and holds PEM certificates: " + OpenSsl.Errors());
                }
                if (settings.ChainFile.Length > 0) AddChain(ctx, settings.ChainFile);
                fixed (byte* file = OpenSsl.Text(keyFile))
                {
                    if (OpenSsl.SSL_CTX_use_PrivateKey_file(ctx, file, OpenSsl.FileTypePem) != 1)
                        throw new InvalidOperationException("AH02564: Failed to configure encrypted (?) private key " + keyFile + ", check that it exists and holds an unencrypted PEM key: " + OpenSsl.Errors());
                }
                if (OpenSsl.SSL_CTX_check_private_key(ctx) != 1)
                    throw new InvalidOperationException("AH02565: Certificate and private key " + certificateFile + " and " + keyFile + " do not match: " + OpenSsl.Errors());
            }
            if (settings.ConfCommands.Length > 0) ApplyConfCommands(ctx, settings.ConfCommands);
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Whether clients are asked for certificates (SSLVerifyClient other than none).</summary>
    public bool VerifiesClients { get; private set; }

    /// <summary>
    /// SSLVerifyClient, SSLVerifyDepth and SSLCACertificateFile (ssl_engine_init.c:
    /// ssl_init_ctx_verify()): the CAs are trusted and named to the client; require refuses a
    /// handshake without a certificate, optional_no_ca takes one that does not verify.
    /// </summary>
    private static void VerifyClients(nint ctx, TlsSettings settings)
    {
        if (settings.CaFile.Length > 0)
        {
            fixed (byte* file = OpenSsl.Text(settings.CaFile))
            {
                if (OpenSsl.SSL_CTX_load_verify_locations(ctx, file, null) != 1)
                    throw new InvalidOperationException("AH01895: Unable to configure verify locations for client authentication: SSLCACertificateFile " + settings.CaFile + ": " + OpenSsl.Errors());
                nint names = OpenSsl.SSL_load_client_CA_file(file);
                if (names == 0) throw new InvalidOperationException("AH01896: Unable to determine list of acceptable CA certificates for client authentication: " + settings.CaFile + ": " + OpenSsl.Errors());
                OpenSsl.SSL_CTX_set_client_CA_list(ctx, names);
            }
        }
        int mode = OpenSsl.VerifyPeer | OpenSsl.VerifyClientOnce | (settings.VerifyClient == 2 ? OpenSsl.VerifyFailIfNoPeerCertificate : 0);
        OpenSsl.SSL_CTX_set_verify(ctx, mode, settings.VerifyClient == 3 ? &AcceptAnyCertificate : null);
        OpenSsl.SSL_CTX_set_verify_depth(ctx, settings.VerifyDepth);
    }

    /// <summary>optional_no_ca: the certificate is taken whether or not it verifies (the application judges it).</summary>
    [UnmanagedCallersOnly]
    private static int AcceptAnyCertificate(int verified, nint store) => 1;

    /// <summary>The subject of the certificate the client presented, as RFC 2253 writes it (mod_ssl's SSL_CLIENT_S_DN); null without one.</summary>
    public static string? PeerSubject(nint ssl)
    {
        nint certificate = OpenSsl.SSL_get1_peer_certificate(ssl);
        if (certificate == 0) return null;
        nint bio = OpenSsl.BIO_new(OpenSsl.BIO_s_mem());
        try
        {
            if (bio == 0 || OpenSsl.X509_NAME_print_ex(bio, OpenSsl.X509_get_subject_name(certificate), 0, OpenSsl.NameRfc2253) < 0) return null;
            byte* text = stackalloc byte[1024];
            int n = OpenSsl.BIO_read(bio, text, 1024);
            return n <= 0 ? "" : System.Text.Encoding.UTF8.GetString(text, n);
        }
        finally
        {
            if (bio != 0) OpenSsl.BIO_free(bio);
            OpenSsl.X509_free(certificate);
        }
    }

    /// <summary>SSLCertificateChainFile: each certificate in it, in order, after the certificate file's own chain.</summary>
    private static void AddChain(nint ctx, string chainFile)
    {
        nint bio;
        fixed (byte* file = OpenSsl.Text(chainFile))
        fixed (byte* mode = "r\0"u8)
        {
            bio = OpenSsl.BIO_new_file(file, mode);
        }
        if (bio == 0) throw new InvalidOperationException("SSLCertificateChainFile: file '" + chainFile + "' cannot be read: " + OpenSsl.Errors());
        try
        {
            int count = 0;
            for (nint x509 = OpenSsl.PEM_read_bio_X509(bio, 0, 0, 0); x509 != 0; x509 = OpenSsl.PEM_read_bio_X509(bio, 0, 0, 0))
            {
                if (!OpenSsl.AddChainCertificate(ctx, x509))
                {
                    OpenSsl.X509_free(x509);
                    throw new InvalidOperationException("AH02562: Failed to configure CA certificate chain from " + chainFile + ": " + OpenSsl.Errors());
                }
                count++;
            }
            // The loop ends on "no start line" once the file is read: that is the end, not a fault.
            OpenSsl.ERR_clear_error();
            if (count == 0) throw new InvalidOperationException("SSLCertificateChainFile " + chainFile + " holds no PEM certificate");
        }
        finally
        {
            OpenSsl.BIO_free(bio);
        }
    }

    /// <summary>SSLOpenSSLConfCmd, in the order written (ssl_engine_init.c: ssl_init_server_ctx()); OpenSSL judges the values.</summary>
    private static void ApplyConfCommands(nint ctx, string lines)
    {
        nint cctx = OpenSsl.SSL_CONF_CTX_new();
        if (cctx == 0) throw new InvalidOperationException("SSL_CONF_CTX_new failed: " + OpenSsl.Errors());
        try
        {
            OpenSsl.SSL_CONF_CTX_set_flags(cctx, OpenSsl.ConfFlagFile | OpenSsl.ConfFlagServer | OpenSsl.ConfFlagShowErrors | OpenSsl.ConfFlagCertificate);
            OpenSsl.SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
            foreach (string line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int space = line.IndexOf(' ');
                string command = line.Substring(0, space), value = line.Substring(space + 1);
                fixed (byte* c = OpenSsl.Text(command))
                fixed (byte* v = OpenSsl.Text(value))
                {
                    if (OpenSsl.SSL_CONF_cmd(cctx, c, v) <= 0)
                        throw new InvalidOperationException("AH02407: \"SSLOpenSSLConfCmd " + command + " " + value + "\" failed: " + OpenSsl.Errors());
                }
            }
            if (OpenSsl.SSL_CONF_CTX_finish(cctx) != 1) throw new InvalidOperationException("AH02560: Configuring permitted SSL ciphers failed: " + OpenSsl.Errors());
        }
        finally
        {
            OpenSsl.SSL_CONF_CTX_free(cctx);
        }
    }

    /// <summary>
    /// OpenSSL's ticket-key callback: to seal, the current key and a fresh IV (returns 1); to
    /// open, the key the ticket names, or 0 when no key opens it (a full handshake follows). An
    /// opened ticket answers 2, so OpenSSL issues a new one, when it was sealed with the previous
    /// key, and always over TLS 1.3: a TLS 1.3 client uses a ticket once (RFC 8446 §C.4), and
    /// OpenSSL sends none after a resumption unless asked, so a client that resumes connection
    /// after connection would make every other one a full handshake (seen with wrk; nginx, on
    /// OpenSSL's own keys, sends a ticket on every resumption).
    /// </summary>
    [UnmanagedCallersOnly]
    private static int SealOrOpenTicket(nint ssl, byte* name, byte* iv, nint cipher, nint hmac, int seal)
    {
        nint self = OpenSsl.SSL_CTX_get_ex_data(OpenSsl.SSL_get_SSL_CTX(ssl), 0);
        if (self == 0 || GCHandle.FromIntPtr(self).Target is not TlsContext { _tickets: TicketKeys keys } context) return -1;
        Span<byte> key = stackalloc byte[TicketKeys.KeySize];
        try
        {
            bool current = true;
            if (seal != 0)
            {
                if (!keys.Current(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), context._ticketLifetime, key)) return -1;
                key.Slice(0, TicketKeys.NameSize).CopyTo(new Span<byte>(name, TicketKeys.NameSize));
                if (OpenSsl.RAND_bytes(iv, 16) != 1) return -1; // AES's block: EVP_MAX_IV_LENGTH bytes are there
            }
            else if (!keys.TryFind(new ReadOnlySpan<byte>(name, TicketKeys.NameSize), key, out current)) return 0;
            fixed (byte* k = key)
            {
                if (HmacInit(hmac, k + TicketKeys.NameSize) != 1) return -1;
                byte* aes = k + TicketKeys.NameSize + TicketKeys.HmacSize;
                int ok = seal != 0 ? OpenSsl.EVP_EncryptInit_ex(cipher, OpenSsl.EVP_aes_256_cbc(), 0, aes, iv) : OpenSsl.EVP_DecryptInit_ex(cipher, OpenSsl.EVP_aes_256_cbc(), 0, aes, iv);
                if (ok != 1) return -1;
            }
            return current && (seal != 0 || OpenSsl.SSL_version(ssl) != OpenSsl.Tls13) ? 1 : 2;
        }
        catch
        {
            return -1;
        }
        finally
        {
            key.Clear();
        }
    }

    private static int HmacInit(nint hmac, byte* secret) => OpenSsl.HMAC_Init_ex(hmac, secret, TicketKeys.HmacSize, OpenSsl.EVP_sha256(), 0);

    /// <summary>
    /// ALPN (RFC 7301): http/1.1 when the client offers it; otherwise no protocol is named and
    /// the connection goes on as HTTP/1.1, as a client without ALPN gets.
    /// </summary>
    [UnmanagedCallersOnly]
    private static int SelectProtocol(nint ssl, byte** selected, byte* selectedLength, byte* offered, uint offeredLength, nint argument)
    {
        ReadOnlySpan<byte> list = new(offered, (int)offeredLength);
        for (int i = 0; i < list.Length;)
        {
            int length = list[i];
            if (i + 1 + length > list.Length) break;
            if (list.Slice(i + 1, length).SequenceEqual(Http11))
            {
                // The answer points into the client's list, which OpenSSL keeps while it writes it.
                *selected = offered + i + 1;
                *selectedLength = (byte)length;
                return OpenSsl.AlpnOk;
            }
            i += 1 + length;
        }
        return OpenSsl.AlpnNoAck;
    }

    public void Dispose()
    {
        if (Handle != 0) OpenSsl.SSL_CTX_free(Handle);
        Handle = 0;
        if (_self.IsAllocated) _self.Free();
    }
}
