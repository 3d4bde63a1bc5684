using System.Collections.Generic;

namespace EventMpm.Configuration.Syntax;

/// <summary>
/// One directive's text after httpd's line handling (backslash continuation joined, outer
/// whitespace trimmed), remembering where each character was in the file so diagnostics can
/// point at the exact token even on a continued line.
/// </summary>
public sealed class LogicalLine
{
    private readonly string _file;
    private readonly int[] _segmentOffsets; // offset in the untrimmed joined text where a physical line starts
    private readonly int[] _segmentLines;
    private readonly int _trimmed;          // leading characters removed by the trim

    internal LogicalLine(string file, string text, int trimmed, int[] segmentOffsets, int[] segmentLines)
    {
        _file = file;
        Text = text;
        _trimmed = trimmed;
        _segmentOffsets = segmentOffsets;
        _segmentLines = segmentLines;
    }

    public string Text { get; }

    public string File => _file;

    /// <summary>Maps a character range of <see cref="Text"/> back to the file.</summary>
    public SourceLocation Locate(int offset, int length)
    {
        int raw = offset + _trimmed;
        int segment = 0;
        for (int i = 1; i < _segmentOffsets.Length; i++)
        {
            if (_segmentOffsets[i] <= raw) segment = i;
        }
        int column = raw - _segmentOffsets[segment] + 1;
        return new SourceLocation(_file, _segmentLines[segment], column, length);
    }

    /// <summary>A line that is not in any file: a directive given on the command line (-C).</summary>
    public static LogicalLine FromCommandLine(string origin, string text)
    {
        string trimmedStart = text.TrimStart();
        int trimmed = text.Length - trimmedStart.Length;
        return new LogicalLine(origin, trimmedStart.TrimEnd(), trimmed, new[] { 0 }, new[] { 1 });
    }
}

/// <summary>Splits a file into logical lines as httpd's <c>ap_cfg_getline</c> does.</summary>
public static class LogicalLineReader
{
    public static List<LogicalLine> Read(string file, string text)
    {
        var lines = new List<LogicalLine>();
        var joined = new System.Text.StringBuilder();
        var offsets = new List<int>();
        var numbers = new List<int>();
        int lineNumber = 0;
        int position = 0;
        while (position <= text.Length)
        {
            int end = text.IndexOf('\n', position);
            bool last = end < 0;
            if (last) end = text.Length;
            string physical = text.Substring(position, end - position);
            if (physical.EndsWith("\r")) physical = physical.Substring(0, physical.Length - 1);
            lineNumber++;
            position = end + 1;

            offsets.Add(joined.Length);
            numbers.Add(lineNumber);
            // A backslash right before the end of line joins the next line (no blank may follow it).
            bool continues = physical.EndsWith("\\") && !last;
            joined.Append(continues ? physical.Substring(0, physical.Length - 1) : physical);
            if (continues) continue;

            string raw = joined.ToString();
            string trimmedStart = raw.TrimStart();
            string content = trimmedStart.TrimEnd();
            if (content.Length > 0 && content[0] != '#')
            {
                lines.Add(new LogicalLine(file, content, raw.Length - trimmedStart.Length, offsets.ToArray(), numbers.ToArray()));
            }
            joined.Clear();
            offsets.Clear();
            numbers.Clear();
            if (last) break;
        }
        return lines;
    }
}
