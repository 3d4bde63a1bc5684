using System;
using System.Text;

namespace EventMpm.Http;

/// <summary>
/// Turns a request target into a path under DocumentRoot that cannot leave it: the query is
/// dropped, %XX is decoded once (so %252e stays a literal "%2e"), the bytes must be valid UTF-8
/// (overlong forms are invalid), NUL is refused, and "." and ".." segments are resolved, with a
/// ".." above the root refused. Backslashes are ordinary characters on Linux. Relative symbolic
/// links are followed only while they stay beneath DocumentRoot (the kernel checks, see DocumentRoot.cs).
/// </summary>
public static class RequestPath
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <returns>0 and the relative path ("" for the root), or the status to answer (400, 404).</returns>
    public static int Resolve(ReadOnlySpan<byte> target, out string relative, out bool trailingSlash)
    {
        relative = "";
        trailingSlash = false;
        if (target.Length > 0 && target[0] != (byte)'/')
        {
            // absolute-form: drop "scheme://authority"
            int scheme = target.IndexOf("://"u8);
            if (scheme < 0) return 400;
            ReadOnlySpan<byte> rest = target.Slice(scheme + 3);
            int slash = rest.IndexOf((byte)'/');
            target = slash < 0 ? "/"u8 : rest.Slice(slash);
        }
        int query = target.IndexOf((byte)'?');
        if (query >= 0) target = target.Slice(0, query);
        if (target.IsEmpty || target[0] != (byte)'/') return 400;
        if (IsPlain(target))
        {
            // The common case: nothing to decode or resolve, one string and no other allocation.
            trailingSlash = target[^1] == (byte)'/';
            ReadOnlySpan<byte> inner = target.Slice(1, target.Length - (trailingSlash && target.Length > 1 ? 2 : 1));
            relative = System.Text.Encoding.ASCII.GetString(inner);
            return 0;
        }

        Span<byte> decoded = target.Length <= 1024 ? stackalloc byte[target.Length] : new byte[target.Length];
        int n = 0;
        for (int i = 0; i < target.Length; i++)
        {
            byte b = target[i];
            // Raw control bytes never reach here from the parser; refused anyway, so this check
            // stands on its own (the fuzz test found a raw NUL passing through).
            if (b < 0x20 || b == 0x7f) return 400;
            if (b == (byte)'%')
            {
                if (i + 2 >= target.Length || !TryHex(target[i + 1], out int hi) || !TryHex(target[i + 2], out int lo)) return 400;
                b = (byte)(hi * 16 + lo);
                i += 2;
                if (b == 0) return 404; // httpd answers %00 with 404
            }
            decoded[n++] = b;
        }
        string path;
        try
        {
            path = s_strictUtf8.GetString(decoded.Slice(0, n));
        }
        catch (DecoderFallbackException)
        {
            return 400;
        }

        var result = new StringBuilder(path.Length);
        int depth = 0;
        var starts = new System.Collections.Generic.List<int>();
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (depth == 0) return 400; // above DocumentRoot
                depth--;
                result.Length = starts[depth];
                starts.RemoveAt(depth);
                continue;
            }
            starts.Add(result.Length);
            if (result.Length > 0) result.Append('/');
            result.Append(segment);
            depth++;
        }
        relative = result.ToString();
        trailingSlash = path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal);
        return 0;
    }

    /// <summary>
    /// Appends a decoded path encoded again for a URL (util.c: ap_os_escape_path()): its UTF-8
    /// bytes, those outside the unreserved and sub-delimiter characters, ':', '@' and '/' as %XX.
    /// </summary>
    public static void Escape(string path, System.Text.StringBuilder to)
    {
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(path))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                || "-._~!$&'()*+,;=:@/".IndexOf((char)b) >= 0)
            {
                to.Append((char)b);
            }
            else
            {
                to.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 15]);
            }
        }
    }

    /// <summary>Printable ASCII with no escapes, no empty segments and no segment starting with a dot.</summary>
    public static bool IsPlain(ReadOnlySpan<byte> target)
    {
        for (int i = 0; i < target.Length; i++)
        {
            byte b = target[i];
            if (b <= 0x20 || b >= 0x7f || b == (byte)'%') return false;
            if (b == (byte)'/' && i + 1 < target.Length && (target[i + 1] == (byte)'/' || target[i + 1] == (byte)'.')) return false;
        }
        return true;
    }

    private static bool TryHex(byte b, out int value)
    {
        value = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
        return value >= 0;
    }
}
