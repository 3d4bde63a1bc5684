namespace EventMpm.Tls;

/// <summary>
/// What a TLS context is made from: the files (resolved paths) and the compiled mod_ssl policy.
/// Versions are OpenSSL's numbers (0x0303 is TLS 1.2); <see cref="ConfCommands"/> holds
/// SSLOpenSSLConfCmd's "Command Value" lines, applied last.
/// </summary>
/// <param name="Certificates">Each certificate file (its chain after it) and its key file, one per key type.</param>
public sealed record TlsSettings(
    (string CertificateFile, string KeyFile)[] Certificates,
    string ChainFile,
    int MinVersion,
    int MaxVersion,
    string CipherSuite,
    string CipherSuiteTls13,
    bool HonorCipherOrder,
    bool SessionTickets,
    int SessionTimeoutSeconds,
    string ConfCommands,
    int VerifyClient = 0,
    int VerifyDepth = 1,
    string CaFile = "");
