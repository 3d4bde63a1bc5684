using System;
using System.Text;

namespace EventMpm.Http;

/// <summary>How a backend's response body ends (RFC 9112 §6.3).</summary>
public enum ResponseFraming : byte
{
    /// <summary>No body: HEAD, 1xx, 204, 304.</summary>
    None,
    ContentLength,
    Chunked,
    /// <summary>Neither length nor chunked: the body is what comes until the backend closes.</summary>
    UntilClose,
}

/// <summary>
/// A backend's response head, parsed strictly (a proxy must not pass on what it cannot frame):
/// the status line, each field's place, and what decides the body's framing and whether the
/// backend connection may be used again. Offsets point into the buffer it was parsed from.
/// </summary>
public sealed class BackendResponse
{
    public int Status;
    public int Minor;
    public int HeadLength;
    /// <summary>Where the reason phrase is (after "HTTP/1.x NNN ").</summary>
    public int ReasonStart, ReasonLength;
    /// <summary>Where the fields are: from the end of the status line to the blank line.</summary>
    public int FieldsStart, FieldsEnd;
    public ResponseFraming Framing;
    public long ContentLength;
    /// <summary>The backend said it closes (Connection: close, or HTTP/1.0 without keep-alive).</summary>
    public bool Closes;
    /// <summary>Keep-Alive: timeout= in seconds, or 0 when not said.</summary>
    public int KeepAliveTimeout;

    /// <summary>
    /// Parses a head from the start of <paramref name="buffer"/>: 1 when whole, 0 when more is
    /// needed, -1 when malformed (502). <paramref name="requestMethodHead"/>: the request was HEAD,
    /// so no body follows whatever the fields say.
    /// </summary>
    public int Parse(ReadOnlySpan<byte> buffer, bool requestMethodHead)
    {
        int end = buffer.IndexOf("\r\n\r\n"u8);
        if (end < 0) return buffer.Length >= 65536 - 4 ? -1 : 0;
        HeadLength = end + 4;
        int lineEnd = buffer.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> line = buffer.Slice(0, lineEnd);
        // HTTP-version SP 3DIGIT SP [reason] (RFC 9112 §4); some servers leave out the space after the code.
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' ') return -1;
        if (line[7] != (byte)'0' && line[7] != (byte)'1') return -1;
        Minor = line[7] - '0';
        Status = 0;
        for (int i = 9; i < 12; i++)
        {
            if (line[i] < (byte)'0' || line[i] > (byte)'9') return -1;
            Status = Status * 10 + (line[i] - '0');
        }
        if (Status < 100 || (line.Length > 12 && line[12] != (byte)' ')) return -1;
        ReasonStart = Math.Min(13, line.Length);
        ReasonLength = line.Length - ReasonStart;
        FieldsStart = lineEnd + 2;
        FieldsEnd = end + 2;

        bool chunked = false, hasLength = false, keepAlive = false, close = false;
        ContentLength = 0;
        KeepAliveTimeout = 0;
        for (int at = FieldsStart; at < FieldsEnd;)
        {
            int next = buffer.Slice(at).IndexOf("\r\n"u8);
            ReadOnlySpan<byte> field = buffer.Slice(at, next);
            at += next + 2;
            if (field.Length == 0 || field[0] == (byte)' ' || field[0] == (byte)'\t') return -1; // obs-fold
            int colon = field.IndexOf((byte)':');
            if (colon <= 0) return -1;
            ReadOnlySpan<byte> name = field.Slice(0, colon);
            foreach (byte b in name) if (b <= 0x20 || b >= 0x7f || b == (byte)':') return -1;
            ReadOnlySpan<byte> value = field.Slice(colon + 1).Trim(" \t"u8);
            foreach (byte b in value) if ((b < 0x20 && b != (byte)'\t') || b == 0x7f) return -1;
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!TryLength(value, out long length) || (hasLength && length != ContentLength)) return -1;
                hasLength = true;
                ContentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // Codings in order; chunked must be the last (RFC 9112 §6.1).
                foreach (Range r in value.Split((byte)','))
                {
                    ReadOnlySpan<byte> coding = value[r].Trim(" \t"u8);
                    if (coding.Length == 0) continue;
                    if (chunked) return -1; // something after chunked
                    if (Ascii.EqualsIgnoreCase(coding, "chunked"u8)) chunked = true;
                    else return -1; // a transfer coding the client was never offered (TE is hop-by-hop), which the proxy does not decode

                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (Range r in value.Split((byte)','))
                {
                    ReadOnlySpan<byte> token = value[r].Trim(" \t"u8);
                    if (Ascii.EqualsIgnoreCase(token, "close"u8)) close = true;
                    else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8)) keepAlive = true;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8))
            {
                KeepAliveTimeout = TimeoutParameter(value);
            }
        }
        Closes = close || (Minor == 0 && !keepAlive);
        if (requestMethodHead || Status < 200 || Status == 204 || Status == 304) Framing = ResponseFraming.None;
        else if (chunked) Framing = ResponseFraming.Chunked; // with Content-Length too: chunked wins, and the link is not reused (RFC 9112 §6.3 item 3)
        else if (hasLength) Framing = ResponseFraming.ContentLength;
        else Framing = ResponseFraming.UntilClose;
        if ((chunked && hasLength) || Framing == ResponseFraming.UntilClose) Closes = true;
        return 1;
    }

    private static bool TryLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.Length == 0 || value.Length > 18) return false;
        foreach (byte b in value)
        {
            if (b < (byte)'0' || b > (byte)'9') return false;
            length = length * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>timeout=N from a Keep-Alive field ("timeout=5, max=100"), or 0.</summary>
    private static int TimeoutParameter(ReadOnlySpan<byte> value)
    {
        foreach (Range r in value.Split((byte)','))
        {
            ReadOnlySpan<byte> part = value[r].Trim(" \t"u8);
            if (part.Length > 8 && Ascii.EqualsIgnoreCase(part.Slice(0, 8), "timeout="u8)
                && int.TryParse(part.Slice(8), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int seconds))
            {
                return seconds;
            }
        }
        return 0;
    }

    /// <summary>The reason phrase as text (for a log line).</summary>
    public string Reason(ReadOnlySpan<byte> buffer) => Encoding.Latin1.GetString(buffer.Slice(ReasonStart, ReasonLength));
}
