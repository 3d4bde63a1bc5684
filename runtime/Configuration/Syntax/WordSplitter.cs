using System.Collections.Generic;
using System.Text;

namespace EventMpm.Configuration.Syntax;

/// <summary>
/// Splits a logical line into words as httpd's <c>ap_getword_conf</c> does: blanks separate
/// words; a word starting with a single or double quote runs to the matching quote, inside
/// which <c>\"</c> (or <c>\'</c>) and <c>\\</c> are unescaped; outside quotes only <c>\\</c> is.
/// </summary>
public static class WordSplitter
{
    public static List<Word> Split(ExpandedLine line)
    {
        string text = line.Text;
        var words = new List<Word>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && IsBlank(text[i])) i++;
            if (i >= text.Length) break;
            int start = i;
            var value = new StringBuilder();
            char quote = text[i];
            if (quote == '"' || quote == '\'')
            {
                i++;
                while (i < text.Length && text[i] != quote)
                {
                    if (text[i] == '\\' && i + 1 < text.Length && (text[i + 1] == quote || text[i + 1] == '\\')) i++;
                    value.Append(text[i]);
                    i++;
                }
                if (i < text.Length) i++; // the closing quote
                words.Add(new Word(value.ToString(), line.Locate(start, i - start), true));
            }
            else
            {
                while (i < text.Length && !IsBlank(text[i]))
                {
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '\\') i++;
                    value.Append(text[i]);
                    i++;
                }
                words.Add(new Word(value.ToString(), line.Locate(start, i - start), false));
            }
        }
        return words;
    }

    private static bool IsBlank(char c) => c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n';
}
