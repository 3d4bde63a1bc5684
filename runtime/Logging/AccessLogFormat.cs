using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;

namespace EventMpm.Logging;

/// <summary>What a finished request leaves for the access log: spans into the worker's buffers, valid while the line is formatted.</summary>
internal ref struct RequestFacts
{
    public ReadOnlySpan<byte> Head;        // the request head, request line first
    public ReadOnlySpan<byte> Client;      // the peer's address as text
    public int Status;
    public long BodyBytes;                 // response body bytes
    public long SentBytes;                 // head and body
    public long ReceivedBytes;             // head and body
    public long Microseconds;
    public bool KeepAlive;
    public int KeepAliveCount;             // requests before this one on the connection
    public ReadOnlySpan<byte> ServerName;
}

/// <summary>
/// A LogFormat compiled once at start into items, and applied to each request (mod_log_config's
/// directives: %h %a %l %u %t %r %s %&gt;s %b %B %D %T %{ms|us|s}T %m %U %q %H %{Header}i %k %p
/// %P %v %V %X %I %O %%; what EventMpm cannot know, such as %{VAR}e or %f, is written "-").
/// </summary>
internal sealed class AccessLogFormat
{
    private enum Kind : byte { Literal, Client, Dash, Time, RequestLine, Status, Bytes, BytesZero, Microseconds, Seconds, Milliseconds, Method, Path, Query, Protocol, RequestHeader, KeepAliveCount, Pid, ServerName, ConnectionStatus, Received, Sent }

    private readonly (Kind Kind, byte[] Text)[] _items;

    private AccessLogFormat((Kind, byte[])[] items) => _items = items;

    public static AccessLogFormat Compile(string format)
    {
        var items = new List<(Kind, byte[])>();
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length == 0) return;
            items.Add((Kind.Literal, Encoding.UTF8.GetBytes(literal.ToString())));
            literal.Clear();
        }
        for (int i = 0; i < format.Length; i++)
        {
            char ch = format[i];
            if (ch == '\\' && i + 1 < format.Length)
            {
                // mod_log_config's escapes in a format: \n, \t and a quoted character.
                char next = format[++i];
                literal.Append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
                continue;
            }
            if (ch != '%' || i + 1 >= format.Length)
            {
                literal.Append(ch);
                continue;
            }
            i++;
            string argument = "";
            // modifiers (< > ! and status lists) change nothing EventMpm writes
            while (i < format.Length && (format[i] is '<' or '>' or '!' or ',' || char.IsDigit(format[i]))) i++;
            if (i < format.Length && format[i] == '{')
            {
                int close = format.IndexOf('}', i);
                argument = format.Substring(i + 1, close - i - 1);
                i = close + 1;
                while (i < format.Length && format[i] is '<' or '>') i++;
            }
            char letter = format[i];
            if (letter == '%')
            {
                literal.Append('%');
                continue;
            }
            Flush();
            Kind kind = letter switch
            {
                'h' or 'a' => Kind.Client,
                't' => Kind.Time,
                'r' => Kind.RequestLine,
                's' => Kind.Status,
                'b' => Kind.Bytes,
                'B' => Kind.BytesZero,
                'D' => Kind.Microseconds,
                'T' => argument switch { "ms" => Kind.Milliseconds, "us" => Kind.Microseconds, _ => Kind.Seconds },
                'm' => Kind.Method,
                'U' => Kind.Path,
                'q' => Kind.Query,
                'H' => Kind.Protocol,
                'i' => Kind.RequestHeader,
                'k' => Kind.KeepAliveCount,
                'P' => Kind.Pid,
                'v' or 'V' => Kind.ServerName,
                'X' => Kind.ConnectionStatus,
                'I' => Kind.Received,
                'O' => Kind.Sent,
                _ => Kind.Dash,
            };
            items.Add((kind, Encoding.ASCII.GetBytes(argument)));
        }
        Flush();
        return new AccessLogFormat(items.ToArray());
    }

    /// <summary>Appends one line (with its newline) for the request.</summary>
    public void Append(LineBuffer o, in RequestFacts f)
    {
        ReadOnlySpan<byte> line = FirstLine(f.Head);
        int firstSpace = line.IndexOf((byte)' ');
        int lastSpace = line.LastIndexOf((byte)' ');
        ReadOnlySpan<byte> method = firstSpace < 0 ? line : line.Slice(0, firstSpace);
        ReadOnlySpan<byte> target = firstSpace < 0 || lastSpace <= firstSpace ? default : line.Slice(firstSpace + 1, lastSpace - firstSpace - 1);
        ReadOnlySpan<byte> protocol = lastSpace <= firstSpace ? default : line.Slice(lastSpace + 1);
        int query = target.IndexOf((byte)'?');
        foreach ((Kind kind, byte[] text) in _items)
        {
            switch (kind)
            {
                case Kind.Literal: o.Append(text); break;
                case Kind.Client: o.Append(f.Client.Length == 0 ? "-"u8 : f.Client); break;
                case Kind.Dash: o.Append("-"u8); break;
                case Kind.Time: o.Append(ClfTime.Now); break;
                case Kind.RequestLine: o.Append(line.Length == 0 ? "-"u8 : line); break;
                case Kind.Status: o.Number(f.Status); break;
                case Kind.Bytes: if (f.BodyBytes == 0) o.Append("-"u8); else o.Number(f.BodyBytes); break;
                case Kind.BytesZero: o.Number(f.BodyBytes); break;
                case Kind.Microseconds: o.Number(f.Microseconds); break;
                case Kind.Milliseconds: o.Number(f.Microseconds / 1000); break;
                case Kind.Seconds: o.Number(f.Microseconds / 1_000_000); break;
                case Kind.Method: o.Append(method); break;
                case Kind.Path: o.Append(query < 0 ? target : target.Slice(0, query)); break;
                case Kind.Query: if (query >= 0) o.Append(target.Slice(query)); break;
                case Kind.Protocol: o.Append(protocol); break;
                case Kind.RequestHeader:
                    ReadOnlySpan<byte> value = HeaderValue(f.Head, text);
                    o.Append(value.Length == 0 ? "-"u8 : value);
                    break;
                case Kind.KeepAliveCount: o.Number(f.KeepAliveCount); break;
                case Kind.Pid: o.Number(Environment.ProcessId); break;
                case Kind.ServerName: o.Append(f.ServerName.Length == 0 ? "-"u8 : f.ServerName); break;
                case Kind.ConnectionStatus: o.Append(f.KeepAlive ? "+"u8 : "-"u8); break;
                case Kind.Received: o.Number(f.ReceivedBytes); break;
                case Kind.Sent: o.Number(f.SentBytes); break;
            }
        }
        o.Append("\n"u8);
    }

    private static ReadOnlySpan<byte> FirstLine(ReadOnlySpan<byte> head)
    {
        int end = head.IndexOfAny((byte)'\r', (byte)'\n');
        return end < 0 ? head : head.Slice(0, end);
    }

    /// <summary>The first value of a request header field, by name without regard to case; empty when absent.</summary>
    internal static ReadOnlySpan<byte> HeaderValue(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
    {
        int at = head.IndexOf((byte)'\n');
        while (at >= 0 && at + 1 < head.Length)
        {
            ReadOnlySpan<byte> rest = head.Slice(at + 1);
            int end = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? rest : rest.Slice(0, end);
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line.Slice(0, line.Length - 1);
            if (line.Length == 0) break;
            int colon = line.IndexOf((byte)':');
            if (colon == name.Length && Ascii.EqualsIgnoreCase(line.Slice(0, colon), name)) return line.Slice(colon + 1).Trim((byte)' ').Trim((byte)'\t');
            if (end < 0) break;
            at += end + 1;
        }
        return default;
    }
}

/// <summary>A growable byte buffer lines are formatted into.</summary>
internal sealed class LineBuffer
{
    private byte[] _bytes;

    public LineBuffer(int capacity) => _bytes = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (Length + data.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + data.Length));
        data.CopyTo(_bytes.AsSpan(Length));
        Length += data.Length;
    }

    public void Number(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out int n, default, CultureInfo.InvariantCulture);
        Append(digits.Slice(0, n));
    }
}

/// <summary>The Common Log Format's time, <c>[27/Nov/2026:08:34:48 +0000]</c> in local time, formatted once a second.</summary>
internal static class ClfTime
{
    private static long s_second = -1;
    private static byte[] s_text = Array.Empty<byte>();

    public static byte[] Now
    {
        get
        {
            long second = DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond;
            if (second != Volatile.Read(ref s_second))
            {
                DateTimeOffset now = DateTimeOffset.Now;
                TimeSpan offset = now.Offset;
                string text = "[" + now.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture) + " "
                    + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString("hhmm", CultureInfo.InvariantCulture) + "]";
                s_text = Encoding.ASCII.GetBytes(text);
                Volatile.Write(ref s_second, second);
            }
            return s_text;
        }
    }
}
