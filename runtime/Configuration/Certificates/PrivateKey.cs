using System;

namespace EventMpm.Configuration.Certificates;

/// <summary>
/// A PEM private key, read only as far as its public half: PKCS#8 (<c>PRIVATE KEY</c>), PKCS#1
/// (<c>RSA PRIVATE KEY</c>) or SEC 1 (<c>EC PRIVATE KEY</c>), the forms OpenSSL reads.
/// </summary>
internal sealed class PrivateKey
{
    private PrivateKey(string algorithm, PublicKey? publicKey, bool encrypted)
    {
        Algorithm = algorithm;
        PublicKey = publicKey;
        IsEncrypted = encrypted;
    }

    public string Algorithm { get; }

    /// <summary>Null when the key does not carry it (an EC key written without its point, Ed25519).</summary>
    public PublicKey? PublicKey { get; }

    /// <summary>Needs a pass phrase, which a server that starts unattended cannot type (mod_ssl's SSLPassPhraseDialog).</summary>
    public bool IsEncrypted { get; }

    public static bool IsKeyLabel(string label) => label.EndsWith("PRIVATE KEY", StringComparison.Ordinal);

    /// <exception cref="FormatException">A block that does not hold a key.</exception>
    public static PrivateKey Parse(PemBlock block)
    {
        if (block.Label == "ENCRYPTED PRIVATE KEY" || block.HasEncryptionHeader) return new PrivateKey("encrypted", null, encrypted: true);
        var reader = new DerReader(block.Data);
        switch (block.Label)
        {
            case "RSA PRIVATE KEY":
                return new PrivateKey("RSA", ReadRsa(reader), encrypted: false);
            case "EC PRIVATE KEY":
                return new PrivateKey("EC", ReadEc(reader, curve: null), encrypted: false);
            case "PRIVATE KEY":
                var info = reader.Enter(DerReader.Sequence);
                info.ReadSmallInteger();
                var algorithm = info.Enter(DerReader.Sequence);
                string oid = algorithm.ReadObjectIdentifier();
                string? parameters = algorithm.HasMore && algorithm.PeekTag() == DerReader.ObjectIdentifier ? algorithm.ReadObjectIdentifier() : null;
                var inner = new DerReader(info.ReadBytes(DerReader.OctetString));
                if (oid == PublicKey.RsaOid) return new PrivateKey("RSA", ReadRsa(inner), encrypted: false);
                if (oid == PublicKey.EcOid) return new PrivateKey("EC", ReadEc(inner, parameters), encrypted: false);
                return new PrivateKey(PublicKey.AlgorithmName(oid), null, encrypted: false);
            default:
                throw new FormatException("'" + block.Label + "' is not a private key");
        }
    }

    /// <summary>RFC 8017 A.1.2: RSAPrivateKey begins version, modulus, publicExponent.</summary>
    private static PublicKey ReadRsa(DerReader reader)
    {
        var key = reader.Enter(DerReader.Sequence);
        key.ReadSmallInteger();
        return PublicKey.Rsa(key.ReadUnsignedInteger(), key.ReadUnsignedInteger());
    }

    /// <summary>RFC 5915 §3: ECPrivateKey is version, the secret, [0] the curve, [1] the public point.</summary>
    private static PublicKey? ReadEc(DerReader reader, string? curve)
    {
        var key = reader.Enter(DerReader.Sequence);
        key.ReadSmallInteger();
        key.Skip();
        byte[]? point = null;
        while (key.HasMore)
        {
            byte tag = key.PeekTag();
            if (tag == DerReader.Context(0, constructed: true)) curve = key.Enter(tag).ReadObjectIdentifier();
            else if (tag == DerReader.Context(1, constructed: true)) point = key.Enter(tag).ReadBitString();
            else key.Skip();
        }
        return curve is null || point is null ? null : PublicKey.Ec(curve, point);
    }
}
