using System;

namespace EventMpm.Http;

/// <summary>What the server knows of a file when it answers for it.</summary>
public readonly record struct FileFacts(long Size, long ModifiedSeconds, long ModifiedMicroseconds)
{
    /// <summary>The longest ETag: two 16-digit hex numbers, a dash and two quotes.</summary>
    public const int MaxETagLength = 35;

    /// <summary>httpd's default ETag (FileETag MTime Size): size and modification time in microseconds, hex.</summary>
    public int FormatETag(Span<byte> destination)
    {
        destination[0] = (byte)'"';
        System.Buffers.Text.Utf8Formatter.TryFormat(Size, destination.Slice(1), out int a, new System.Buffers.StandardFormat('x'));
        destination[1 + a] = (byte)'-';
        System.Buffers.Text.Utf8Formatter.TryFormat(ModifiedMicroseconds, destination.Slice(2 + a), out int b, new System.Buffers.StandardFormat('x'));
        destination[2 + a + b] = (byte)'"';
        return 3 + a + b;
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

    public FileValidators(in FileFacts facts)
    {
        Span<byte> buffer = stackalloc byte[FileFacts.MaxETagLength];
        ETag = buffer.Slice(0, facts.FormatETag(buffer)).ToArray();
        LastModified = buffer.Slice(0, HttpDate.Format(facts.ModifiedSeconds, buffer)).ToArray();
    }
}

/// <summary>The status and the part of the file to send, decided from the request's conditions and Range.</summary>
public readonly record struct FileAnswer(int Status, long Offset, long Length);

/// <summary>
/// Conditional requests (RFC 9110 §13.2.2, in its order) and byte ranges (§14). A single range
/// is served as 206; a request for several ranges is answered with the whole file (200), which
/// RFC 9110 §14.2 allows, rather than multipart/byteranges.
/// </summary>
public static class FileRules
{
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
        else if (getOrHead && r.IfModifiedSinceStart >= 0 && HttpDate.TryParse(head.Slice(r.IfModifiedSinceStart, r.IfModifiedSinceLength), out long modifiedSince)
                 && file.ModifiedSeconds <= modifiedSince)
        {
            return new FileAnswer(304, 0, 0);
        }

        if (r.Method == HttpMethod.Get && r.RangeStart >= 0 && IfRangeHolds(head, r, file, etag))
        {
            switch (ParseRange(head.Slice(r.RangeStart, r.RangeLength), file.Size, out long offset, out long length))
            {
                case RangeResult.Satisfiable: return new FileAnswer(206, offset, length);
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

    /// <summary>"bytes=first-last", "bytes=first-" or "bytes=-suffix"; several ranges or bad syntax: ignored.</summary>
    public static RangeResult ParseRange(ReadOnlySpan<byte> value, long size, out long offset, out long length)
    {
        offset = length = 0;
        if (!value.StartsWith("bytes="u8)) return RangeResult.Ignore;
        ReadOnlySpan<byte> spec = value.Slice(6).Trim(" \t"u8);
        if (spec.IndexOf((byte)',') >= 0) return RangeResult.Ignore;
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
