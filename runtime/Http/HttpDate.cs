using System;
using System.Globalization;
using System.Text;

namespace EventMpm.Http;

/// <summary>HTTP dates (RFC 9110 §5.6.7): written as IMF-fixdate, read in all three historical forms.</summary>
public static class HttpDate
{
    private static readonly string[] s_formats =
    {
        "r",                                    // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",      // obsolete RFC 850 form
        "ddd MMM d HH:mm:ss yyyy",              // obsolete asctime() form
    };

    /// <summary>Writes <paramref name="seconds"/> (Unix time) as IMF-fixdate; always 29 bytes.</summary>
    public static int Format(long seconds, Span<byte> destination)
        => Encoding.ASCII.GetBytes(DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("r", CultureInfo.InvariantCulture), destination);

    public static bool TryParse(ReadOnlySpan<byte> value, out long seconds)
    {
        seconds = 0;
        if (value.Length == 0 || value.Length > 64) return false;
        Span<char> chars = stackalloc char[value.Length];
        for (int i = 0; i < value.Length; i++) chars[i] = (char)value[i];
        if (!DateTimeOffset.TryParseExact(chars, s_formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out DateTimeOffset date)) return false;
        seconds = date.ToUnixTimeSeconds();
        return true;
    }
}

/// <summary>
/// The Date header's value, formatted once a second and shared by every worker (as Kestrel's
/// DateHeaderValueManager); readers take a snapshot, so no lock is needed.
/// </summary>
public static class DateCache
{
    private sealed class Entry(long second, byte[] value)
    {
        public readonly long Second = second;
        public readonly byte[] Value = value;
    }

    private static Entry s_current = new(-1, new byte[29]);

    public static ReadOnlySpan<byte> Now
    {
        get
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Entry e = s_current;
            if (e.Second == now) return e.Value;
            var value = new byte[29];
            HttpDate.Format(now, value);
            s_current = new Entry(now, value);
            return value;
        }
    }
}
