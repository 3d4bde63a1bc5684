using System;
using System.Text;

namespace EventMpm.Configuration.Certificates;

/// <summary>
/// A forward reader of DER (X.690's distinguished encoding): just enough of it to read an
/// X.509 certificate and a private key without a crypto library, because the build (a
/// netstandard2.0 generator) has none it may rely on. Malformed input throws
/// <see cref="FormatException"/>; callers turn that into "does not parse".
/// </summary>
internal struct DerReader
{
    public const byte Integer = 0x02, BitString = 0x03, OctetString = 0x04, Null = 0x05, ObjectIdentifier = 0x06,
        Utf8String = 0x0C, PrintableString = 0x13, Ia5String = 0x16, UtcTime = 0x17, GeneralizedTime = 0x18, Sequence = 0x30, Set = 0x31;

    /// <summary>A context-specific tag: [n] constructed (0xA0 + n) or primitive (0x80 + n).</summary>
    public static byte Context(int n, bool constructed) => (byte)((constructed ? 0xA0 : 0x80) + n);

    private readonly byte[] _data;
    private int _position;
    private readonly int _end;

    public DerReader(byte[] data) : this(data, 0, data.Length) { }

    private DerReader(byte[] data, int start, int end)
    {
        _data = data;
        _position = start;
        _end = end;
    }

    public bool HasMore => _position < _end;

    public byte PeekTag() => HasMore ? _data[_position] : throw new FormatException("unexpected end of data");

    /// <summary>The next element whole (tag, length and content): what an issuer and a subject are compared as.</summary>
    public byte[] ReadEncoded(byte tag)
    {
        int start = _position;
        ReadContent(tag, out _, out _);
        byte[] result = new byte[_position - start];
        Array.Copy(_data, start, result, 0, result.Length);
        return result;
    }

    /// <summary>Reads a constructed element and returns a reader over its content.</summary>
    public DerReader Enter(byte tag)
    {
        ReadContent(tag, out int start, out int length);
        return new DerReader(_data, start, start + length);
    }

    public byte[] ReadBytes(byte tag)
    {
        ReadContent(tag, out int start, out int length);
        byte[] result = new byte[length];
        Array.Copy(_data, start, result, 0, length);
        return result;
    }

    /// <summary>An INTEGER's magnitude without the sign padding, so two encodings of one number compare equal.</summary>
    public byte[] ReadUnsignedInteger()
    {
        byte[] raw = ReadBytes(Integer);
        int skip = 0;
        while (skip < raw.Length - 1 && raw[skip] == 0) skip++;
        byte[] result = new byte[raw.Length - skip];
        Array.Copy(raw, skip, result, 0, result.Length);
        return result;
    }

    public int ReadSmallInteger()
    {
        byte[] raw = ReadUnsignedInteger();
        if (raw.Length > 3) throw new FormatException("integer too large");
        int value = 0;
        foreach (byte b in raw) value = (value << 8) | b;
        return value;
    }

    /// <summary>A BIT STRING's bits, which in keys are always whole bytes.</summary>
    public byte[] ReadBitString()
    {
        byte[] raw = ReadBytes(BitString);
        if (raw.Length == 0 || raw[0] != 0) throw new FormatException("bit string with unused bits");
        byte[] result = new byte[raw.Length - 1];
        Array.Copy(raw, 1, result, 0, result.Length);
        return result;
    }

    /// <summary>An OBJECT IDENTIFIER in dotted form (1.2.840.113549.1.1.1).</summary>
    public string ReadObjectIdentifier()
    {
        byte[] raw = ReadBytes(ObjectIdentifier);
        if (raw.Length == 0) throw new FormatException("empty object identifier");
        var text = new StringBuilder();
        long value = 0;
        bool first = true;
        foreach (byte b in raw)
        {
            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) != 0) continue;
            if (first)
            {
                // X.690 §8.19.4: the first two arcs share one number.
                long top = value < 80 ? value / 40 : 2;
                text.Append(top).Append('.').Append(value - top * 40);
                first = false;
            }
            else text.Append('.').Append(value);
            value = 0;
        }
        return text.ToString();
    }

    /// <summary>UTCTime or GeneralizedTime, as X.509 writes them (RFC 5280 §4.1.2.5: in UTC, with seconds).</summary>
    public DateTime ReadTime()
    {
        byte tag = PeekTag();
        if (tag != UtcTime && tag != GeneralizedTime) throw new FormatException("expected a time");
        string text = Encoding.ASCII.GetString(ReadBytes(tag));
        int yearDigits = tag == UtcTime ? 2 : 4;
        if (text.Length != yearDigits + 11 || text[text.Length - 1] != 'Z') throw new FormatException("time not in UTC: " + text);
        int Digits(int at, int count)
        {
            int v = 0;
            for (int i = at; i < at + count; i++)
            {
                if (text[i] < '0' || text[i] > '9') throw new FormatException("bad time: " + text);
                v = v * 10 + (text[i] - '0');
            }
            return v;
        }
        int year = Digits(0, yearDigits);
        // RFC 5280 §4.1.2.5.1: a two-digit year below 50 is 20YY.
        if (yearDigits == 2) year += year < 50 ? 2000 : 1900;
        int p = yearDigits;
        return new DateTime(year, Digits(p, 2), Digits(p + 2, 2), Digits(p + 4, 2), Digits(p + 6, 2), Digits(p + 8, 2), DateTimeKind.Utc);
    }

    public void Skip() => ReadContent(PeekTag(), out _, out _);

    private void ReadContent(byte tag, out int start, out int length)
    {
        if (!HasMore || _data[_position] != tag)
            throw new FormatException(HasMore ? "expected tag 0x" + tag.ToString("X2") + ", found 0x" + _data[_position].ToString("X2") : "unexpected end of data");
        int p = _position + 1;
        if (p >= _end) throw new FormatException("truncated length");
        int first = _data[p++];
        if (first < 0x80) length = first;
        else
        {
            int count = first & 0x7F;
            if (count == 0 || count > 4 || p + count > _end) throw new FormatException("bad length");
            length = 0;
            for (int i = 0; i < count; i++) length = (length << 8) | _data[p++];
            if (length < 0) throw new FormatException("bad length");
        }
        if (length > _end - p) throw new FormatException("element longer than its container");
        start = p;
        _position = p + length;
    }
}
