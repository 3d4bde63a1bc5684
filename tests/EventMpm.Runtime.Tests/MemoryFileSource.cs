using System.Collections.Generic;
using EventMpm.Configuration;
using EventMpm.Configuration.Syntax;

namespace EventMpm.Runtime.Tests;

/// <summary>Configuration files held in memory, under /etc/site unless a path says otherwise.</summary>
public sealed class MemoryFileSource : IConfigFileSource
{
    public const string Root = "/etc/site";
    public const string Main = Root + "/httpd.conf";

    private readonly Dictionary<string, string> _files = new();

    public MemoryFileSource Add(string path, string text)
    {
        _files[ConfigPath.Combine(Root, path)] = text;
        return this;
    }

    public IEnumerable<string> Files => _files.Keys;

    public string SearchScope => "test files";

    public bool TryRead(string path, out string text) => _files.TryGetValue(ConfigPath.Normalize(path), out text!);

    /// <summary>Compiles <c>httpd.conf</c> with the given text (and any files added before).</summary>
    public static ConfigResult Compile(string conf, MemoryFileSource? files = null, params ProjectDirective[] directives)
    {
        files ??= new MemoryFileSource();
        files.Add("httpd.conf", conf);
        return ConfigCompiler.Compile(files, new[] { Main }, directives, Root);
    }
}
