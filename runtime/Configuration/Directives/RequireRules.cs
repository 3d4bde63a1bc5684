using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EventMpm.Configuration.Directives;

/// <summary>
/// mod_authz_core and mod_authz_host's <c>Require</c> inside a <c>&lt;Location&gt;</c>:
/// <c>Require all granted|denied</c>, <c>Require local</c>, <c>Require ip addr...</c> where an
/// address is a full IPv4 or IPv6 address, a partial IPv4 address ("10.1"), a network/netmask
/// ("10.1.0.0/255.255.0.0") or a CIDR prefix ("10.1.0.0/16", "2001:db8::/32"). Several Require
/// lines in one section are httpd's implicit &lt;RequireAny&gt;: one that grants is enough.
/// Checked at build time; read into matchers at start. Every address is held as 16 bytes,
/// IPv4 mapped into IPv6 (::ffff:a.b.c.d), so one comparison serves both families.
/// </summary>
public sealed class RequireRules
{
    private readonly List<(byte[] Network, int Bits)> _networks = new();
    private bool _all;

    private RequireRules()
    {
    }

    /// <summary>Reads the rules of a section, one Require line per line of text (as the configuration compiler stores them).</summary>
    public static RequireRules Parse(string lines)
    {
        var rules = new RequireRules();
        foreach (string line in lines.Split('\n'))
        {
            if (line.Length == 0) continue;
            string[] words = line.Split(' ');
            string? problem = rules.Add(words);
            if (problem is not null) throw new FormatException(problem);
        }
        return rules;
    }

    /// <summary>Null when the Require line is understood (and adds its rule), else what is wrong with it.</summary>
    public static string? Check(IReadOnlyList<string> words) => new RequireRules().Add(words);

    /// <summary>Whether a client at this address (16 bytes, IPv4 mapped) may have the resource.</summary>
    public bool Allows(byte[] address16)
    {
        if (_all) return true;
        foreach (var (network, bits) in _networks)
        {
            if (Matches(address16, network, bits)) return true;
        }
        return false;
    }

    private string? Add(IReadOnlyList<string> words)
    {
        string kind = words.Count > 0 ? words[0].ToLowerInvariant() : "";
        switch (kind)
        {
            case "all":
                if (words.Count != 2) return "Require all takes one argument, granted or denied";
                string what = words[1].ToLowerInvariant();
                if (what == "granted") _all = true;
                else if (what != "denied") return "Require all: '" + words[1] + "' is neither granted nor denied";
                return null;
            case "local":
                if (words.Count != 1) return "Require local takes no arguments";
                _networks.Add((Mapped(new byte[] { 127, 0, 0, 0 }), 96 + 8));
                _networks.Add((IPAddress.IPv6Loopback.GetAddressBytes(), 128));
                return null;
            case "ip":
                if (words.Count < 2) return "Require ip needs at least one address or network";
                for (int i = 1; i < words.Count; i++)
                {
                    if (ParseNetwork(words[i]) is not var (network, bits)) return "Require ip: '" + words[i] + "' is not an IP address, a partial IPv4 address, network/netmask or network/prefix";
                    _networks.Add((network, bits));
                }
                return null;
            case "not":
                return "Require not is allowed only inside <RequireAll>, which EventMpm does not support; list the addresses to grant instead";
            default:
                return "Require " + (words.Count > 0 ? words[0] : "") + ": EventMpm knows 'all granted', 'all denied', 'local' and 'ip'";
        }
    }

    /// <summary>An address or network as 16 bytes and a prefix length in IPv6 terms.</summary>
    private static (byte[] Network, int Bits)? ParseNetwork(string text)
    {
        int slash = text.IndexOf('/');
        string address = slash < 0 ? text : text.Substring(0, slash);
        string? suffix = slash < 0 ? null : text.Substring(slash + 1);

        if (address.IndexOf(':') >= 0)
        {
            if (!IPAddress.TryParse(address, out IPAddress? v6) || v6.AddressFamily != AddressFamily.InterNetworkV6) return null;
            int bits = 128;
            if (suffix is not null && (!int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits > 128)) return null;
            return (Masked(v6.GetAddressBytes(), bits), bits);
        }

        // IPv4: a partial address ("10.1") names the network of the octets given.
        string[] parts = address.Split('.');
        if (parts.Length > 4 || (suffix is not null && parts.Length != 4)) return null;
        var octets = new byte[4];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out octets[i])) return null;
        }
        int prefix = parts.Length * 8;
        if (suffix is not null)
        {
            if (suffix.IndexOf('.') >= 0)
            {
                if (!IPAddress.TryParse(suffix, out IPAddress? mask) || mask.AddressFamily != AddressFamily.InterNetwork) return null;
                prefix = ContiguousBits(mask.GetAddressBytes());
                if (prefix < 0) return null;
            }
            else if (!int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > 32)
            {
                return null;
            }
        }
        return (Masked(Mapped(octets), 96 + prefix), 96 + prefix);
    }

    /// <summary>The prefix length of a netmask such as 255.255.240.0, or -1 when its ones are not contiguous.</summary>
    private static int ContiguousBits(byte[] mask)
    {
        uint m = (uint)(mask[0] << 24 | mask[1] << 16 | mask[2] << 8 | mask[3]);
        int bits = 0;
        while (bits < 32 && (m & (0x8000_0000u >> bits)) != 0) bits++;
        return bits == 32 || (m << bits) == 0 ? bits : -1;
    }

    /// <summary>::ffff:a.b.c.d</summary>
    public static byte[] Mapped(byte[] v4)
    {
        var result = new byte[16];
        result[10] = 0xff;
        result[11] = 0xff;
        Array.Copy(v4, 0, result, 12, 4);
        return result;
    }

    private static byte[] Masked(byte[] address, int bits)
    {
        var result = (byte[])address.Clone();
        for (int i = 0; i < 16; i++)
        {
            int keep = Math.Max(0, Math.Min(8, bits - i * 8));
            result[i] &= (byte)(0xff << (8 - keep));
        }
        return result;
    }

    private static bool Matches(byte[] address, byte[] network, int bits)
    {
        for (int i = 0; i < 16 && bits > 0; i++, bits -= 8)
        {
            int mask = 0xff << (8 - Math.Min(8, bits)) & 0xff;
            if ((address[i] & mask) != network[i]) return false;
        }
        return true;
    }
}
