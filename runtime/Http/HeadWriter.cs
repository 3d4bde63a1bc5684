using System;
using System.Buffers.Text;

namespace EventMpm.Http;

/// <summary>Writes a response head (status line and fields) into a caller's buffer, ASCII, no allocation.</summary>
public ref struct HeadWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    public HeadWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    public readonly int Length => _length;

    /// <summary>The buffer written into, for a step that rewrites the fields in place (mod_headers' rules).</summary>
    public readonly Span<byte> Buffer => _buffer;

    /// <summary>Where the fields begin: after the status line.</summary>
    public readonly int FieldsStart => _buffer.Slice(0, _length).IndexOf("\r\n"u8) + 2;

    /// <summary>Moves the end after the fields were rewritten in place.</summary>
    public void SetLength(int length) => _length = length;

    public void StatusLine(int status)
    {
        Append("HTTP/1.1 "u8);
        Number(status);
        Append(" "u8);
        Ascii(StatusText.Reason(status));
        Append("\r\n"u8);
    }

    public void Field(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value)
    {
        Append(name);
        Append(": "u8);
        Append(value);
        Append("\r\n"u8);
    }

    public void Field(scoped ReadOnlySpan<byte> name, string value)
    {
        Append(name);
        Append(": "u8);
        Ascii(value);
        Append("\r\n"u8);
    }

    /// <summary>A field whose name and value are text of single-byte characters (checked by whoever set them).</summary>
    public void Field(string name, string value)
    {
        Ascii(name);
        Append(": "u8);
        Ascii(value);
        Append("\r\n"u8);
    }

    public void Field(scoped ReadOnlySpan<byte> name, long value)
    {
        Append(name);
        Append(": "u8);
        Number(value);
        Append("\r\n"u8);
    }

    /// <summary>Content-Range: bytes first-last/size (or bytes */size for 416).</summary>
    public void ContentRange(long offset, long length, long size)
    {
        Append("Content-Range: bytes "u8);
        if (length > 0)
        {
            Number(offset);
            Append("-"u8);
            Number(offset + length - 1);
        }
        else
        {
            Append("*"u8);
        }
        Append("/"u8);
        Number(size);
        Append("\r\n"u8);
    }

    public void End() => Append("\r\n"u8);

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.Slice(_length));
        _length += bytes.Length;
    }

    public void Ascii(string text)
    {
        Span<byte> target = _buffer.Slice(_length, text.Length);
        for (int i = 0; i < text.Length; i++) target[i] = (byte)text[i];
        _length += text.Length;
    }

    public void Number(long value)
    {
        Utf8Formatter.TryFormat(value, _buffer.Slice(_length), out int written);
        _length += written;
    }
}

/// <summary>
/// httpd's keep-alive decision (http_protocol.c: ap_set_keepalive()): whether the connection stays
/// open after this response, and whether to say so with Keep-Alive and Connection fields.
/// </summary>
public static class KeepAlivePolicy
{
    /// <param name="served">Requests already answered on this connection, this one not counted.</param>
    /// <param name="maxRequests">MaxKeepAliveRequests; 0 means unlimited.</param>
    public static bool Decide(HttpRequest r, int status, bool keepAliveOn, int keepAliveTimeoutMs, int maxRequests, int served, bool stopping, out int left)
    {
        left = maxRequests == 0 ? 0 : maxRequests - served;
        return keepAliveOn
            && keepAliveTimeoutMs > 0
            && !stopping
            && !r.ClientCloses
            && !StatusText.DropsConnection(status)
            && (maxRequests == 0 || left > 0);
    }
}
