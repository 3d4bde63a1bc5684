using System;
using System.Collections.Generic;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using EventMpm.Native;

namespace EventMpm.Site;

/// <summary>
/// mod_alias' Alias lines, each target opened once at start as a root of its own (a directory,
/// or the directory of a file alias), so a path beneath it is resolved as DocumentRoot's are:
/// openat2 beneath the root, never outside it. The first line whose URL-path the request's path
/// begins with (at a segment boundary) serves it.
/// </summary>
internal sealed class AliasTable : IDisposable
{
    private readonly (string Path, DocumentRoot Root, string? File)[] _aliases;

    /// <param name="resolve">Makes a relative target absolute (under ServerRoot).</param>
    public AliasTable(IReadOnlyList<AliasRule> rules, Func<string, string> resolve)
    {
        var aliases = new List<(string, DocumentRoot, string?)>();
        try
        {
            foreach (AliasRule rule in rules)
            {
                string target = resolve(rule.Target);
                string trimmed = target.Length > 1 ? target.TrimEnd('/') : target;
                if (System.IO.Directory.Exists(trimmed)) aliases.Add((rule.Path, new DocumentRoot(trimmed), null));
                else if (System.IO.File.Exists(trimmed))
                    aliases.Add((rule.Path, new DocumentRoot(System.IO.Path.GetDirectoryName(trimmed) ?? "/"), System.IO.Path.GetFileName(trimmed)));
                else throw new InvalidOperationException("Alias " + rule.Path + " " + rule.Target + ": " + target + " is neither a directory nor a file");
            }
        }
        catch
        {
            foreach (var (_, root, _) in aliases) root.Dispose();
            throw;
        }
        _aliases = aliases.ToArray();
    }

    public bool IsEmpty => _aliases.Length == 0;

    /// <summary>
    /// The root a decoded path is served from and the path beneath it (null: nothing there, a
    /// path beneath a file alias); false when no Alias takes the path (DocumentRoot serves it).
    /// </summary>
    public bool Map(string path, out DocumentRoot root, out string? relative)
    {
        foreach (var (alias, aliasRoot, file) in _aliases)
        {
            int matched = ProxyPathMatch.Length(path, alias);
            if (matched < 0) continue;
            root = aliasRoot;
            string rest = path.Substring(matched).TrimStart('/');
            // A file alias serves its file for its own path only; anything beneath is absent.
            relative = file is null ? rest : rest.Length == 0 ? file : null;
            return true;
        }
        root = null!;
        relative = "";
        return false;
    }

    public void Dispose()
    {
        foreach (var (_, root, _) in _aliases) root.Dispose();
    }
}
