using System;
using System.Text;

namespace EventMpm.Configuration.Certificates;

/// <summary>
/// A public key in a form two encodings of one key compare equal in: an RSA modulus and exponent,
/// or an EC curve and point. Read from a certificate's SubjectPublicKeyInfo, or taken out of a
/// private key (which carries it: RSA always, EC as OpenSSL writes it), so the build can tell
/// whether a key belongs to a certificate without doing any cryptography.
/// </summary>
internal sealed class PublicKey : IEquatable<PublicKey>
{
    public const string RsaOid = "1.2.840.113549.1.1.1";
    public const string EcOid = "1.2.840.10045.2.1";

    private readonly string _identity;

    private PublicKey(string identity, string description)
    {
        _identity = identity;
        Description = description;
    }

    /// <summary>"RSA 2048-bit", "EC P-256": how messages name it.</summary>
    public string Description { get; }

    public static PublicKey Rsa(byte[] modulus, byte[] exponent) =>
        new("rsa:" + Hex(modulus) + ":" + Hex(exponent), "RSA " + BitLength(modulus) + "-bit");

    public static PublicKey Ec(string curveOid, byte[] point) =>
        new("ec:" + curveOid + ":" + Hex(point), "EC " + CurveName(curveOid));

    /// <summary>From SubjectPublicKeyInfo's algorithm and key bits; null for an algorithm not compared here (Ed25519, DSA).</summary>
    public static PublicKey? FromSubjectPublicKeyInfo(string algorithm, string? parameters, byte[] bits)
    {
        if (algorithm == RsaOid)
        {
            var rsa = new DerReader(bits).Enter(DerReader.Sequence);
            return Rsa(rsa.ReadUnsignedInteger(), rsa.ReadUnsignedInteger());
        }
        if (algorithm == EcOid && parameters is not null) return Ec(parameters, bits);
        return null;
    }

    public static string AlgorithmName(string oid) => oid switch
    {
        RsaOid => "RSA",
        EcOid => "EC",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.1" => "DSA",
        _ => oid,
    };

    private static string CurveName(string oid) => oid switch
    {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        _ => oid,
    };

    private static int BitLength(byte[] magnitude)
    {
        if (magnitude.Length == 0) return 0;
        int bits = (magnitude.Length - 1) * 8;
        for (int top = magnitude[0]; top != 0; top >>= 1) bits++;
        return bits;
    }

    private static string Hex(byte[] bytes)
    {
        var s = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes) s.Append(b.ToString("x2"));
        return s.ToString();
    }

    public bool Equals(PublicKey? other) => other is not null && other._identity == _identity;

    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    public override int GetHashCode() => _identity.GetHashCode();
}
