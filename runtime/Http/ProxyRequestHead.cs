using System;
using System.Text;

namespace EventMpm.Http;

/// <summary>What the backend is told besides the client's end-to-end fields (mod_proxy_http's ap_proxy_create_hdrbrgd()).</summary>
public readonly record struct ProxyRequestFacts(
    string Target, string Host, string ClientAddress, string ForwardedHost, string ForwardedServer, bool AddForwarded, BodyFraming Framing, long ContentLength,
    string Upgrade = "");

/// <summary>
/// The request a proxy sends its backend, from a client's request head the parser accepted:
/// the method, the mapped target and HTTP/1.1; Host (the backend's, or the client's with
/// ProxyPreserveHost); the client's fields but the hop-by-hop ones (RFC 9110 §7.6.1: Connection
/// and the fields it names, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade)
/// and those the proxy writes itself (Host, Content-Length, Expect); the body's framing; and
/// X-Forwarded-For, -Host and -Server appended to what earlier proxies wrote, as mod_proxy does.
/// Written straight into the caller's buffer: nothing is allocated per request.
/// </summary>
public static class ProxyRequestHead
{
    private static readonly byte[][] s_dropped =
    [
        "Connection"u8.ToArray(), "Keep-Alive"u8.ToArray(), "Proxy-Connection"u8.ToArray(), "TE"u8.ToArray(), "Trailer"u8.ToArray(),
        "Transfer-Encoding"u8.ToArray(), "Upgrade"u8.ToArray(), "Host"u8.ToArray(), "Content-Length"u8.ToArray(), "Expect"u8.ToArray(),
        "X-Forwarded-For"u8.ToArray(), "X-Forwarded-Host"u8.ToArray(), "X-Forwarded-Server"u8.ToArray(),
    ];

    /// <summary>Writes the head into <paramref name="destination"/>; its length, or -1 when it does not fit.</summary>
    public static int Write(ReadOnlySpan<byte> head, in ProxyRequestFacts facts, Span<byte> destination)
    {
        var w = new Writer(destination);
        int lineEnd = head.IndexOf((byte)'\n');
        ReadOnlySpan<byte> fields = head.Slice(lineEnd + 1);
        w.Bytes(head.Slice(0, head.IndexOf((byte)' ') + 1)); // the method and its space
        w.Text(facts.Target);
        w.Bytes(" HTTP/1.1\r\nHost: "u8);
        w.Text(facts.Host);
        w.Bytes("\r\n"u8);
        for (ReadOnlySpan<byte> rest = fields; Next(ref rest, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value);)
        {
            if (IsDropped(name) || NamedByConnection(fields, name)) continue;
            w.Bytes(name);
            w.Bytes(": "u8);
            w.Bytes(value);
            w.Bytes("\r\n"u8);
        }
        if (facts.Framing == BodyFraming.ContentLength)
        {
            w.Bytes("Content-Length: "u8);
            w.Number(facts.ContentLength);
            w.Bytes("\r\n"u8);
        }
        else if (facts.Framing == BodyFraming.Chunked)
        {
            w.Bytes("Transfer-Encoding: chunked\r\n"u8);
        }
        if (facts.Upgrade.Length > 0)
        {
            // The switch the client asked for, which this route allows (RFC 9110 §7.8): Upgrade is hop-by-hop, so said again.
            w.Bytes("Connection: Upgrade\r\nUpgrade: "u8);
            w.Text(facts.Upgrade);
            w.Bytes("\r\n"u8);
        }
        Forwarded(ref w, fields, "X-Forwarded-For"u8, facts.AddForwarded ? facts.ClientAddress : "");
        Forwarded(ref w, fields, "X-Forwarded-Host"u8, facts.AddForwarded ? facts.ForwardedHost : "");
        Forwarded(ref w, fields, "X-Forwarded-Server"u8, facts.AddForwarded ? facts.ForwardedServer : "");
        w.Bytes("\r\n"u8);
        return w.Overflowed ? -1 : w.Length;
    }

    /// <summary>An X-Forwarded-* field: what earlier proxies wrote, joined by ", ", then <paramref name="ours"/> when there is one.</summary>
    private static void Forwarded(ref Writer w, ReadOnlySpan<byte> fields, ReadOnlySpan<byte> field, string ours)
    {
        bool any = false;
        for (ReadOnlySpan<byte> rest = fields; Next(ref rest, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value);)
        {
            if (!Ascii.EqualsIgnoreCase(name, field)) continue;
            w.Bytes(any ? ", "u8 : field);
            if (!any) w.Bytes(": "u8);
            w.Bytes(value);
            any = true;
        }
        if (ours.Length > 0)
        {
            if (any) w.Bytes(", "u8);
            else
            {
                w.Bytes(field);
                w.Bytes(": "u8);
            }
            w.Text(ours);
            any = true;
        }
        if (any) w.Bytes("\r\n"u8);
    }

    private static bool IsDropped(ReadOnlySpan<byte> name)
    {
        foreach (byte[] dropped in s_dropped) if (Ascii.EqualsIgnoreCase(name, dropped)) return true;
        return false;
    }

    /// <summary>Whether a Connection field among <paramref name="fields"/> ("name: value" lines) lists <paramref name="name"/> (then it is this hop's only).</summary>
    public static bool NamedByConnection(ReadOnlySpan<byte> fields, ReadOnlySpan<byte> name)
    {
        for (ReadOnlySpan<byte> rest = fields; Next(ref rest, out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value);)
        {
            if (!Ascii.EqualsIgnoreCase(field, "Connection"u8)) continue;
            foreach (Range r in value.Split((byte)','))
            {
                if (Ascii.EqualsIgnoreCase(value[r].Trim(" \t"u8), name)) return true;
            }
        }
        return false;
    }

    /// <summary>The value of the first <paramref name="field"/> among <paramref name="fields"/>, or empty.</summary>
    public static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> fields, ReadOnlySpan<byte> field)
    {
        while (true)
        {
            int end = fields.IndexOf((byte)'\n');
            if (end < 0) return default;
            ReadOnlySpan<byte> line = fields.Slice(0, end).TrimEnd((byte)'\r');
            fields = fields.Slice(end + 1);
            if (line.IsEmpty) return default;
            int colon = line.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(line.Slice(0, colon), field)) return line.Slice(colon + 1).Trim(" \t"u8);
        }
    }

    /// <summary>The next "name: value" line of a head the parser accepted (CRLF or LF ended); false at the blank line.</summary>
    private static bool Next(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = value = default;
        while (true)
        {
            int end = rest.IndexOf((byte)'\n');
            if (end < 0) return false;
            ReadOnlySpan<byte> line = rest.Slice(0, end);
            rest = rest.Slice(end + 1);
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line.Slice(0, line.Length - 1);
            if (line.Length == 0) return false;
            int colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            name = line.Slice(0, colon);
            value = line.Slice(colon + 1).Trim(" \t"u8);
            return true;
        }
    }

    /// <summary>Appends to a span, remembering when it ran out instead of throwing.</summary>
    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        public int Length;
        public bool Overflowed;

        public void Bytes(scoped ReadOnlySpan<byte> bytes)
        {
            if (Overflowed || !bytes.TryCopyTo(_buffer.Slice(Length))) Overflowed = true;
            else Length += bytes.Length;
        }

        public void Text(string text)
        {
            if (Overflowed || Encoding.Latin1.GetByteCount(text) > _buffer.Length - Length) Overflowed = true;
            else Length += Encoding.Latin1.GetBytes(text, _buffer.Slice(Length));
        }

        public void Number(long value)
        {
            if (Overflowed || !System.Buffers.Text.Utf8Formatter.TryFormat(value, _buffer.Slice(Length), out int written)) Overflowed = true;
            else Length += written;
        }
    }
}
