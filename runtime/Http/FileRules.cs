using System;

namespace EventMpm.Http;

/// <summary>What the server knows of a file when it answers for it.</summary>
public readonly record struct FileFacts(long Size, long ModifiedSeconds, long ModifiedMicroseconds)
{
    /// <summary>The longest ETag: two 16-digit hex numbers, a dash and two quotes.</summary>
    public const int MaxETagLength = 35;

    /// <summary>FileETag's parts: the modification time, the size (httpd's default is both; none: no ETag).</summary>
    public const int ETagMTime = 1, ETagSize = 2, ETagDefault = ETagMTime | ETagSize;

    /// <summary>
    /// The ETag FileETag's <paramref name="parts"/> make (util_etag.c: ap_make_etag()): the size
    /// and the modification time in microseconds, hex, those asked for joined by '-'; empty for none.
    /// </summary>
    public int FormatETag(Span<byte> destination, int parts = ETagDefault)
    {
        if (parts == 0) return 0;
        int at = 1;
        destination[0] = (byte)'"';
        if ((parts & ETagSize) != 0)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat(Size, destination.Slice(at), out int a, new System.Buffers.StandardFormat('x'));
            at += a;
        }
        if ((parts & ETagMTime) != 0)
        {
            if (at > 1) destination[at++] = (byte)'-';
            System.Buffers.Text.Utf8Formatter.TryFormat(ModifiedMicroseconds, destination.Slice(at), out int b, new System.Buffers.StandardFormat('x'));
            at += b;
        }
        destination[at] = (byte)'"';
        return at + 1;
    }
}

/// <summary>
/// A file's validators as they go out: the ETag and the Last-Modified date. Formatted once per
/// cached file instead of twice per request (the conditions and the head).
/// </summary>
public sealed class FileValidators
{
    public readonly byte[] ETag;
    public readonly byte[] LastModified;

    /// <param name="etagParts">FileETag's parts (<see cref="FileFacts.ETagDefault"/>; 0: no ETag).</param>
    public FileValidators(in FileFacts facts, int etagParts = FileFacts.ETagDefault)
    {
        Span<byte> buffer = stackalloc byte[FileFacts.MaxETagLength];
        ETag = buffer.Slice(0, facts.FormatETag(buffer, etagParts)).ToArray();
        LastModified = buffer.Slice(0, HttpDate.Format(facts.ModifiedSeconds, buffer)).ToArray();
    }
}

/// <summary>The status and the part of the file to send, decided from the request's conditions and Range.</summary>
/// <param name="Ranges">For a 206 of several ranges (multipart/byteranges): each range, in order; <paramref name="Length"/> is their sum.</param>
public readonly record struct FileAnswer(int Status, long Offset, long Length, ByteRange[]? Ranges = null);

/// <summary>One satisfiable range of a file.</summary>
public readonly record struct ByteRange(long Offset, long Length);

/// <summary>
/// Conditional requests (RFC 9110 §13.2.2, in its order) and byte ranges (§14). A single range
/// is served as 206; several as one 206 of multipart/byteranges (§14.6), after overlapping and
/// adjacent ranges are merged (§14.3 lets a server coalesce them; httpd has merged them since
/// CVE-2011-3192, where 1,000 overlapping ranges made one request cost gigabytes). More than
/// <see cref="MaxRanges"/> ranges, or more than <see cref="MaxMultipartBytes"/> in all, and the
/// Range field is ignored: the whole file, 200, as §14.2 allows.
/// </summary>
public static class FileRules
{
    /// <summary>httpd's MaxRanges default: more ranges than this in one request and the whole file is sent.</summary>
    public const int MaxRanges = 200;

    /// <summary>The most a multipart/byteranges answer carries: it is assembled in memory, so it is bounded.</summary>
    public const long MaxMultipartBytes = 1 << 20;

    /// <summary>The answer for <paramref name="file"/>, whose ETag the caller formatted (a cached file's, once).</summary>
    public static FileAnswer Decide(ReadOnlySpan<byte> head, HttpRequest r, in FileFacts file, ReadOnlySpan<byte> etag)
    {
        bool getOrHead = r.Method is HttpMethod.Get or HttpMethod.Head;
        if (r.IfMatchStart >= 0)
        {
            if (!MatchesAny(head.Slice(r.IfMatchStart, r.IfMatchLength), etag, weak: false)) return new FileAnswer(412, 0, 0);
        }
        else if (r.IfUnmodifiedSinceStart >= 0 && HttpDate.TryParse(head.Slice(r.IfUnmodifiedSinceStart, r.IfUnmodifiedSinceLength), out long since)
                 && file.ModifiedSeconds > since)
        {
            return new FileAnswer(412, 0, 0);
        }
        if (r.IfNoneMatchStart >= 0)
        {
            if (MatchesAny(head.Slice(r.IfNoneMatchStart, r.IfNoneMatchLength), etag, weak: true))
                return new FileAnswer(getOrHead ? 304 : 412, 0, 0);
        }
        // If-Modified-Since with a date later than now is invalid and ignored (RFC 9110 §13.1.3).
        else if (getOrHead && r.IfModifiedSinceStart >= 0 && HttpDate.TryParse(head.Slice(r.IfModifiedSinceStart, r.IfModifiedSinceLength), out long modifiedSince)
                 && file.ModifiedSeconds <= modifiedSince && modifiedSince <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            return new FileAnswer(304, 0, 0);
        }

        if (r.Method == HttpMethod.Get && r.RangeStart >= 0 && IfRangeHolds(head, r, file, etag))
        {
            ReadOnlySpan<byte> range = head.Slice(r.RangeStart, r.RangeLength);
            switch (ParseRanges(range, file.Size, out ByteRange one, out ByteRange[]? ranges))
            {
                case RangeResult.Satisfiable when ranges is null: return new FileAnswer(206, one.Offset, one.Length);
                case RangeResult.Satisfiable: return new FileAnswer(206, 0, Total(ranges), ranges);
                case RangeResult.Unsatisfiable: return new FileAnswer(416, 0, 0);
            }
        }
        return new FileAnswer(200, 0, file.Size);
    }

    private static bool IfRangeHolds(ReadOnlySpan<byte> head, HttpRequest r, in FileFacts file, ReadOnlySpan<byte> etag)
    {
        if (r.IfRangeStart < 0) return true;
        ReadOnlySpan<byte> value = head.Slice(r.IfRangeStart, r.IfRangeLength);
        if (value.Length > 0 && (value[0] == (byte)'"' || value.StartsWith("W/"u8))) return StrongEquals(value, etag);
        return HttpDate.TryParse(value, out long date) && date == file.ModifiedSeconds;
    }

    public enum RangeResult { Ignore, Satisfiable, Unsatisfiable }

    /// <summary>
    /// "bytes=" and a comma-separated list of ranges: the satisfiable ones, sorted and merged where
    /// they overlap or touch. Bad syntax anywhere, too many ranges or too many bytes: ignored.
    /// None satisfiable: unsatisfiable (416). One range, the common request (a download resumed,
    /// a video sought), comes back in <paramref name="one"/> without allocating; several in
    /// <paramref name="ranges"/>.
    /// </summary>
    public static RangeResult ParseRanges(ReadOnlySpan<byte> value, long size, out ByteRange one, out ByteRange[]? ranges)
    {
        one = default;
        ranges = null;
        if (!value.StartsWith("bytes="u8)) return RangeResult.Ignore;
        if (value.IndexOf((byte)',') < 0)
        {
            RangeResult single = ParseRange(value.Slice(6).Trim(" \t"u8), size, out long offset, out long length);
            one = new ByteRange(offset, length);
            return single;
        }
        var found = new System.Collections.Generic.List<ByteRange>();
        int specs = 0;
        foreach (Range part in value.Slice(6).Split((byte)','))
        {
            ReadOnlySpan<byte> spec = value.Slice(6)[part].Trim(" \t"u8);
            if (spec.IsEmpty) continue; // "a, , b": empty list elements are allowed (RFC 9110 §5.6.1)
            if (++specs > MaxRanges) return RangeResult.Ignore;
            switch (ParseRange(spec, size, out long offset, out long length))
            {
                case RangeResult.Ignore: return RangeResult.Ignore;
                case RangeResult.Satisfiable: found.Add(new ByteRange(offset, length)); break;
            }
        }
        if (specs == 0) return RangeResult.Ignore;
        if (found.Count == 0) return RangeResult.Unsatisfiable;
        found.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        var merged = new System.Collections.Generic.List<ByteRange> { found[0] };
        for (int i = 1; i < found.Count; i++)
        {
            ByteRange last = merged[^1], next = found[i];
            long end = last.Offset + last.Length;
            if (next.Offset <= end) merged[^1] = last with { Length = Math.Max(end, next.Offset + next.Length) - last.Offset };
            else merged.Add(next);
        }
        if (merged.Count == 1)
        {
            one = merged[0];
            return RangeResult.Satisfiable;
        }
        ranges = merged.ToArray();
        return Total(ranges) > MaxMultipartBytes ? RangeResult.Ignore : RangeResult.Satisfiable;
    }

    private static long Total(ByteRange[] ranges)
    {
        long total = 0;
        foreach (ByteRange r in ranges) total += r.Length;
        return total;
    }

    /// <summary>One range: "first-last", "first-" or "-suffix"; bad syntax: ignored.</summary>
    private static RangeResult ParseRange(ReadOnlySpan<byte> spec, long size, out long offset, out long length)
    {
        offset = length = 0;
        int dash = spec.IndexOf((byte)'-');
        if (dash < 0) return RangeResult.Ignore;
        ReadOnlySpan<byte> first = spec.Slice(0, dash), last = spec.Slice(dash + 1);
        if (first.IsEmpty)
        {
            if (!TryNumber(last, out long suffix)) return RangeResult.Ignore;
            if (suffix == 0 || size == 0) return RangeResult.Unsatisfiable;
            length = Math.Min(suffix, size);
            offset = size - length;
            return RangeResult.Satisfiable;
        }
        if (!TryNumber(first, out long start)) return RangeResult.Ignore;
        long end = size - 1;
        if (!last.IsEmpty)
        {
            if (!TryNumber(last, out end) || end < start) return RangeResult.Ignore;
            end = Math.Min(end, size - 1);
        }
        if (start >= size) return RangeResult.Unsatisfiable;
        offset = start;
        length = end - start + 1;
        return RangeResult.Satisfiable;
    }

    private static bool TryNumber(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18) return false;
        foreach (byte b in digits)
        {
            if (b < '0' || b > '9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>Whether a list of entity-tags (or "*") contains <paramref name="etag"/>.</summary>
    private static bool MatchesAny(ReadOnlySpan<byte> list, ReadOnlySpan<byte> etag, bool weak)
    {
        if (list.Trim(" \t"u8).SequenceEqual("*"u8)) return true;
        while (!list.IsEmpty)
        {
            int comma = list.IndexOf((byte)',');
            ReadOnlySpan<byte> tag = (comma < 0 ? list : list.Slice(0, comma)).Trim(" \t"u8);
            if (weak ? WeakEquals(tag, etag) : StrongEquals(tag, etag)) return true;
            list = comma < 0 ? default : list.Slice(comma + 1);
        }
        return false;
    }

    private static bool StrongEquals(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> etag) => !tag.StartsWith("W/"u8) && tag.SequenceEqual(etag);

    private static bool WeakEquals(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> etag) => (tag.StartsWith("W/"u8) ? tag.Slice(2) : tag).SequenceEqual(etag);
}
