using System;
using System.Runtime.InteropServices;

namespace EventMpm.Native;

/// <summary>
/// The OpenSSL 3 calls the TLS transport makes, bound to the system's libssl.so.3 and
/// libcrypto.so.3 at run time (dlopen on first use: a server without an https listener never
/// loads them). The constants are OpenSSL 3.0's (openssl/ssl.h); several of its "functions"
/// are macros over SSL_CTX_ctrl, called so here.
/// </summary>
internal static unsafe partial class OpenSsl
{
    private const string Ssl = "libssl.so.3";
    private const string Crypto = "libcrypto.so.3";

    public const int FileTypePem = 1; // SSL_FILETYPE_PEM

    // SSL_get_error()
    public const int ErrorNone = 0, ErrorSsl = 1, ErrorWantRead = 2, ErrorWantWrite = 3, ErrorSyscall = 5, ErrorZeroReturn = 6;

    // SSL_CTX_ctrl() commands
    private const int CtrlSetTicketKeyCallback = 72; // SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB, for SSL_CTX_callback_ctrl
    private const int CtrlSetReadAhead = 41;

    /// <summary>TLS1_3_VERSION, as SSL_version() reports it.</summary>
    public const int Tls13 = 0x0304;

    private const int CtrlMode = 33, CtrlChainCertificate = 89, CtrlSetMinProtoVersion = 123, CtrlSetMaxProtoVersion = 124;

    // SSL_CONF_FLAG_*: commands as a configuration file writes them, for a server, errors queued.
    public const uint ConfFlagFile = 0x2, ConfFlagServer = 0x8, ConfFlagShowErrors = 0x10, ConfFlagCertificate = 0x20;

    // SSL_VERIFY_*: ask for a certificate, refuse a handshake without one, ask only at the first handshake.
    public const int VerifyPeer = 0x1, VerifyFailIfNoPeerCertificate = 0x2, VerifyClientOnce = 0x4;

    /// <summary>XN_FLAG_RFC2253: a distinguished name as RFC 2253 writes it ("CN=client,O=Example"), as mod_ssl's SSL_CLIENT_S_DN.</summary>
    public const ulong NameRfc2253 = 0x1110317;

    // SSL_TLSEXT_ERR_* from an ALPN selection callback.
    public const int AlpnOk = 0, AlpnNoAck = 3;

    // SSL_MODE_*: writes may return after part of the buffer and be retried from another address
    // (write completion resends from where it stopped); idle connections give their buffers back.
    public const long ModePartialWrite = 0x1, ModeMovingWriteBuffer = 0x2, ModeReleaseBuffers = 0x10;

    // SSL_OP_* (SSL_OP_BIT(n))
    public const ulong OptionNoTicket = 1UL << 14, OptionNoCompression = 1UL << 17, OptionServerPreference = 1UL << 22,
        OptionNoRenegotiation = 1UL << 30, OptionIgnoreUnexpectedEof = 1UL << 7;

    [LibraryImport(Ssl)] public static partial nint TLS_server_method();
    [LibraryImport(Ssl)] public static partial nint SSL_CTX_new(nint method);
    [LibraryImport(Ssl)] public static partial void SSL_CTX_free(nint ctx);
    [LibraryImport(Ssl)] public static partial ulong SSL_CTX_set_options(nint ctx, ulong options);
    [LibraryImport(Ssl)] private static partial long SSL_CTX_ctrl(nint ctx, int command, long larg, nint parg);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_use_certificate_chain_file(nint ctx, byte* file);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_use_PrivateKey_file(nint ctx, byte* file, int type);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_check_private_key(nint ctx);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_set_cipher_list(nint ctx, byte* list);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_set_ciphersuites(nint ctx, byte* list);
    [LibraryImport(Ssl)] public static partial long SSL_CTX_set_timeout(nint ctx, long seconds);
    [LibraryImport(Ssl)] public static partial void SSL_CTX_set_alpn_select_cb(nint ctx, delegate* unmanaged<nint, byte**, byte*, byte*, uint, nint, int> callback, nint argument);
    [LibraryImport(Ssl)] public static partial nint SSL_CONF_CTX_new();
    [LibraryImport(Ssl)] public static partial uint SSL_CONF_CTX_set_flags(nint cctx, uint flags);
    [LibraryImport(Ssl)] public static partial void SSL_CONF_CTX_set_ssl_ctx(nint cctx, nint ctx);
    [LibraryImport(Ssl)] public static partial int SSL_CONF_cmd(nint cctx, byte* command, byte* value);
    [LibraryImport(Ssl)] public static partial int SSL_CONF_CTX_finish(nint cctx);
    [LibraryImport(Ssl)] public static partial void SSL_CONF_CTX_free(nint cctx);
    [LibraryImport(Ssl)] private static partial long SSL_CTX_callback_ctrl(nint ctx, int command, delegate* unmanaged<nint, byte*, byte*, nint, nint, int, int> callback);
    [LibraryImport(Ssl)] public static partial nint SSL_get_SSL_CTX(nint ssl);
    [LibraryImport(Ssl)] public static partial void SSL_CTX_set_verify(nint ctx, int mode, delegate* unmanaged<int, nint, int> callback);
    [LibraryImport(Ssl)] public static partial void SSL_CTX_set_verify_depth(nint ctx, int depth);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_load_verify_locations(nint ctx, byte* file, byte* path);
    [LibraryImport(Ssl)] public static partial nint SSL_load_client_CA_file(byte* file);
    [LibraryImport(Ssl)] public static partial void SSL_CTX_set_client_CA_list(nint ctx, nint names);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_set_session_id_context(nint ctx, byte* context, uint length);
    [LibraryImport(Ssl)] public static partial nint SSL_get1_peer_certificate(nint ssl);
    [LibraryImport(Crypto)] public static partial nint X509_get_subject_name(nint x509);
    [LibraryImport(Crypto)] public static partial int X509_NAME_print_ex(nint bio, nint name, int indent, ulong flags);
    [LibraryImport(Crypto)] public static partial nint BIO_s_mem();
    [LibraryImport(Crypto)] public static partial nint BIO_new(nint method);
    [LibraryImport(Crypto)] public static partial int BIO_read(nint bio, byte* buffer, int length);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_set_ex_data(nint ctx, int index, nint data);
    [LibraryImport(Ssl)] public static partial nint SSL_CTX_get_ex_data(nint ctx, int index);
    [LibraryImport(Crypto)] public static partial int RAND_bytes(byte* buffer, int length);
    [LibraryImport(Crypto)] public static partial nint EVP_aes_256_cbc();
    [LibraryImport(Crypto)] public static partial nint EVP_sha256();
    [LibraryImport(Crypto)] public static partial int EVP_EncryptInit_ex(nint ctx, nint cipher, nint engine, byte* key, byte* iv);
    [LibraryImport(Crypto)] public static partial int EVP_DecryptInit_ex(nint ctx, nint cipher, nint engine, byte* key, byte* iv);
    [LibraryImport(Crypto)] public static partial int HMAC_Init_ex(nint ctx, byte* key, int length, nint digest, nint engine);
    [LibraryImport(Crypto)] public static partial nint BIO_new_file(byte* file, byte* mode);
    [LibraryImport(Crypto)] public static partial int BIO_free(nint bio);
    [LibraryImport(Crypto)] public static partial nint PEM_read_bio_X509(nint bio, nint x, nint callback, nint argument);
    [LibraryImport(Crypto)] public static partial void X509_free(nint x509);
    [LibraryImport(Ssl)] public static partial nint SSL_new(nint ctx);
    [LibraryImport(Ssl)] public static partial void SSL_free(nint ssl);
    [LibraryImport(Ssl)] public static partial int SSL_set_fd(nint ssl, int fd);
    [LibraryImport(Ssl)] public static partial void SSL_set_accept_state(nint ssl);
    [LibraryImport(Ssl)] public static partial void SSL_set0_wbio(nint ssl, nint bio);
    [LibraryImport(Crypto)] public static partial int BIO_get_new_index();
    [LibraryImport(Crypto)] public static partial nint BIO_meth_new(int type, byte* name);
    [LibraryImport(Crypto)] public static partial void BIO_meth_free(nint method);
    [LibraryImport(Crypto)] public static partial int BIO_meth_set_write(nint method, delegate* unmanaged<nint, byte*, int, int> write);
    [LibraryImport(Crypto)] public static partial int BIO_meth_set_ctrl(nint method, delegate* unmanaged<nint, int, long, nint, long> control);
    [LibraryImport(Crypto)] public static partial void BIO_set_data(nint bio, nint data);
    [LibraryImport(Crypto)] public static partial nint BIO_get_data(nint bio);
    [LibraryImport(Crypto)] public static partial void BIO_set_init(nint bio, int init);
    [LibraryImport(Crypto)] public static partial void BIO_set_flags(nint bio, int flags);
    [LibraryImport(Crypto)] public static partial void BIO_clear_flags(nint bio, int flags);
    [LibraryImport(Ssl)] public static partial int SSL_is_init_finished(nint ssl);
    [LibraryImport(Ssl, SetLastError = true)] public static partial int SSL_read(nint ssl, byte* buffer, int length);
    [LibraryImport(Ssl, SetLastError = true)] public static partial int SSL_write(nint ssl, byte* buffer, int length);
    [LibraryImport(Ssl)] public static partial int SSL_pending(nint ssl);
    [LibraryImport(Ssl)] public static partial int SSL_version(nint ssl);
    [LibraryImport(Ssl)] public static partial int SSL_has_pending(nint ssl);
    [LibraryImport(Ssl)] public static partial int SSL_get_error(nint ssl, int result);
    [LibraryImport(Ssl)] public static partial int SSL_shutdown(nint ssl);
    [LibraryImport(Crypto)] public static partial void ERR_clear_error();
    [LibraryImport(Crypto)] public static partial ulong ERR_get_error();
    [LibraryImport(Crypto)] private static partial void ERR_error_string_n(ulong error, byte* buffer, nuint length);

    public static long SetMode(nint ctx, long mode) => SSL_CTX_ctrl(ctx, CtrlMode, mode, 0);

    /// <summary>SSL_CTX_set_read_ahead: one read takes what the socket holds, not a record's header and then its body.</summary>
    public static void SetReadAhead(nint ctx) => SSL_CTX_ctrl(ctx, CtrlSetReadAhead, 1, 0);

    /// <summary>SSL_CTX_add0_chain_cert: appends to the current certificate's chain, which then owns <paramref name="x509"/>.</summary>
    public static bool AddChainCertificate(nint ctx, nint x509) => SSL_CTX_ctrl(ctx, CtrlChainCertificate, 0, x509) == 1;

    /// <summary>
    /// SSL_CTX_set_tlsext_ticket_key_cb: the callback that picks the key sealing or opening a
    /// ticket (OpenSSL 3 still takes this form; its EVP_MAC form needs OSSL_PARAM arrays).
    /// </summary>
    public static void SetTicketKeyCallback(nint ctx, delegate* unmanaged<nint, byte*, byte*, nint, nint, int, int> callback)
        => SSL_CTX_callback_ctrl(ctx, CtrlSetTicketKeyCallback, callback);

    public static bool SetProtocolRange(nint ctx, int min, int max)
        => SSL_CTX_ctrl(ctx, CtrlSetMinProtoVersion, min, 0) == 1 && SSL_CTX_ctrl(ctx, CtrlSetMaxProtoVersion, max, 0) == 1;

    /// <summary>OpenSSL's error queue as text, oldest first, emptied ("error:0A000086:SSL routines::certificate verify failed; ...").</summary>
    public static string Errors()
    {
        var text = new System.Text.StringBuilder();
        byte* buffer = stackalloc byte[256];
        for (ulong e = ERR_get_error(); e != 0; e = ERR_get_error())
        {
            ERR_error_string_n(e, buffer, 256);
            if (text.Length > 0) text.Append("; ");
            text.Append(Marshal.PtrToStringUTF8((nint)buffer));
        }
        return text.Length == 0 ? "no reason given" : text.ToString();
    }

    /// <summary>A NUL-terminated UTF-8 copy for OpenSSL's char* parameters.</summary>
    public static byte[] Text(string value) => System.Text.Encoding.UTF8.GetBytes(value + "\0");
}
