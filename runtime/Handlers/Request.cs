using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace EventMpm.Handlers;

/// <summary>
/// The request a handler answers: what its head said, and its body as a stream. Valid only
/// during <see cref="IRequestHandler.Handle"/>: the worker reuses it for its next request.
/// </summary>
public sealed class Request
{
    private byte[] _head = Array.Empty<byte>();
    private int _headLength;
    private List<KeyValuePair<string, string>>? _headers;
    private readonly BodyStream _body;

    internal Request(IHandlerConnection connection) => _body = new BodyStream(connection);

    /// <summary>The method as the client sent it: "GET", "POST", ...</summary>
    public string Method { get; private set; } = "";

    /// <summary>The request-target as sent (path and query, still percent-encoded).</summary>
    public string Target { get; private set; } = "";

    /// <summary>The path, decoded and normalised ("/api/hello"): the one the Location matched.</summary>
    public string Path { get; private set; } = "";

    /// <summary>What follows '?' in the target, as sent; empty when there is none.</summary>
    public string Query { get; private set; } = "";

    /// <summary>"HTTP/1.1" or "HTTP/1.0".</summary>
    public string Protocol { get; private set; } = "";

    /// <summary>The client's address, as the access log's %a writes it.</summary>
    public string RemoteAddress { get; private set; } = "";

    /// <summary>
    /// The subject of the certificate the client presented over TLS ("CN=client,O=Example", as
    /// mod_ssl's SSL_CLIENT_S_DN), verified against SSLCACertificateFile unless SSLVerifyClient is
    /// optional_no_ca; null when the client presented none or the connection is not TLS.
    /// </summary>
    public string? ClientCertificate { get; private set; }

    /// <summary>The body's length when the client declared it, null for a chunked body; 0 without a body.</summary>
    public long? ContentLength { get; private set; }

    /// <summary>
    /// The body, decoded from chunked framing when it was sent so. It is whole when the handler
    /// runs, awaited with no worker held: up to 16 KiB in memory, a larger one in a temporary file
    /// that goes when the handler returns. A handler that implements
    /// <see cref="IStreamingBodyHandler"/> reads it as it arrives instead. Bounded by
    /// LimitRequestBody: a larger body is refused with 413 (a streamed chunked one throws
    /// <see cref="RequestBodyException"/> as it passes the limit). A client that sent
    /// <c>Expect: 100-continue</c> is told to go on when its body is wanted.
    /// </summary>
    public Stream Body => _body;

    /// <summary>The fields of the head, in the order sent, names as sent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers ??= ParseFields();

    /// <summary>The first field of this name (case-insensitive), or null.</summary>
    public string? Header(string name)
    {
        foreach (KeyValuePair<string, string> field in Headers)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase)) return field.Value;
        }
        return null;
    }

    /// <summary>Reads the whole body as UTF-8 text (bounded by LimitRequestBody, as the stream is).</summary>
    public string ReadBodyAsText()
    {
        using var reader = new StreamReader(_body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        return reader.ReadToEnd();
    }

    /// <summary>Makes this object describe the next request; the head is copied, since reading the body may overwrite it.</summary>
    internal void Reset(ReadOnlySpan<byte> head, string method, string target, string path, string query, bool http11, string remoteAddress, long? contentLength, string? clientCertificate = null)
    {
        if (_head.Length < head.Length) _head = new byte[Math.Max(head.Length, 1024)];
        head.CopyTo(_head);
        _headLength = head.Length;
        _headers = null;
        Method = method;
        Target = target;
        Path = path;
        Query = query;
        Protocol = http11 ? "HTTP/1.1" : "HTTP/1.0";
        RemoteAddress = remoteAddress;
        ContentLength = contentLength;
        ClientCertificate = clientCertificate;
    }

    /// <summary>The head as received (the request's own copy).</summary>
    internal ReadOnlyMemory<byte> Head => _head.AsMemory(0, _headLength);

    /// <summary>The head's field lines, already checked by the parser: "name: value" with optional whitespace.</summary>
    private List<KeyValuePair<string, string>> ParseFields()
    {
        var fields = new List<KeyValuePair<string, string>>();
        ReadOnlySpan<byte> rest = _head.AsSpan(0, _headLength);
        int first = rest.IndexOf((byte)'\n');
        rest = first < 0 ? default : rest.Slice(first + 1);
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? rest : rest.Slice(0, end);
            rest = end < 0 ? default : rest.Slice(end + 1);
            line = line.TrimEnd((byte)'\r');
            int colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            fields.Add(new KeyValuePair<string, string>(
                Encoding.Latin1.GetString(line.Slice(0, colon)),
                Encoding.Latin1.GetString(line.Slice(colon + 1).Trim(" \t"u8))));
        }
        return fields;
    }

    /// <summary>The body as a read-only stream over the connection.</summary>
    private sealed class BodyStream(IHandlerConnection connection) : Stream
    {
        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            return connection.ReadBody(buffer);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
