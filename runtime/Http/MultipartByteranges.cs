using System;
using System.Buffers;
using System.Text;

namespace EventMpm.Http;

/// <summary>
/// The body of a 206 for several ranges (RFC 9110 §14.6): each range as a part with its own
/// Content-Type and Content-Range, between boundary delimiters. Assembled in memory, which
/// <see cref="FileRules.MaxMultipartBytes"/> bounds.
/// </summary>
public static class MultipartByteranges
{
    /// <summary>Reads a range of the file into <paramref name="into"/>; false when it cannot (the file shrank).</summary>
    public delegate bool Reader(long offset, Span<byte> into);

    /// <summary>One boundary per process: random, so no file's bytes contain it by design (RFC 2046 §5.1.1 allows 70 characters).</summary>
    public static readonly string Boundary = "eventmpm-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    /// <summary>The response's Content-Type.</summary>
    public static readonly byte[] ContentType = Encoding.ASCII.GetBytes("multipart/byteranges; boundary=" + Boundary);

    /// <summary>The whole body, or null when a range could not be read.</summary>
    public static byte[]? Build(ByteRange[] ranges, long size, ReadOnlySpan<byte> contentType, Reader read)
    {
        var body = new ArrayBufferWriter<byte>();
        foreach (ByteRange range in ranges)
        {
            var part = new StringBuilder();
            part.Append("--").Append(Boundary).Append("\r\n");
            if (!contentType.IsEmpty) part.Append("Content-Type: ").Append(Encoding.ASCII.GetString(contentType)).Append("\r\n");
            part.Append("Content-Range: bytes ").Append(range.Offset).Append('-').Append(range.Offset + range.Length - 1).Append('/').Append(size).Append("\r\n\r\n");
            body.Write(Encoding.ASCII.GetBytes(part.ToString()));
            if (!read(range.Offset, body.GetSpan((int)range.Length)[..(int)range.Length])) return null;
            body.Advance((int)range.Length);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.ASCII.GetBytes("--" + Boundary + "--\r\n"));
        return body.WrittenSpan.ToArray();
    }
}
