using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace EventMpm.Handlers;

/// <summary>
/// What a handler answers: a status, fields and a body. The body is buffered and sent whole with
/// Content-Length when the handler returns; the worker is then free at once, whatever the body's
/// size, and the listener sends what a slow client has not taken yet. <see cref="Flush"/> streams
/// instead: the head goes out at once and the body follows in chunks (HTTP/1.1) or until the
/// connection closes (HTTP/1.0), with the worker held until the last byte is written.
/// </summary>
public sealed class Response
{
    /// <summary>The most bytes of fields a handler may set: half the worker's 16 KiB head buffer, the rest is the server's.</summary>
    private const int MaxFieldBytes = 8 * 1024;

    private readonly IHandlerConnection _connection;
    private readonly List<KeyValuePair<string, string>> _fields = new();
    private readonly BodyStream _body;
    private byte[] _buffer = new byte[4096];
    private int _status = 200;
    private int _fieldBytes;

    internal Response(IHandlerConnection connection)
    {
        _connection = connection;
        _body = new BodyStream(this);
    }

    /// <summary>The status code (200 unless set): 200 to 599; fixed once the head has gone out.</summary>
    public int Status
    {
        get => _status;
        set
        {
            if (HasStarted) throw new InvalidOperationException("The response head has been sent; its status can no longer change.");
            if (value is < 200 or > 599) throw new ArgumentOutOfRangeException(nameof(value), value, "A handler answers with a status from 200 to 599.");
            _status = value;
        }
    }

    /// <summary>The Content-Type field (none unless set).</summary>
    public string? ContentType
    {
        get => Field("Content-Type");
        set
        {
            if (value is null) RemoveField("Content-Type");
            else SetHeader("Content-Type", value);
        }
    }

    /// <summary>True once the head has been sent (after <see cref="Flush"/>).</summary>
    public bool HasStarted { get; internal set; }

    /// <summary>The fields set so far, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _fields;

    /// <summary>
    /// The body as a write-only stream; writing to it is <see cref="Write(ReadOnlySpan{byte})"/>.
    /// Its Flush sends nothing (StreamWriter and Utf8JsonWriter flush when disposed, and that must
    /// not turn a whole response into a streamed one): call <see cref="Flush"/> to stream.
    /// </summary>
    public Stream Body => _body;

    /// <summary>Sets a field, replacing any of the same name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">
    /// The name is not a token, the value holds a control character, or the field is one the server
    /// frames the message with (Content-Length, Transfer-Encoding, Connection, Keep-Alive, Date, Server).
    /// </exception>
    public void SetHeader(string name, string value)
    {
        CheckField(name, value);
        RemoveField(name);
        Add(name, value);
    }

    /// <summary>Adds a field even when one of that name is set (Set-Cookie, Vary, ...).</summary>
    public void AddHeader(string name, string value)
    {
        CheckField(name, value);
        Add(name, value);
    }

    /// <summary>Appends bytes to the body.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(Length + bytes.Length, 2 * _buffer.Length));
        }
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Appends text to the body, in UTF-8.</summary>
    public void Write(string text)
    {
        int most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (most <= 1024)
        {
            Span<byte> bytes = stackalloc byte[most];
            Write(bytes.Slice(0, Encoding.UTF8.GetBytes(text, bytes)));
            return;
        }
        Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// Sends the head, if not yet sent, and the body written so far; the rest of the body follows
    /// as it is written. Waits (up to Timeout) while the client does not read.
    /// </summary>
    /// <exception cref="IOException">The client went away or stopped reading.</exception>
    public void Flush() => _connection.Stream(this);

    // ------------------------------------------------------------------ for the server

    /// <summary>The body bytes buffered and not yet sent.</summary>
    internal int Length { get; set; }

    internal byte[] Buffer => _buffer;

    /// <summary>Gives the buffer away (the connection still sends from it) and starts a new one for the next request.</summary>
    internal void DetachBuffer() => _buffer = new byte[4096];

    internal void Reset()
    {
        _status = 200;
        _fields.Clear();
        _fieldBytes = 0;
        Length = 0;
        HasStarted = false;
        if (_buffer.Length > 64 * 1024) _buffer = new byte[4096]; // a large body's buffer is not kept for every request
    }

    private string? Field(string name)
    {
        foreach (KeyValuePair<string, string> f in _fields)
        {
            if (string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) return f.Value;
        }
        return null;
    }

    private void RemoveField(string name)
    {
        if (HasStarted) throw new InvalidOperationException("The response head has been sent; its fields can no longer change.");
        for (int i = _fields.Count - 1; i >= 0; i--)
        {
            if (!string.Equals(_fields[i].Key, name, StringComparison.OrdinalIgnoreCase)) continue;
            _fieldBytes -= _fields[i].Key.Length + _fields[i].Value.Length + 4;
            _fields.RemoveAt(i);
        }
    }

    private void Add(string name, string value)
    {
        if (HasStarted) throw new InvalidOperationException("The response head has been sent; its fields can no longer change.");
        int bytes = name.Length + value.Length + 4;
        if (_fieldBytes + bytes > MaxFieldBytes) throw new ArgumentException("The response fields would exceed " + MaxFieldBytes + " bytes.", nameof(value));
        _fieldBytes += bytes;
        _fields.Add(new KeyValuePair<string, string>(name, value));
    }

    /// <summary>The fields the server writes itself, because they frame the message or describe the server.</summary>
    private static readonly string[] s_reserved = { "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Date", "Server", "Trailer", "Upgrade" };

    private static void CheckField(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length == 0) throw new ArgumentException("A field name cannot be empty.", nameof(name));
        foreach (char ch in name)
        {
            if (ch > 0x7e || !Configuration.Syntax.HttpToken.IsTokenChar((byte)ch)) throw new ArgumentException("'" + name + "' is not a field name (RFC 9110 §5.1: a token).", nameof(name));
        }
        foreach (string reserved in s_reserved)
        {
            if (string.Equals(name, reserved, StringComparison.OrdinalIgnoreCase)) throw new ArgumentException(reserved + " is set by the server, which frames the response.", nameof(name));
        }
        foreach (char ch in value)
        {
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f || ch > 0xff) throw new ArgumentException("The value of " + name + " holds a character a field cannot carry (RFC 9110 §5.5).", nameof(value));
        }
    }

    /// <summary>The body as a write-only stream.</summary>
    private sealed class BodyStream(Response response) : Stream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => response.Write(buffer);
        public override void Write(byte[] buffer, int offset, int count) => response.Write(buffer.AsSpan(offset, count));
        public override void Flush() { }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
