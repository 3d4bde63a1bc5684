namespace EventMpm.Configuration;

/// <summary>
/// TLS versions as SSLProtocol names them and as OpenSSL numbers them (the wire's version field,
/// which SSL_CTX_set_min_proto_version takes).
/// </summary>
public static class TlsVersions
{
    public const int Tls10 = 0x0301, Tls11 = 0x0302, Tls12 = 0x0303, Tls13 = 0x0304;

    /// <summary>Oldest first; the index is the bit in a protocol set.</summary>
    public static readonly (string Name, int Version)[] All = { ("TLSv1", Tls10), ("TLSv1.1", Tls11), ("TLSv1.2", Tls12), ("TLSv1.3", Tls13) };

    public static string Name(int version)
    {
        foreach (var (name, v) in All) if (v == version) return name;
        return "0x" + version.ToString("x4");
    }
}
