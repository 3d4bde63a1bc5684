using System;
using System.Collections.Generic;
using System.Text;
using EventMpm.Configuration;

namespace EventMpm.Http;

/// <summary>
/// mod_expires for one place (the top level's lines, then each covering &lt;Location&gt;'s, a later
/// one replacing an earlier one): a response that is not an error, whose media type has a rule
/// (its own, its major type's "type/*", or ExpiresDefault), and that has no Expires yet, gets
/// Expires and a Cache-Control max-age (added to a Cache-Control already there), counted from the
/// request (access) or from its Last-Modified (modification; nothing without one).
/// </summary>
public sealed class ExpiresPolicy
{
    private readonly (bool Modification, long Seconds)? _default;
    private readonly Dictionary<string, (bool Modification, long Seconds)> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool Modification, long Seconds)>.AlternateLookup<ReadOnlySpan<char>> _byTypeSpan;

    [ThreadStatic] private static byte[]? t_copy;

    private ExpiresPolicy(IEnumerable<ExpiresRule> rules)
    {
        _byTypeSpan = _byType.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (ExpiresRule rule in rules)
        {
            if (rule.Type is null) continue;
            if (rule.Type.Length == 0) _default = (rule.Modification, rule.Seconds);
            else _byType[rule.Type] = (rule.Modification, rule.Seconds);
        }
    }

    /// <summary>The policy of a place whose lines are <paramref name="rules"/>, in order; null when ExpiresActive is not On there.</summary>
    public static ExpiresPolicy? Of(IReadOnlyList<ExpiresRule> rules)
    {
        bool active = false;
        foreach (ExpiresRule rule in rules) if (rule.Type is null) active = rule.On;
        return active ? new ExpiresPolicy(rules) : null;
    }

    /// <summary>
    /// Adds the fields to the head's fields in <paramref name="head"/>[<paramref name="start"/>..<paramref name="end"/>)
    /// (after the status line <paramref name="head"/> begins with); the new end, or
    /// <paramref name="end"/> when no rule applies or the result would pass <paramref name="limit"/>.
    /// </summary>
    public int Apply(Span<byte> head, int start, int end, int limit, long now)
    {
        if (head.Length < 12 || head[9] >= (byte)'4') return end; // an error answer gets none (mod_expires: ap_is_HTTP_ERROR)
        ReadOnlySpan<byte> fields = head.Slice(start, end - start);
        ReadOnlySpan<byte> type = default, lastModified = default, cacheControl = default;
        for (ReadOnlySpan<byte> rest = fields; rest.Length > 0;)
        {
            int eol = rest.IndexOf("\r\n"u8);
            if (eol < 0) break;
            ReadOnlySpan<byte> line = rest.Slice(0, eol);
            rest = rest.Slice(eol + 2);
            int colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            ReadOnlySpan<byte> name = line.Slice(0, colon), value = line.Slice(colon + 1).Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Expires"u8)) return end; // set by whoever made the answer: left as it is
            if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8)) type = value;
            else if (Ascii.EqualsIgnoreCase(name, "Last-Modified"u8)) lastModified = value;
            else if (Ascii.EqualsIgnoreCase(name, "Cache-Control"u8)) cacheControl = value;
        }
        if (Rule(type) is not var (modification, seconds)) return end;
        long from = now;
        if (modification && !HttpDate.TryParse(lastModified, out from)) return end;
        long expires = from + seconds;

        // The fields again without Cache-Control, then Cache-Control (with max-age added) and Expires.
        byte[] copy = t_copy is { } c && c.Length >= fields.Length ? c : t_copy = new byte[Math.Max(fields.Length, 16 * 1024)];
        fields.CopyTo(copy);
        var w = new HeadWriter(head.Slice(0, limit));
        w.SetLength(start);
        if (w.Length + fields.Length + cacheControl.Length + 80 > limit) return end;
        for (ReadOnlySpan<byte> rest = copy.AsSpan(0, fields.Length); rest.Length > 0;)
        {
            int eol = rest.IndexOf("\r\n"u8);
            if (eol < 0) break;
            ReadOnlySpan<byte> line = rest.Slice(0, eol + 2);
            rest = rest.Slice(eol + 2);
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || !Ascii.EqualsIgnoreCase(line.Slice(0, colon), "Cache-Control"u8)) w.Append(line);
        }
        w.Append("Cache-Control: "u8);
        if (cacheControl.Length > 0)
        {
            w.Append(copy.AsSpan(Offset(fields, cacheControl), cacheControl.Length)); // the value as it was (the head is being rewritten)
            w.Append(", "u8);
        }
        w.Append("max-age="u8);
        w.Number(Math.Max(0, expires - now));
        w.Append("\r\nExpires: "u8);
        Span<byte> date = stackalloc byte[32];
        w.Append(date.Slice(0, HttpDate.Format(expires, date)));
        w.Append("\r\n"u8);
        return w.Length;
    }

    /// <summary>The rule for a Content-Type (its parameters and case aside): its own, its major type's, or the default; looked up without a string.</summary>
    private (bool Modification, long Seconds)? Rule(ReadOnlySpan<byte> contentType)
    {
        int semicolon = contentType.IndexOf((byte)';');
        ReadOnlySpan<byte> bare = (semicolon < 0 ? contentType : contentType.Slice(0, semicolon)).Trim(" \t"u8);
        if (bare.IsEmpty || bare.Length > 126) return _default;
        Span<char> type = stackalloc char[bare.Length + 2];
        for (int i = 0; i < bare.Length; i++) type[i] = (char)(bare[i] is >= (byte)'A' and <= (byte)'Z' ? bare[i] + 32 : bare[i]);
        if (_byTypeSpan.TryGetValue(type.Slice(0, bare.Length), out var exact)) return exact;
        int slash = bare.IndexOf((byte)'/');
        if (slash <= 0) return _default;
        type[slash + 1] = '*';
        return _byTypeSpan.TryGetValue(type.Slice(0, slash + 2), out var major) ? major : _default;
    }

    /// <summary>Where <paramref name="part"/> (a slice of <paramref name="whole"/>) begins in it.</summary>
    private static unsafe int Offset(ReadOnlySpan<byte> whole, ReadOnlySpan<byte> part)
    {
        fixed (byte* w = whole)
        fixed (byte* p = part) return (int)(p - w);
    }
}
