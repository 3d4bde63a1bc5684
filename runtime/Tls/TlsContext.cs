using System;
using EventMpm.Native;

namespace EventMpm.Tls;

/// <summary>
/// What every TLS connection of a listener shares (OpenSSL's SSL_CTX): the certificate chain and
/// its key, and the protocol policy. Made once per child at start; a certificate that cannot be
/// loaded, or a key that does not match it, stops the start with mod_ssl's words.
/// </summary>
internal sealed unsafe class TlsContext : IDisposable
{
    /// <summary>
    /// TLS 1.2's suites when none are configured: forward secrecy and AEAD only (ECDHE with
    /// AES-GCM or ChaCha20-Poly1305, Mozilla's "intermediate" set). TLS 1.3's are OpenSSL's own.
    /// </summary>
    public const string DefaultCipherSuite = "ECDHE+AESGCM:ECDHE+CHACHA20";

    private TlsContext(nint handle) => Handle = handle;

    /// <summary>The SSL_CTX.</summary>
    public nint Handle { get; private set; }

    /// <summary>Loads the chain (the server's certificate first, as SSLCertificateFile holds it) and its key.</summary>
    /// <exception cref="InvalidOperationException">What failed, with OpenSSL's reasons.</exception>
    public static TlsContext Create(string certificateFile, string keyFile)
    {
        OpenSsl.ERR_clear_error();
        nint ctx = OpenSsl.SSL_CTX_new(OpenSsl.TLS_server_method());
        if (ctx == 0) throw new InvalidOperationException("SSL_CTX_new failed: " + OpenSsl.Errors());
        var context = new TlsContext(ctx);
        try
        {
            // TLS 1.2 and 1.3 only (httpd's default still allows 1.0 and 1.1 with an old OpenSSL);
            // no compression (CRIME), no renegotiation, the server's order of suites.
            if (!OpenSsl.SetProtocolRange(ctx, OpenSsl.Tls12, OpenSsl.Tls13)) throw new InvalidOperationException("cannot limit the protocols to TLS 1.2 and 1.3: " + OpenSsl.Errors());
            OpenSsl.SSL_CTX_set_options(ctx, OpenSsl.OptionNoCompression | OpenSsl.OptionNoRenegotiation | OpenSsl.OptionServerPreference | OpenSsl.OptionIgnoreUnexpectedEof);
            OpenSsl.SetMode(ctx, OpenSsl.ModePartialWrite | OpenSsl.ModeMovingWriteBuffer | OpenSsl.ModeReleaseBuffers);
            fixed (byte* suites = OpenSsl.Text(DefaultCipherSuite))
            {
                if (OpenSsl.SSL_CTX_set_cipher_list(ctx, suites) != 1) throw new InvalidOperationException("SSLCipherSuite " + DefaultCipherSuite + ": " + OpenSsl.Errors());
            }
            fixed (byte* file = OpenSsl.Text(certificateFile))
            {
                if (OpenSsl.SSL_CTX_use_certificate_chain_file(ctx, file) != 1)
                    throw new InvalidOperationException("AH02561: Failed to configure certificate " + certificateFile + ", check that it exists and holds PEM certificates: " + OpenSsl.Errors());
            }
            fixed (byte* file = OpenSsl.Text(keyFile))
            {
                if (OpenSsl.SSL_CTX_use_PrivateKey_file(ctx, file, OpenSsl.FileTypePem) != 1)
                    throw new InvalidOperationException("AH02564: Failed to configure encrypted (?) private key " + keyFile + ", check that it exists and holds an unencrypted PEM key: " + OpenSsl.Errors());
            }
            if (OpenSsl.SSL_CTX_check_private_key(ctx) != 1)
                throw new InvalidOperationException("AH02565: Certificate and private key " + certificateFile + " and " + keyFile + " do not match: " + OpenSsl.Errors());
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (Handle != 0) OpenSsl.SSL_CTX_free(Handle);
        Handle = 0;
    }
}
