using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace EventMpm.EndToEnd.Tests.Conformance;

/// <summary>What a server must do with a case's bytes (the corpus's <c>expect</c>).</summary>
public enum Expectation
{
    /// <summary>Answer every complete request with an accepting status.</summary>
    Accept,

    /// <summary>Answer the complete requests, then refuse (a 4xx/505, or a close) at the fault.</summary>
    Reject,

    /// <summary>Answer every complete request, then close (HTTP/1.0 without keep-alive, <c>Connection: close</c>).</summary>
    AcceptThenClose,

    /// <summary>Answer the complete requests and wait for the rest of a body.</summary>
    IncompleteBody,

    /// <summary>Answer the complete requests and wait for the rest of a head.</summary>
    IncompleteHeaders,

    /// <summary>Either is right (the sources disagree, or only a lenient parser accepts): not scored.</summary>
    Unscored,
}

/// <summary>
/// One case of a request corpus (tests/conformance/*.jsonl, sources in SOURCES.md): raw bytes,
/// what must happen, and the requests a parser completed before any fault.
/// </summary>
public sealed record CorpusCase(string Id, string Name, Expectation Expect, byte[] Bytes, bool HalfClose, IReadOnlyList<(string Method, bool Complete)> Messages)
{
    private static readonly byte[] HostField = Encoding.ASCII.GetBytes("Host: localhost\r\n");

    public static IReadOnlyList<CorpusCase> Load(string path) => File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(Parse).ToList();

    private static CorpusCase Parse(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement c = document.RootElement;
        byte[] raw = Convert.FromBase64String(c.GetProperty("raw_b64").GetString()!);
        // Parser corpora leave Host out (any HTTP/1.1 server refuses a request without it) and
        // say where it goes.
        if (c.TryGetProperty("host_insert_at", out JsonElement at))
        {
            foreach (int offset in at.EnumerateArray().Select(e => e.GetInt32()).Distinct().OrderDescending())
            {
                raw = [.. raw[..offset], .. HostField, .. raw[offset..]];
            }
        }
        var messages = new List<(string, bool)>();
        if (c.TryGetProperty("messages", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement m in list.EnumerateArray())
            {
                messages.Add((m.TryGetProperty("method", out var method) ? method.GetString() ?? "" : "", m.TryGetProperty("complete", out var done) && done.GetBoolean()));
            }
        }
        Expectation expect = c.GetProperty("expect").GetString() switch
        {
            "accept" => Expectation.Accept,
            "reject" => Expectation.Reject,
            "accept-then-close" => Expectation.AcceptThenClose,
            "incomplete-body" => Expectation.IncompleteBody,
            "incomplete-headers" => Expectation.IncompleteHeaders,
            "either" or "lenient-only" or "upgrade" => Expectation.Unscored,
            var other => throw new InvalidDataException("unknown expectation " + other),
        };
        return new CorpusCase(c.GetProperty("id").GetString()!, c.GetProperty("name").GetString() ?? "", expect, raw,
            c.TryGetProperty("half_close", out JsonElement half) && half.GetBoolean(), messages);
    }

    /// <summary>The requests a parser completed: the answers an accepting server owes.</summary>
    public int Complete => Messages.Count(m => m.Complete);

    /// <summary>The methods in order, so that a HEAD's answer is read without a body.</summary>
    public IEnumerable<string> Methods => Messages.Count > 0
        ? Messages.Select(m => m.Method)
        : new[] { Encoding.Latin1.GetString(Bytes).TrimStart('\r', '\n').Split(' ')[0] };

    /// <summary>Whether the bytes hold a Content-Length or Transfer-Encoding: a server may then answer before it reads the body it refuses.</summary>
    public bool HasBody => HasField("content-length") || HasField("transfer-encoding");

    /// <summary>A request line without an HTTP version: HTTP/0.9, which has no status line in its answer.</summary>
    public bool IsHttp09 => !System.Text.RegularExpressions.Regex.IsMatch(Encoding.Latin1.GetString(Bytes), @"^[\r\n]*\S+ \S+ \S*HTTP/");

    public bool HasField(string name)
        => Encoding.Latin1.GetString(Bytes).Split('\n').Any(l => l.TrimStart(' ', '\t').StartsWith(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether a second request follows the case on its connection: its answer shows the server
    /// read the case's framing to its true end. Only for a case with a whole head, whose requests
    /// all complete when it is to be accepted.
    /// </summary>
    public bool WantsFollowUp
    {
        get
        {
            if (HalfClose || Expect is not (Expectation.Accept or Expectation.Reject or Expectation.Unscored)) return false;
            string text = Encoding.Latin1.GetString(Bytes);
            if (!text.Contains("\n\n") && !text.Contains("\n\r\n")) return false;
            return Expect != Expectation.Accept || Messages.All(m => m.Complete);
        }
    }

    public override string ToString() => Id;
}
