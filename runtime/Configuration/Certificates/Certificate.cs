using System;
using System.Collections.Generic;
using System.Text;

namespace EventMpm.Configuration.Certificates;

/// <summary>
/// What the checks need of an X.509 certificate (RFC 5280 §4.1): issuer and subject (compared
/// as encoded, which is how a chain links), the validity dates, the names it is for, its key.
/// </summary>
internal sealed class Certificate
{
    private const string CommonNameOid = "2.5.4.3";
    private const string SubjectAltNameOid = "2.5.29.17";

    private Certificate(byte[] issuer, byte[] subject, DateTime notBefore, DateTime notAfter, string? commonName,
        List<string> dnsNames, List<string> ipAddresses, string keyAlgorithm, PublicKey? key)
    {
        Issuer = issuer;
        Subject = subject;
        NotBefore = notBefore;
        NotAfter = notAfter;
        CommonName = commonName;
        DnsNames = dnsNames;
        IpAddresses = ipAddresses;
        KeyAlgorithm = keyAlgorithm;
        Key = key;
    }

    public byte[] Issuer { get; }

    public byte[] Subject { get; }

    public DateTime NotBefore { get; }

    public DateTime NotAfter { get; }

    public string? CommonName { get; }

    /// <summary>subjectAltName's dNSName entries, lower-cased.</summary>
    public List<string> DnsNames { get; }

    /// <summary>subjectAltName's iPAddress entries, in text form.</summary>
    public List<string> IpAddresses { get; }

    public string KeyAlgorithm { get; }

    /// <summary>Null when its algorithm is not one the checks compare.</summary>
    public PublicKey? Key { get; }

    public bool IsSelfIssued => ByteEquals(Issuer, Subject);

    /// <summary>"CN=www.example.com" or, without a common name, the first DNS name: how messages name it.</summary>
    public string Name => CommonName is not null ? "CN=" + CommonName : DnsNames.Count > 0 ? DnsNames[0] : "(no subject name)";

    /// <exception cref="FormatException">DER that is not a certificate.</exception>
    public static Certificate Parse(byte[] der)
    {
        var certificate = new DerReader(der).Enter(DerReader.Sequence);
        var tbs = certificate.Enter(DerReader.Sequence);
        if (tbs.PeekTag() == DerReader.Context(0, constructed: true)) tbs.Skip();
        tbs.Skip(); // serialNumber
        tbs.Skip(); // signature algorithm
        byte[] issuer = tbs.ReadEncoded(DerReader.Sequence);
        var validity = tbs.Enter(DerReader.Sequence);
        DateTime notBefore = validity.ReadTime();
        DateTime notAfter = validity.ReadTime();
        byte[] subject = tbs.ReadEncoded(DerReader.Sequence);
        var spki = tbs.Enter(DerReader.Sequence);
        var algorithm = spki.Enter(DerReader.Sequence);
        string keyOid = algorithm.ReadObjectIdentifier();
        string? parameters = algorithm.HasMore && algorithm.PeekTag() == DerReader.ObjectIdentifier ? algorithm.ReadObjectIdentifier() : null;
        byte[] keyBits = spki.ReadBitString();

        var dns = new List<string>();
        var ips = new List<string>();
        while (tbs.HasMore)
        {
            if (tbs.PeekTag() != DerReader.Context(3, constructed: true))
            {
                tbs.Skip();
                continue;
            }
            var extensions = tbs.Enter(DerReader.Context(3, constructed: true)).Enter(DerReader.Sequence);
            while (extensions.HasMore)
            {
                var extension = extensions.Enter(DerReader.Sequence);
                string oid = extension.ReadObjectIdentifier();
                if (extension.PeekTag() == 0x01) extension.Skip(); // critical
                byte[] value = extension.ReadBytes(DerReader.OctetString);
                if (oid == SubjectAltNameOid) ReadAltNames(value, dns, ips);
            }
        }
        return new Certificate(issuer, subject, notBefore, notAfter, FindCommonName(subject), dns, ips,
            PublicKey.AlgorithmName(keyOid), PublicKey.FromSubjectPublicKeyInfo(keyOid, parameters, keyBits));
    }

    /// <summary>
    /// Whether this certificate is for <paramref name="host"/>, as a client checks it (RFC 6125
    /// §6.4): the subjectAltName's names when there are any, else the common name; a wildcard
    /// stands for exactly one leftmost label.
    /// </summary>
    public bool Covers(string host)
    {
        string wanted = host.ToLowerInvariant().TrimEnd('.');
        if (IpAddresses.Contains(wanted)) return true;
        var names = DnsNames.Count > 0 || IpAddresses.Count > 0 ? DnsNames : CommonName is null ? new List<string>() : new List<string> { CommonName.ToLowerInvariant() };
        foreach (string name in names)
        {
            if (name == wanted) return true;
            if (name.StartsWith("*.", StringComparison.Ordinal))
            {
                int dot = wanted.IndexOf('.');
                if (dot > 0 && wanted.Substring(dot) == name.Substring(1)) return true;
            }
        }
        return false;
    }

    /// <summary>The names a client would accept, for messages.</summary>
    public string NamesForMessage()
    {
        var all = new List<string>(DnsNames);
        all.AddRange(IpAddresses);
        if (all.Count == 0 && CommonName is not null) all.Add(CommonName);
        return all.Count == 0 ? "none" : string.Join(", ", all);
    }

    private static void ReadAltNames(byte[] value, List<string> dns, List<string> ips)
    {
        var names = new DerReader(value).Enter(DerReader.Sequence);
        while (names.HasMore)
        {
            byte tag = names.PeekTag();
            if (tag == DerReader.Context(2, constructed: false)) dns.Add(Encoding.ASCII.GetString(names.ReadBytes(tag)).ToLowerInvariant());
            else if (tag == DerReader.Context(7, constructed: false)) ips.Add(IpText(names.ReadBytes(tag)));
            else names.Skip();
        }
    }

    private static string IpText(byte[] address)
    {
        if (address.Length == 4) return address[0] + "." + address[1] + "." + address[2] + "." + address[3];
        var groups = new List<string>();
        for (int i = 0; i + 1 < address.Length; i += 2) groups.Add(((address[i] << 8) | address[i + 1]).ToString("x"));
        return string.Join(":", groups);
    }

    private static string? FindCommonName(byte[] name)
    {
        string? found = null;
        var rdns = new DerReader(name).Enter(DerReader.Sequence);
        while (rdns.HasMore)
        {
            var set = rdns.Enter(DerReader.Set);
            while (set.HasMore)
            {
                var attribute = set.Enter(DerReader.Sequence);
                if (attribute.ReadObjectIdentifier() != CommonNameOid) continue;
                byte tag = attribute.PeekTag();
                found = Encoding.UTF8.GetString(attribute.ReadBytes(tag));
            }
        }
        return found;
    }

    private static bool ByteEquals(byte[] a, byte[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
        return true;
    }

    public bool IssuedBy(Certificate other) => ByteEquals(Issuer, other.Subject);
}
