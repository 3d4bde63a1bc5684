using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using System.Threading;
using EventMpm.Configuration;
using EventMpm.Configuration.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace EventMpm.Generator;

public sealed partial class ConfigGenerator
{
    /// <summary>Turns the build's additional files and properties into plain, comparable records.</summary>
    internal static class Inputs
    {
        private const string RoleMetadata = "build_metadata.AdditionalFiles.EventMpmRole";

        public static ConfigFile? ReadFile(AdditionalText text, AnalyzerConfigOptionsProvider options, CancellationToken ct)
        {
            if (!options.GetOptions(text).TryGetValue(RoleMetadata, out string? role) || string.IsNullOrEmpty(role)) return null;
            string content = text.GetText(ct)?.ToString() ?? "";
            return new ConfigFile(ConfigPath.Normalize(text.Path), role, content);
        }

        /// <summary>Keeps the item order: configuration files are read in the order the project lists them.</summary>
        public static EquatableArray<ConfigFile> Sort(ImmutableArray<ConfigFile?> files)
        {
            var list = new List<ConfigFile>();
            foreach (ConfigFile? f in files) if (f is not null) list.Add(f);
            return new EquatableArray<ConfigFile>(list);
        }

        public static ProjectInfo ReadProject(AnalyzerConfigOptions global)
        {
            global.TryGetValue("build_property.MSBuildProjectDirectory", out string? directory);
            global.TryGetValue("build_property.MSBuildProjectFullPath", out string? project);
            global.TryGetValue("build_property.EventMpmEntryPoint", out string? entry);
            return new ProjectInfo(ConfigPath.Normalize(directory ?? ""), ConfigPath.Normalize(project ?? ""),
                !string.Equals(entry, "false", System.StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>
        /// The <c>Directive</c> items, in project order. Each points at its own line of the project
        /// file: the n-th item named X is the n-th <c>&lt;Directive Include="X"</c> written there.
        /// </summary>
        public static List<ProjectDirective> ReadProjectDirectives(GeneratorInput input)
        {
            var result = new List<ProjectDirective>();
            ConfigFile? projectFile = null;
            foreach (ConfigFile f in input.Files) if (f.Role == FileRoles.Project) projectFile = f;
            string projectPath = projectFile?.Path ?? input.Project.ProjectFile;
            var seen = new Dictionary<string, int>(System.StringComparer.OrdinalIgnoreCase);
            foreach (ConfigFile f in input.Files)
            {
                if (f.Role != FileRoles.Directives) continue;
                foreach (string raw in f.Text.Split('\n'))
                {
                    string line = raw.TrimEnd('\r');
                    if (line.Trim().Length == 0) continue;
                    int tab = line.IndexOf('\t');
                    string name = (tab < 0 ? line : line.Substring(0, tab)).Trim();
                    string value = tab < 0 ? "" : line.Substring(tab + 1);
                    seen.TryGetValue(name, out int n);
                    seen[name] = n + 1;
                    result.Add(new ProjectDirective(name, value, LocateItem(projectPath, projectFile?.Text, name, n)));
                }
            }
            return result;
        }

        private static SourceLocation LocateItem(string projectPath, string? projectText, string name, int occurrence)
        {
            if (projectText is not null)
            {
                var pattern = new Regex("<Directive\\s[^>]*Include\\s*=\\s*[\"']" + Regex.Escape(name) + "[\"'][^>]*>", RegexOptions.IgnoreCase);
                string[] lines = projectText.Split('\n');
                for (int i = 0; i < lines.Length; i++)
                {
                    Match m = pattern.Match(lines[i]);
                    if (!m.Success) continue;
                    if (occurrence-- > 0) continue;
                    return new SourceLocation(projectPath, i + 1, m.Index + 1, m.Length);
                }
            }
            return new SourceLocation(projectPath, 1, 1, 0);
        }

        /// <summary>The files the configuration came from, relative to the project, for the emitted header.</summary>
        public static EquatableArray<string> SourceNames(GeneratorInput input)
        {
            var names = new List<string>();
            foreach (ConfigFile f in input.Files)
            {
                if (f.Role == FileRoles.Main) names.Add(ConfigPath.RelativeTo(input.Project.Directory, f.Path));
                if (f.Role == FileRoles.Directives) names.Add(ConfigPath.FileName(input.Project.ProjectFile) + " (Directive items)");
            }
            return new EquatableArray<string>(names);
        }
    }

    /// <summary>The configuration files an Include may open: the build's additional files with an EventMpm role.</summary>
    private sealed class AdditionalFileSource : IConfigFileSource
    {
        private readonly Dictionary<string, string> _texts = new(System.StringComparer.Ordinal);
        private readonly List<string> _includable = new();

        public AdditionalFileSource(EquatableArray<ConfigFile> files)
        {
            foreach (ConfigFile f in files)
            {
                if (f.Role == FileRoles.Main) MainFiles.Add(f.Path);
                if (f.Role == FileRoles.Main || f.Role == FileRoles.Include) _includable.Add(f.Path);
                if (f.Role == FileRoles.Main || f.Role == FileRoles.Include || f.Role == FileRoles.Certificate) _texts[f.Path] = f.Text;
            }
        }

        public List<string> MainFiles { get; } = new();

        /// <summary>What an Include may match: configuration files, not certificates.</summary>
        public IEnumerable<string> Files => _includable;

        public string SearchScope => "the build reads *.conf files under the project folder and EventMpmInclude items";

        public bool TryRead(string path, out string text) => _texts.TryGetValue(ConfigPath.Normalize(path), out text!);
    }

    /// <summary>Turns a shared <see cref="SourceLocation"/> into a Roslyn location in the additional file.</summary>
    private sealed class Locator
    {
        private readonly Dictionary<string, ConfigFile> _files = new(System.StringComparer.Ordinal);
        private readonly Dictionary<string, SourceText> _texts = new(System.StringComparer.Ordinal);

        public Locator(EquatableArray<ConfigFile> files)
        {
            foreach (ConfigFile f in files) _files[f.Path] = f;
        }

        public Location Find(SourceLocation at)
        {
            if (at.IsNone) return Location.None;
            var start = new LinePosition(at.Line - 1, System.Math.Max(0, at.Column - 1));
            var end = new LinePosition(at.Line - 1, System.Math.Max(0, at.Column - 1) + at.Length);
            TextSpan span = default;
            if (_files.TryGetValue(at.File, out ConfigFile? file))
            {
                if (!_texts.TryGetValue(at.File, out SourceText? text)) _texts[at.File] = text = SourceText.From(file.Text);
                if (start.Line < text.Lines.Count)
                {
                    int offset = text.Lines[start.Line].Start + start.Character;
                    span = new TextSpan(System.Math.Min(offset, text.Length), System.Math.Min(at.Length, System.Math.Max(0, text.Length - offset)));
                }
            }
            return Location.Create(at.File, span, new LinePositionSpan(start, end));
        }
    }
}
