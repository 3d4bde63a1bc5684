using System;

namespace EventMpm.Http;

/// <summary>
/// Follows chunked framing (RFC 9112 §7.1) through bytes relayed as they are, to find where the
/// message ends, and refuses what is malformed: sizes in hex (at most 15 digits), extensions
/// without bare CR or LF, CRLF after each chunk's data, trailer lines, and the final CRLF. The
/// proxy relays a chunked body unchanged in both directions and needs only its end; a body it
/// could not follow exactly would make the next message on the connection start in the wrong
/// place (the root of request smuggling), so anything malformed is an error, never a guess.
/// </summary>
public struct ChunkedScanner
{
    private enum Step : byte { Size, Extension, SizeLf, Data, DataCr, DataLf, TrailerStart, Trailer, TrailerLf, EndLf, Done }

    private Step _step;
    private int _digits;
    private long _left;

    public readonly bool Done => _step == Step.Done;

    /// <summary>The chunks' data bytes so far (what LimitRequestBody counts).</summary>
    public long Data { readonly get; private set; }

    /// <summary>
    /// Scans the next bytes; returns how many belong to the message (all of them until its end),
    /// or -1 when the framing is malformed. Bytes past the end are not the message's.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> bytes)
    {
        Span<byte> none = default;
        return Walk(bytes, ref none, out _);
    }

    /// <summary>
    /// As <see cref="Scan"/>, and moves the chunks' data to the front of <paramref name="bytes"/>
    /// (for a client that cannot take chunks, HTTP/1.0): <paramref name="data"/> bytes of it.
    /// </summary>
    public int Decode(Span<byte> bytes, out int data)
    {
        Span<byte> into = bytes;
        return Walk(bytes, ref into, out data);
    }

    /// <param name="into">Where the data goes, or empty to leave it where it is.</param>
    private int Walk(ReadOnlySpan<byte> bytes, ref Span<byte> into, out int data)
    {
        data = 0;
        bool decoding = !into.IsEmpty;
        int i = 0;
        while (i < bytes.Length && _step != Step.Done)
        {
            byte b = bytes[i];
            switch (_step)
            {
                case Step.Size:
                    int hex = HexValue(b);
                    if (hex >= 0)
                    {
                        if (++_digits > 15) return -1;
                        _left = _left * 16 + hex;
                    }
                    else if (_digits == 0) return -1;
                    else if (b == (byte)'\r') _step = Step.SizeLf;
                    else if (b == (byte)';' || b == (byte)' ' || b == (byte)'\t') _step = Step.Extension;
                    else return -1;
                    i++;
                    break;
                case Step.Extension:
                    if (b == (byte)'\r') _step = Step.SizeLf;
                    else if (b == (byte)'\n' || b < 0x20 && b != (byte)'\t' || b == 0x7f) return -1;
                    i++;
                    break;
                case Step.SizeLf:
                    if (b != (byte)'\n') return -1;
                    i++;
                    _step = _left == 0 ? Step.TrailerStart : Step.Data;
                    break;
                case Step.Data:
                    int take = (int)Math.Min(_left, bytes.Length - i);
                    Data += take;
                    if (decoding)
                    {
                        bytes.Slice(i, take).CopyTo(into.Slice(data)); // forward, over what was read: memmove
                        data += take;
                    }
                    i += take;
                    _left -= take;
                    if (_left == 0) _step = Step.DataCr;
                    break;
                case Step.DataCr:
                    if (b != (byte)'\r') return -1;
                    i++;
                    _step = Step.DataLf;
                    break;
                case Step.DataLf:
                    if (b != (byte)'\n') return -1;
                    i++;
                    _digits = 0;
                    _step = Step.Size;
                    break;
                case Step.TrailerStart:
                    if (b == (byte)'\r') _step = Step.EndLf;
                    else if (b < 0x21 || b == 0x7f) return -1; // a bare LF, an obs-fold, a control
                    else _step = Step.Trailer;
                    i++;
                    break;
                case Step.Trailer:
                    if (b == (byte)'\r') _step = Step.TrailerLf;
                    else if (b == (byte)'\n' || b < 0x20 && b != (byte)'\t' || b == 0x7f) return -1;
                    i++;
                    break;
                case Step.TrailerLf:
                    if (b != (byte)'\n') return -1;
                    i++;
                    _step = Step.TrailerStart;
                    break;
                case Step.EndLf:
                    if (b != (byte)'\n') return -1;
                    i++;
                    _step = Step.Done;
                    break;
            }
        }
        return i;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
