namespace EventMpm.Configuration.Directives;

/// <summary>
/// How a ProxyPass (or Redirect) path matches a request's path (mod_proxy.c: alias_match(), as
/// mod_alias.c: alias_matches()): character by
/// character, except that a run of '/' in either matches a run in the other, and the match
/// must end at a segment boundary unless the ProxyPass path ends with '/' ("/api" covers
/// "/api" and "/api/x", not "/apix").
/// </summary>
public static class ProxyPathMatch
{
    /// <summary>How many characters of <paramref name="path"/> the ProxyPass path <paramref name="alias"/> matched, or -1.</summary>
    public static int Length(System.ReadOnlySpan<char> path, string alias)
    {
        int a = 0, p = 0;
        while (a < alias.Length && p < path.Length)
        {
            if (alias[a] == '/')
            {
                if (path[p] != '/') return -1;
                while (a < alias.Length && alias[a] == '/') a++;
                while (p < path.Length && path[p] == '/') p++;
            }
            else if (path[p++] != alias[a++])
            {
                return -1;
            }
        }
        if (a < alias.Length) return -1; // the path ended first
        if (alias.Length > 0 && alias[alias.Length - 1] != '/' && p < path.Length && path[p] != '/') return -1;
        return p;
    }

    /// <summary>
    /// Whether every path <paramref name="later"/> matches is matched by <paramref name="earlier"/>
    /// too: a path <paramref name="later"/> matches begins with it at a boundary, so it is enough
    /// that <paramref name="earlier"/> matches <paramref name="later"/> itself.
    /// </summary>
    public static bool Covers(string earlier, string later) => Length(later, earlier) >= 0;
}
