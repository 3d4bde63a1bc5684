using System.Collections.Generic;

namespace EventMpm.Configuration.Syntax;

/// <summary>Path arithmetic on '/'-separated paths, without touching the file system.</summary>
public static class ConfigPath
{
    public static bool IsAbsolute(string path)
        => path.StartsWith("/", System.StringComparison.Ordinal) || (path.Length > 2 && path[1] == ':' && (path[2] == '/' || path[2] == '\\'));

    public static string Directory(string path)
    {
        string p = path.Replace('\\', '/');
        int slash = p.LastIndexOf('/');
        return slash <= 0 ? (slash == 0 ? "/" : "") : p.Substring(0, slash);
    }

    public static string FileName(string path)
    {
        string p = path.Replace('\\', '/');
        return p.Substring(p.LastIndexOf('/') + 1);
    }

    /// <summary>Joins and removes <c>.</c> and <c>..</c> segments.</summary>
    public static string Combine(string baseDirectory, string path)
    {
        string joined = IsAbsolute(path) || baseDirectory.Length == 0 ? path : baseDirectory.TrimEnd('/', '\\') + "/" + path;
        return Normalize(joined);
    }

    public static string Normalize(string path)
    {
        string p = path.Replace('\\', '/');
        bool rooted = p.StartsWith("/", System.StringComparison.Ordinal);
        var parts = new List<string>();
        foreach (string part in p.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..") parts.RemoveAt(parts.Count - 1);
            else parts.Add(part);
        }
        return (rooted ? "/" : "") + string.Join("/", parts);
    }

    /// <summary>The path relative to <paramref name="baseDirectory"/> when it lies beneath it, else the path itself.</summary>
    public static string RelativeTo(string baseDirectory, string path)
    {
        if (baseDirectory.Length == 0) return path;
        string b = Normalize(baseDirectory).TrimEnd('/') + "/";
        string p = Normalize(path);
        return p.StartsWith(b, System.StringComparison.Ordinal) ? p.Substring(b.Length) : p;
    }

    public static bool HasWildcard(string path) => path.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

    /// <summary>
    /// The files an <c>Include</c> pattern names among <paramref name="files"/>, in alphabetical
    /// order as httpd reads them: fnmatch wildcards in any segment, and a directory (or a wildcard
    /// that matches one) includes every file beneath it.
    /// </summary>
    public static List<string> Match(string pattern, IEnumerable<string> files)
    {
        string[] patternParts = Normalize(pattern).Split('/');
        var matches = new List<string>();
        foreach (string file in files)
        {
            string[] fileParts = Normalize(file).Split('/');
            if (fileParts.Length < patternParts.Length) continue;
            bool all = true;
            for (int i = 0; i < patternParts.Length && all; i++) all = FnMatch(patternParts[i], fileParts[i]);
            if (all) matches.Add(file);
        }
        matches.Sort(System.StringComparer.Ordinal);
        return matches;
    }

    /// <summary>fnmatch(3) for one path segment: <c>*</c>, <c>?</c> and <c>[...]</c> (with <c>!</c> or <c>^</c> negation).</summary>
    public static bool FnMatch(string pattern, string text) => FnMatch(pattern, 0, text, 0);

    private static bool FnMatch(string p, int pi, string t, int ti)
    {
        while (pi < p.Length)
        {
            char c = p[pi];
            if (c == '*')
            {
                for (int k = ti; k <= t.Length; k++) if (FnMatch(p, pi + 1, t, k)) return true;
                return false;
            }
            if (ti >= t.Length) return false;
            if (c == '?') { pi++; ti++; continue; }
            if (c == '[')
            {
                int close = p.IndexOf(']', pi + 2);
                if (close > 0)
                {
                    bool negate = p[pi + 1] == '!' || p[pi + 1] == '^';
                    bool found = false;
                    for (int k = pi + (negate ? 2 : 1); k < close; k++)
                    {
                        if (k + 2 < close && p[k + 1] == '-') { found |= t[ti] >= p[k] && t[ti] <= p[k + 2]; k += 2; }
                        else found |= t[ti] == p[k];
                    }
                    if (found == negate) return false;
                    pi = close + 1;
                    ti++;
                    continue;
                }
            }
            if (c != t[ti]) return false;
            pi++;
            ti++;
        }
        return ti == t.Length;
    }
}

/// <summary>
/// The files the reader may open. The generator backs it with the build's additional files (a
/// generator must not read the disk itself); tests back it with a dictionary.
/// </summary>
public interface IConfigFileSource
{
    bool TryRead(string path, out string text);

    /// <summary>Every file that an Include may name, as full paths.</summary>
    IEnumerable<string> Files { get; }

    /// <summary>Says where files are looked for, appended to "not found" messages.</summary>
    string SearchScope { get; }
}
