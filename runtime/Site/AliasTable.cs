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
    private readonly (AliasRule Rule, DocumentRoot Root, string? File, string Directory, int Index)[] _aliases;
    private readonly Func<int, string, string?> _aliasTo;
    private readonly Func<string, string> _resolve;

    /// <param name="resolve">Makes a relative target absolute (under ServerRoot).</param>
    /// <param name="aliasTo">An AliasMatch's file path for a path, by its place in <paramref name="rules"/> (the configuration's compiled code); null when it does not match.</param>
    public AliasTable(IReadOnlyList<AliasRule> rules, Func<string, string> resolve, Func<int, string, string?>? aliasTo = null)
    {
        _resolve = resolve;
        _aliasTo = aliasTo ?? (static (_, _) => null);
        var aliases = new List<(AliasRule, DocumentRoot, string?, string, int)>();
        try
        {
            for (int index = 0; index < rules.Count; index++)
            {
                AliasRule rule = rules[index];
                if (rule.IsPattern)
                {
                    // Every path it makes lies beneath its fixed directory, opened as its root.
                    string directory = resolve(rule.FixedDirectory);
                    if (!System.IO.Directory.Exists(directory)) throw new InvalidOperationException("AliasMatch " + rule.Path + " " + rule.Target + ": " + directory + " is not a directory");
                    aliases.Add((rule, new DocumentRoot(directory), null, directory, index));
                    continue;
                }
                string target = resolve(rule.Target);
                string trimmed = target.Length > 1 ? target.TrimEnd('/') : target;
                if (System.IO.Directory.Exists(trimmed)) aliases.Add((rule, new DocumentRoot(trimmed), null, trimmed, index));
                else if (System.IO.File.Exists(trimmed))
                    aliases.Add((rule, new DocumentRoot(System.IO.Path.GetDirectoryName(trimmed) ?? "/"), System.IO.Path.GetFileName(trimmed), trimmed, index));
                else throw new InvalidOperationException("Alias " + rule.Path + " " + rule.Target + ": " + target + " is neither a directory nor a file");
            }
        }
        catch
        {
            foreach (var (_, root, _, _, _) in aliases) root.Dispose();
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
        foreach (var (rule, aliasRoot, file, directory, index) in _aliases)
        {
            if (rule.IsPattern)
            {
                if (_aliasTo(index, path) is not string made) continue;
                root = aliasRoot;
                // Beneath the fixed directory, or nothing: openat2 then keeps ".." in a group from climbing out.
                string full = _resolve(made);
                relative = full == directory ? "" : full.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal) ? full.Substring(directory.TrimEnd('/').Length + 1) : null;
                return true;
            }
            string alias = rule.Path;
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
        foreach (var (_, root, _, _, _) in _aliases) root.Dispose();
    }
}
