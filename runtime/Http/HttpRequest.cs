namespace EventMpm.Http;

/// <summary>The methods this server tells apart; anything else is <see cref="Unknown"/> (501).</summary>
public enum HttpMethod : byte
{
    Unknown, Get, Head, Post, Put, Delete, Options, Trace, Connect, Patch,
}

/// <summary>How a request's body is framed (RFC 9112 §6).</summary>
public enum BodyFraming : byte
{
    None, ContentLength, Chunked,
}

/// <summary>
/// One parsed request head. A worker owns one and reuses it for every request it serves, so the
/// hot path allocates nothing but the strings it must keep (the decoded path).
/// Offsets point into the worker's receive buffer and are valid until the next request.
/// </summary>
public sealed class HttpRequest
{
    public HttpMethod Method;
    public int TargetStart, TargetLength;
    /// <summary>1 for HTTP/1.1 (and 1.x above it), 0 for HTTP/1.0.</summary>
    public int Minor;
    public int HeadLength;
    public int FieldCount;

    public int HostStart = -1, HostLength;
    public bool ConnectionClose, ConnectionKeepAlive;
    public BodyFraming Framing;
    public long ContentLength;
    public bool ExpectContinue;

    // Conditional and range fields: offsets into the buffer, -1 when absent.
    public int IfNoneMatchStart = -1, IfNoneMatchLength;
    public int IfMatchStart = -1, IfMatchLength;
    public int IfModifiedSinceStart = -1, IfModifiedSinceLength;
    public int IfUnmodifiedSinceStart = -1, IfUnmodifiedSinceLength;
    public int RangeStart = -1, RangeLength;
    public int IfRangeStart = -1, IfRangeLength;

    public bool IsHttp11 => Minor >= 1;

    /// <summary>The client ends the connection after this request: Connection: close, or HTTP/1.0 without keep-alive.</summary>
    public bool ClientCloses => ConnectionClose || (!IsHttp11 && !ConnectionKeepAlive);

    /// <summary>A body follows the head: a Content-Length above 0, or chunks.</summary>
    public bool HasBody => (Framing == BodyFraming.ContentLength && ContentLength > 0) || Framing == BodyFraming.Chunked;

    public void Reset()
    {
        Method = HttpMethod.Unknown;
        TargetStart = TargetLength = Minor = HeadLength = FieldCount = 0;
        HostStart = -1; HostLength = 0;
        ConnectionClose = ConnectionKeepAlive = ExpectContinue = false;
        Framing = BodyFraming.None;
        ContentLength = 0;
        IfNoneMatchStart = IfMatchStart = IfModifiedSinceStart = IfUnmodifiedSinceStart = RangeStart = IfRangeStart = -1;
        IfNoneMatchLength = IfMatchLength = IfModifiedSinceLength = IfUnmodifiedSinceLength = RangeLength = IfRangeLength = 0;
    }
}
