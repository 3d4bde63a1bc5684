using System;
using System.Collections.Generic;

namespace EventMpm.Configuration.Certificates;

/// <summary>
/// One <c>-----BEGIN label-----</c> block of a PEM file (RFC 7468), decoded. Text outside the
/// blocks is ignored, as OpenSSL's PEM reader ignores it (files often carry "subject=" lines).
/// </summary>
internal sealed class PemBlock
{
    private PemBlock(string label, byte[] data, bool hasEncryptionHeader, int line)
    {
        Label = label;
        Data = data;
        HasEncryptionHeader = hasEncryptionHeader;
        Line = line;
    }

    public string Label { get; }

    public byte[] Data { get; }

    /// <summary>A legacy encrypted key (RFC 1421 headers: <c>Proc-Type: 4,ENCRYPTED</c>).</summary>
    public bool HasEncryptionHeader { get; }

    /// <summary>The 1-based line of the BEGIN marker, for messages.</summary>
    public int Line { get; }

    /// <exception cref="FormatException">A block that is not closed or whose base64 is broken.</exception>
    public static List<PemBlock> ReadAll(string text)
    {
        var blocks = new List<PemBlock>();
        string[] lines = text.Replace("\r", "").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (!line.StartsWith("-----BEGIN ", StringComparison.Ordinal) || !line.EndsWith("-----", StringComparison.Ordinal)) continue;
            string label = line.Substring(11, line.Length - 16);
            int begin = i + 1;
            var body = new System.Text.StringBuilder();
            bool encrypted = false;
            bool closed = false;
            for (i++; i < lines.Length; i++)
            {
                string inner = lines[i].Trim();
                if (inner == "-----END " + label + "-----")
                {
                    closed = true;
                    break;
                }
                if (inner.IndexOf(':') >= 0)
                {
                    encrypted |= inner.StartsWith("Proc-Type:", StringComparison.Ordinal) && inner.IndexOf("ENCRYPTED", StringComparison.Ordinal) >= 0;
                    continue;
                }
                body.Append(inner);
            }
            if (!closed) throw new FormatException("the block '" + label + "' that begins on line " + begin + " has no END line");
            byte[] data;
            try { data = Convert.FromBase64String(body.ToString()); }
            catch (FormatException) { throw new FormatException("the block '" + label + "' that begins on line " + begin + " is not valid base64"); }
            blocks.Add(new PemBlock(label, data, encrypted, begin));
        }
        return blocks;
    }
}
