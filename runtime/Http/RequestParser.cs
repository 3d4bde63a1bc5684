using System;
using System.Text;

namespace EventMpm.Http;

/// <summary>What parsing a request head came to.</summary>
public enum ParseResult : byte
{
    /// <summary>The whole head is in the buffer; <see cref="HttpRequest.HeadLength"/> says how long it is.</summary>
    Complete,
    /// <summary>More bytes are needed.</summary>
    Incomplete,
    /// <summary>The head is malformed or over a limit; <c>status</c> says how to answer.</summary>
    Error,
}

/// <summary>The limits httpd applies while reading a request head (LimitRequest*).</summary>
public readonly record struct HeadLimits(int RequestLine, int FieldSize, int Fields);

/// <summary>
/// Parses an HTTP/1.1 request head over a span, strictly, as httpd's default
/// <c>HttpProtocolOptions Strict</c> does and RFC 9112 asks: CRLF line ends, single spaces in the
/// request line, token methods and field names, no obs-fold, no control bytes. It never throws
/// and never allocates; it is re-run from the start when more bytes arrive (heads are small).
/// </summary>
public static class RequestParser
{
    private const byte CR = (byte)'\r', LF = (byte)'\n', SP = (byte)' ', HT = (byte)'\t', Colon = (byte)':';

    /// <summary>httpd's DEFAULT_LIMIT_BLANK_LINES: empty lines tolerated before a request line.</summary>
    public const int MaxLeadingBlankLines = 10;

    public static ParseResult Parse(ReadOnlySpan<byte> buffer, in HeadLimits limits, HttpRequest request, out int status)
    {
        status = 0;
        request.Reset();
        int pos = 0;
        for (int blank = 0; ; blank++)
        {
            if (pos + 1 >= buffer.Length) return ParseResult.Incomplete;
            if (buffer[pos] == CR && buffer[pos + 1] == LF && blank < MaxLeadingBlankLines) { pos += 2; continue; }
            break;
        }

        // ---- request line ----
        int lineEnd = buffer.Slice(pos).IndexOf(LF);
        if (lineEnd < 0)
        {
            // httpd's 414 counts the line without its CRLF.
            if (buffer.Length - pos > limits.RequestLine + 1) return Fail(414, out status);
            return ParseResult.Incomplete;
        }
        lineEnd += pos;
        if (lineEnd == pos || buffer[lineEnd - 1] != CR) return Fail(400, out status); // bare LF
        ReadOnlySpan<byte> line = buffer.Slice(pos, lineEnd - 1 - pos);
        if (line.Length > limits.RequestLine) return Fail(414, out status);
        if (!ParseRequestLine(line, pos, request, out status)) return ParseResult.Error;
        pos = lineEnd + 1;

        // ---- header fields ----
        while (true)
        {
            int end = buffer.Slice(pos).IndexOf(LF);
            if (end < 0)
            {
                if (buffer.Length - pos > limits.FieldSize + 1) return Fail(400, out status);
                return ParseResult.Incomplete;
            }
            end += pos;
            if (end == pos || buffer[end - 1] != CR) return Fail(400, out status);
            int length = end - 1 - pos;
            if (length == 0)
            {
                pos = end + 1;
                break;
            }
            if (length > limits.FieldSize) return Fail(400, out status);
            if (limits.Fields > 0 && request.FieldCount >= limits.Fields) return Fail(400, out status);
            if (!ParseField(buffer, pos, length, request, out status)) return ParseResult.Error;
            request.FieldCount++;
            pos = end + 1;
        }
        request.HeadLength = pos;

        // ---- whole-message rules ----
        if (request.IsHttp11 && request.HostStart < 0) return Fail(400, out status);
        // An empty Host names no host, and an http URI with an empty host is invalid (RFC 9110
        // §4.2.1, §7.2); only an absolute-form target, which carries its own, makes it moot.
        if (request.HostStart >= 0 && request.HostLength == 0 && !IsAbsoluteForm(buffer.Slice(request.TargetStart, request.TargetLength)))
        {
            return Fail(400, out status);
        }
        return ParseResult.Complete;
    }

    private static ParseResult Fail(int code, out int status)
    {
        status = code;
        return ParseResult.Error;
    }

    private static bool ParseRequestLine(ReadOnlySpan<byte> line, int offset, HttpRequest r, out int status)
    {
        status = 400;
        int sp1 = line.IndexOf(SP);
        if (sp1 <= 0) return false;
        ReadOnlySpan<byte> method = line.Slice(0, sp1);
        foreach (byte b in method) if (!IsTokenChar(b)) return false;
        int sp2 = line.Slice(sp1 + 1).IndexOf(SP);
        if (sp2 <= 0) return false; // no target, two spaces, or an HTTP/0.9 request (refused: RFC 9112 has no 0.9)
        sp2 += sp1 + 1;
        ReadOnlySpan<byte> target = line.Slice(sp1 + 1, sp2 - sp1 - 1);
        ReadOnlySpan<byte> version = line.Slice(sp2 + 1);
        foreach (byte b in target) if (b <= SP || b == 0x7f) return false;
        if (target[0] != (byte)'/' && target[0] != (byte)'*' && !IsAbsoluteForm(target) && !IsAuthorityForm(target)) return false;
        if (target.IndexOf((byte)'#') >= 0) return false; // a fragment is never sent (RFC 9110 §4.2.4); httpd Strict refuses it

        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != (byte)'.' || !IsDigit(version[5]) || !IsDigit(version[7])) return false;
        int major = version[5] - '0';
        if (major == 0) return false;
        if (major > 1)
        {
            // HTTP/2 and later do not arrive as a text request line; another major version is
            // one this server does not speak (RFC 9110 §15.6.6), as httpd and nginx answer.
            status = 505;
            return false;
        }
        r.Minor = version[7] - '0' >= 1 ? 1 : 0;
        r.Method = MethodOf(method);
        r.TargetStart = offset + sp1 + 1;
        r.TargetLength = target.Length;
        if (target[0] == (byte)'*' && (target.Length != 1 || r.Method != HttpMethod.Options)) return false;
        if (IsAuthorityForm(target) && r.Method != HttpMethod.Connect) return false;
        if (IsAbsoluteForm(target) && !IsStrictAuthority(target.Slice(target.IndexOf("://"u8) + 3))) return false;
        status = 0;
        return true;
    }

    private static bool IsAbsoluteForm(ReadOnlySpan<byte> t)
        => (t.Length > 7 && Ascii.EqualsIgnoreCase(t.Slice(0, 7), "http://"u8)) || (t.Length > 8 && Ascii.EqualsIgnoreCase(t.Slice(0, 8), "https://"u8));

    private static bool IsAuthorityForm(ReadOnlySpan<byte> t) => t[0] != (byte)'/' && t.IndexOf((byte)'/') < 0 && t.IndexOf(Colon) > 0;

    private static HttpMethod MethodOf(ReadOnlySpan<byte> m) => m.Length switch
    {
        3 when m.SequenceEqual("GET"u8) => HttpMethod.Get,
        3 when m.SequenceEqual("PUT"u8) => HttpMethod.Put,
        4 when m.SequenceEqual("HEAD"u8) => HttpMethod.Head,
        4 when m.SequenceEqual("POST"u8) => HttpMethod.Post,
        5 when m.SequenceEqual("TRACE"u8) => HttpMethod.Trace,
        5 when m.SequenceEqual("PATCH"u8) => HttpMethod.Patch,
        6 when m.SequenceEqual("DELETE"u8) => HttpMethod.Delete,
        7 when m.SequenceEqual("OPTIONS"u8) => HttpMethod.Options,
        7 when m.SequenceEqual("CONNECT"u8) => HttpMethod.Connect,
        _ => HttpMethod.Unknown,
    };

    private static bool ParseField(ReadOnlySpan<byte> buffer, int start, int length, HttpRequest r, out int status)
    {
        status = 400;
        ReadOnlySpan<byte> field = buffer.Slice(start, length);
        if (field[0] == SP || field[0] == HT) return false; // obs-fold (RFC 9112 §5.2 lets a server reject it)
        int colon = field.IndexOf(Colon);
        if (colon <= 0) return false;
        ReadOnlySpan<byte> name = field.Slice(0, colon);
        foreach (byte b in name) if (!IsTokenChar(b)) return false; // also refuses "Name :" (RFC 9112 §5.1)
        int vs = colon + 1;
        while (vs < field.Length && (field[vs] == SP || field[vs] == HT)) vs++;
        int ve = field.Length;
        while (ve > vs && (field[ve - 1] == SP || field[ve - 1] == HT)) ve--;
        ReadOnlySpan<byte> value = field.Slice(vs, ve - vs);
        foreach (byte b in value) if ((b < SP && b != HT) || b == 0x7f) return false; // NUL, bare CR, other controls
        int valueStart = start + vs;

        switch (name.Length)
        {
            case 4 when Ascii.EqualsIgnoreCase(name, "Host"u8):
                if (r.HostStart >= 0 || !IsValidHost(value)) return false;
                r.HostStart = valueStart;
                r.HostLength = value.Length;
                break;
            case 5 when Ascii.EqualsIgnoreCase(name, "Range"u8):
                r.RangeStart = valueStart; r.RangeLength = value.Length;
                break;
            case 6 when Ascii.EqualsIgnoreCase(name, "Expect"u8):
                if (!Ascii.EqualsIgnoreCase(value, "100-continue"u8)) { status = 417; return false; }
                r.ExpectContinue = true;
                break;
            case 8 when Ascii.EqualsIgnoreCase(name, "If-Match"u8):
                r.IfMatchStart = valueStart; r.IfMatchLength = value.Length;
                break;
            case 8 when Ascii.EqualsIgnoreCase(name, "If-Range"u8):
                r.IfRangeStart = valueStart; r.IfRangeLength = value.Length;
                break;
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                ParseConnection(value, r);
                break;
            case 13 when Ascii.EqualsIgnoreCase(name, "If-None-Match"u8):
                r.IfNoneMatchStart = valueStart; r.IfNoneMatchLength = value.Length;
                break;
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                if (!ParseContentLength(value, r)) return false;
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "If-Modified-Since"u8):
                r.IfModifiedSinceStart = valueStart; r.IfModifiedSinceLength = value.Length;
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                if (!ParseTransferEncoding(value, r, out status)) return false;
                break;
            case 19 when Ascii.EqualsIgnoreCase(name, "If-Unmodified-Since"u8):
                r.IfUnmodifiedSinceStart = valueStart; r.IfUnmodifiedSinceLength = value.Length;
                break;
        }
        status = 0;
        return true;
    }

    /// <summary>One Content-Length of digits only; a second one, a list or a sign is refused (RFC 9112 §6.3 item 5).</summary>
    private static bool ParseContentLength(ReadOnlySpan<byte> value, HttpRequest r)
    {
        if (value.Length == 0 || value.Length > 18 || r.Framing == BodyFraming.ContentLength) return false;
        if (r.Framing == BodyFraming.Chunked) return false; // both framings: refused and the connection closed
        long n = 0;
        foreach (byte b in value)
        {
            if (!IsDigit(b)) return false;
            n = n * 10 + (b - '0');
        }
        r.ContentLength = n;
        r.Framing = BodyFraming.ContentLength;
        return true;
    }

    /// <summary>
    /// Only "chunked", and only as the final coding (RFC 9112 §6.1): an unknown coding is 501.
    /// "chunked" with parameters ("chunked;ext=1") is 400, not an unknown coding: chunked takes
    /// none (RFC 9112 §7), so the framing cannot be trusted, as a list of codings cannot.
    /// </summary>
    private static bool ParseTransferEncoding(ReadOnlySpan<byte> value, HttpRequest r, out int status)
    {
        status = 400;
        if (r.Framing != BodyFraming.None) return false;
        if (!Ascii.EqualsIgnoreCase(value, "chunked"u8))
        {
            bool malformed = value.IndexOf((byte)',') >= 0 || value.Length == 0
                || (value.IndexOf((byte)';') is int semicolon and > 0 && Ascii.EqualsIgnoreCase(value.Slice(0, semicolon).TrimEnd(" \t"u8), "chunked"u8));
            status = malformed ? 400 : 501;
            return false;
        }
        if (r.Minor == 0) return false; // HTTP/1.0 has no chunked coding (RFC 9112 §6.1)
        r.Framing = BodyFraming.Chunked;
        return true;
    }

    private static void ParseConnection(ReadOnlySpan<byte> value, HttpRequest r)
    {
        while (value.Length > 0)
        {
            int comma = value.IndexOf((byte)',');
            ReadOnlySpan<byte> token = (comma < 0 ? value : value.Slice(0, comma)).Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(token, "close"u8)) r.ConnectionClose = true;
            else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8)) r.ConnectionKeepAlive = true;
            value = comma < 0 ? default : value.Slice(comma + 1);
        }
    }

    /// <summary>uri-host [ ":" port ] (RFC 9110 §7.2): a reg-name, IPv4 or [IPv6], with a numeric port.</summary>
    private static bool IsValidHost(ReadOnlySpan<byte> host)
    {
        if (host.Length == 0) return true; // judged with the whole message: only an absolute-form target may come with it
        int i = 0;
        if (host[0] == (byte)'[')
        {
            int close = host.IndexOf((byte)']');
            if (close < 0) return false;
            foreach (byte b in host.Slice(1, close - 1)) if (!(IsHex(b) || b == Colon || b == (byte)'.')) return false;
            i = close + 1;
        }
        else
        {
            while (i < host.Length && host[i] != Colon)
            {
                byte b = host[i++];
                if (!(IsAlphaNum(b) || b == (byte)'-' || b == (byte)'.' || b == (byte)'_' || b == (byte)'~' || b == (byte)'%'
                    || b == (byte)'!' || b == (byte)'$' || b == (byte)'&' || b == (byte)'\'' || b == (byte)'(' || b == (byte)')'
                    || b == (byte)'*' || b == (byte)'+' || b == (byte)',' || b == (byte)';' || b == (byte)'=')) return false;
            }
        }
        if (i == host.Length) return true;
        if (host[i] != Colon) return false;
        for (i++; i < host.Length; i++) if (!IsDigit(host[i])) return false;
        return true;
    }

    /// <summary>
    /// The authority of an absolute-form target, as strictly as httpd's Strict mode: no userinfo,
    /// no percent-encoding, a port of digits only, IPv6 only in brackets, and a host that looks
    /// numeric must be a plain dotted-decimal IPv4 address (no octal, hex or shortened forms).
    /// </summary>
    private static bool IsStrictAuthority(ReadOnlySpan<byte> rest)
    {
        int end = rest.IndexOfAny((byte)'/', (byte)'?');
        ReadOnlySpan<byte> authority = end < 0 ? rest : rest.Slice(0, end);
        if (authority.IsEmpty || authority.IndexOfAny((byte)'@', (byte)'%') >= 0) return false;
        ReadOnlySpan<byte> host = authority;
        if (authority[0] == (byte)'[')
        {
            int close = authority.IndexOf((byte)']');
            if (close < 0) return false;
            Span<char> literal = stackalloc char[close - 1];
            for (int i = 0; i < literal.Length; i++) literal[i] = (char)authority[i + 1];
            if (!System.Net.IPAddress.TryParse(literal, out System.Net.IPAddress? v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return false;
            ReadOnlySpan<byte> after = authority.Slice(close + 1);
            return after.IsEmpty || (after[0] == Colon && IsPort(after.Slice(1)));
        }
        int colon = authority.IndexOf(Colon);
        if (colon >= 0)
        {
            host = authority.Slice(0, colon);
            if (!IsPort(authority.Slice(colon + 1))) return false;
        }
        if (host.IsEmpty) return false;
        foreach (byte b in host) if (!(IsAlphaNum(b) || b == (byte)'-' || b == (byte)'.' || b == (byte)'_' || b == (byte)'~')) return false;
        int lastDot = host.LastIndexOf((byte)'.');
        ReadOnlySpan<byte> lastLabel = host.Slice(lastDot + 1);
        return lastLabel.IsEmpty || !IsDigit(lastLabel[0]) || IsDottedQuad(host);
    }

    private static bool IsPort(ReadOnlySpan<byte> port)
    {
        if (port.Length > 5) return false;
        foreach (byte b in port) if (!IsDigit(b)) return false;
        return true;
    }

    private static bool IsDottedQuad(ReadOnlySpan<byte> host)
    {
        int parts = 0;
        foreach (Range range in host.Split((byte)'.'))
        {
            ReadOnlySpan<byte> part = host[range];
            if (part.IsEmpty || part.Length > 3 || (part.Length > 1 && part[0] == (byte)'0')) return false;
            int value = 0;
            foreach (byte b in part)
            {
                if (!IsDigit(b)) return false;
                value = value * 10 + (b - '0');
            }
            if (value > 255) return false;
            parts++;
        }
        return parts == 4;
    }

    /// <summary>tchar (RFC 9110 §5.6.2).</summary>
    private static bool IsTokenChar(byte b) => Configuration.Syntax.HttpToken.IsTokenChar(b);

    private static bool IsDigit(byte b) => b >= '0' && b <= '9';

    private static bool IsHex(byte b) => IsDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');

    private static bool IsAlphaNum(byte b) => IsDigit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}
