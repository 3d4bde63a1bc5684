using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace EventMpm.EndToEnd.Tests.Conformance;

/// <summary>A response as a strict client reads it: the status line, the fields and the framed body.</summary>
public sealed record HttpResponse(string Version, int Status, IReadOnlyList<KeyValuePair<string, string>> Fields, byte[] Body, IReadOnlyList<int> Interim)
{
    /// <summary>The first value of a field, by case-insensitive name; null when absent.</summary>
    public string? Field(string name) => Fields.FirstOrDefault(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Whether the server will close after this response (RFC 9112 §9.3): <c>close</c>, or HTTP/1.0 without keep-alive.</summary>
    public bool Closes
    {
        get
        {
            string connection = string.Join(",", Fields.Where(f => f.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value)).ToLowerInvariant();
            var options = connection.Split(',', StringSplitOptions.TrimEntries);
            return options.Contains("close") || (Version == "HTTP/1.0" && !options.Contains("keep-alive"));
        }
    }

    public string Text => Encoding.Latin1.GetString(Body);
}

/// <summary>A response that breaks RFC 9112: what a strict client would refuse.</summary>
public sealed class ProtocolViolation(string message) : Exception(message);

/// <summary>
/// Reads HTTP/1.1 responses from a stream as a strict client does, so that any framing fault
/// shows: a status line or field that is not RFC 9112's grammar, a bare LF, Content-Length
/// together with Transfer-Encoding or twice with different values, a body on a HEAD, 1xx, 204
/// or 304 answer (it is read as the next response's status line and refused), bad chunk sizes.
/// </summary>
public sealed class ResponseReader(Stream stream)
{
    private static readonly Regex StatusLine = new(@"^(HTTP/1\.[01]) ([1-9][0-9]{2}) [\t\x20-\x7e\x80-\xff]*$", RegexOptions.CultureInvariant);

    // RFC 9110 §5.1 token, §5.5 field value (visible characters, spaces and tabs, obs-text).
    private static readonly Regex FieldLine = new(@"^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\x21-\x7e\x80-\xff]([\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?[ \t]*$", RegexOptions.CultureInvariant);

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    /// <summary>Whether the stream has ended with no byte left unread (the server closed cleanly).</summary>
    public bool AtEnd => _start == _end && Fill() == 0;

    /// <summary>Reads one final response and the interim (1xx) ones before it, for a request of this method.</summary>
    public HttpResponse Read(string method = "GET")
    {
        var interim = new List<int>();
        while (true)
        {
            string line = ReadLine("status line");
            Match m = StatusLine.Match(line);
            if (!m.Success) throw new ProtocolViolation("not a status line: " + Show(line));
            int status = int.Parse(m.Groups[2].Value);
            var fields = ReadFields();
            if (status < 200)
            {
                if (fields.Any(f => IsFraming(f.Key))) throw new ProtocolViolation($"a {status} response with a framing field");
                if (status == 101) return new HttpResponse(m.Groups[1].Value, status, fields, Array.Empty<byte>(), interim);
                interim.Add(status);
                continue;
            }
            byte[] body = ReadBody(method, status, fields);
            return new HttpResponse(m.Groups[1].Value, status, fields, body, interim);
        }
    }

    private static bool IsFraming(string name) => name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase);

    private List<KeyValuePair<string, string>> ReadFields()
    {
        var fields = new List<KeyValuePair<string, string>>();
        while (true)
        {
            string line = ReadLine("field line");
            if (line.Length == 0) return fields;
            if (line[0] is ' ' or '\t') throw new ProtocolViolation("obs-fold in a response: " + Show(line));
            Match m = FieldLine.Match(line);
            if (!m.Success) throw new ProtocolViolation("not a field line: " + Show(line));
            fields.Add(new(m.Groups[1].Value, m.Groups[2].Value));
        }
    }

    private byte[] ReadBody(string method, int status, List<KeyValuePair<string, string>> fields)
    {
        var lengths = fields.Where(f => f.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToList();
        var codings = fields.Where(f => f.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToList();
        // RFC 9112 §6.1: a sender MUST NOT send Content-Length in a message with Transfer-Encoding.
        if (lengths.Count > 0 && codings.Count > 0) throw new ProtocolViolation("Content-Length and Transfer-Encoding together");
        // RFC 9110 §8.6: several Content-Length values are a fault unless they are all the same.
        var distinct = lengths.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (distinct.Count > 1) throw new ProtocolViolation("Content-Length values differ: " + string.Join(", ", distinct));
        long? length = null;
        if (distinct.Count == 1)
        {
            if (!Regex.IsMatch(distinct[0], "^[0-9]{1,18}$")) throw new ProtocolViolation("Content-Length is not a number: " + distinct[0]);
            length = long.Parse(distinct[0]);
        }
        // RFC 9112 §6.3 (1): HEAD, 204 and 304 end at the empty line, whatever the fields say.
        if (method == "HEAD" || status is 204 or 304)
        {
            if (status == 204 && (length is not null || codings.Count > 0)) throw new ProtocolViolation("204 with a framing field");
            return Array.Empty<byte>();
        }
        if (codings.Count > 0)
        {
            string last = string.Join(",", codings).Split(',', StringSplitOptions.TrimEntries).Last();
            if (last.Equals("chunked", StringComparison.OrdinalIgnoreCase)) return ReadChunked();
            return ReadToEnd();
        }
        if (length is not null) return ReadExactly(length.Value);
        return ReadToEnd();
    }

    private byte[] ReadChunked()
    {
        var body = new MemoryStream();
        while (true)
        {
            string size = ReadLine("chunk size");
            Match m = Regex.Match(size, @"^([0-9A-Fa-f]{1,15})(;[^\r\n]*)?$");
            if (!m.Success) throw new ProtocolViolation("bad chunk size line: " + Show(size));
            long n = Convert.ToInt64(m.Groups[1].Value, 16);
            if (n == 0)
            {
                ReadFields(); // trailers, up to the empty line
                return body.ToArray();
            }
            body.Write(ReadExactly(n));
            if (ReadLine("chunk end").Length != 0) throw new ProtocolViolation("chunk data longer than its size");
        }
    }

    private byte[] ReadExactly(long length)
    {
        var body = new byte[length];
        long got = 0;
        while (got < length)
        {
            if (_start == _end && Fill() == 0) throw new ProtocolViolation($"body cut at {got} of {length} bytes");
            int n = (int)Math.Min(length - got, _end - _start);
            Array.Copy(_buffer, _start, body, got, n);
            _start += n;
            got += n;
        }
        return body;
    }

    private byte[] ReadToEnd()
    {
        var body = new MemoryStream();
        while (_start < _end || Fill() > 0)
        {
            body.Write(_buffer, _start, _end - _start);
            _start = _end;
        }
        return body.ToArray();
    }

    /// <summary>One line ending in CRLF (a bare LF is a fault: RFC 9112 §2.2 lets a recipient accept it, a strict client does not).</summary>
    private string ReadLine(string what)
    {
        int scanned = 0; // bytes after _start already searched (Fill may move _start)
        while (true)
        {
            int lf = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (lf >= 0)
            {
                if (lf == _start || _buffer[lf - 1] != '\r') throw new ProtocolViolation(what + " ends in a bare LF");
                string line = Encoding.Latin1.GetString(_buffer, _start, lf - 1 - _start);
                _start = lf + 1;
                return line;
            }
            scanned = _end - _start;
            if (scanned == _buffer.Length) throw new ProtocolViolation(what + " longer than " + _buffer.Length + " bytes");
            if (Fill() == 0)
            {
                throw _start == _end && what == "status line"
                    ? new EndOfStreamException("the server closed the connection before a response")
                    : new ProtocolViolation("the stream ended inside a " + what);
            }
        }
    }

    private int Fill()
    {
        if (_start == _end) _start = _end = 0;
        else if (_end == _buffer.Length)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        int n = stream.Read(_buffer, _end, _buffer.Length - _end);
        _end += n;
        return n;
    }

    private static string Show(string line) => "'" + (line.Length > 80 ? line[..80] + "..." : line) + "'";
}
