extern alias generator;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using EventMpm.Contract;
using EventMpm.Hosting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ConfigGenerator = generator::EventMpm.Generator.ConfigGenerator;

namespace EventMpm.Generator.Tests;

/// <summary>A project as the build would hand it to the generator: files with roles, and Directive items.</summary>
public sealed record TestProject
{
    public const string Directory = "/src/Site";
    public const string MainPath = Directory + "/httpd.conf";
    public const string ProjectPath = Directory + "/Site.csproj";

    public List<(string Path, string Text)> Main { get; init; } = new();
    public List<(string Path, string Text)> Includes { get; init; } = new();
    public List<(string Name, string Value)> Directives { get; init; } = new();
    /// <summary>PEM files under the project (*.pem, *.crt, *.key), which the build hands over for checking.</summary>
    public List<(string Path, string Text)> Certificates { get; init; } = new();
    public string? ProjectText { get; init; }
    public bool EntryPoint { get; init; } = true;

    public static TestProject WithConf(string text) => new() { Main = { (MainPath, text) } };
}

/// <summary>Runs the real generator through Roslyn's driver, as the compiler does during a build.</summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation BaseCompilation(params SyntaxTree[] trees) => CSharpCompilation.Create(
        "Site", trees, References, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>The running framework's assemblies plus EventMpm.Runtime: what a consuming project compiles against.</summary>
    public static readonly ImmutableArray<MetadataReference> References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
        .Append(typeof(IServerConfig).Assembly.Location)
        .Distinct()
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToImmutableArray();

    public static GeneratorDriver CreateDriver(TestProject project) => CreateDriver(project, AdditionalTexts(project));

    public static GeneratorDriver CreateDriver(TestProject project, ImmutableArray<AdditionalText> texts) => CSharpGeneratorDriver.Create(
        new[] { new ConfigGenerator().AsSourceGenerator() },
        texts,
        ParseOptions,
        new TestOptions(project),
        new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <param name="code">C# sources of the project beside its configuration (its handlers, say).</param>
    public static GeneratorRun Run(TestProject project, params string[] code)
    {
        SyntaxTree[] trees = code.Select(c => CSharpSyntaxTree.ParseText(c, ParseOptions)).ToArray();
        GeneratorDriver driver = CreateDriver(project).RunGeneratorsAndUpdateCompilation(BaseCompilation(trees), out Compilation output, out _);
        return new GeneratorRun(driver.GetRunResult(), output);
    }

    public static ImmutableArray<AdditionalText> AdditionalTexts(TestProject project)
    {
        var texts = new List<AdditionalText>();
        foreach (var (path, text) in project.Main) texts.Add(new TestText(path, text));
        foreach (var (path, text) in project.Includes) texts.Add(new TestText(path, text));
        foreach (var (path, text) in project.Certificates) texts.Add(new TestText(path, text));
        if (project.Directives.Count > 0)
        {
            texts.Add(new TestText(TestProject.ProjectPath, project.ProjectText ?? ProjectFileFor(project.Directives)));
            texts.Add(new TestText(TestProject.Directory + "/obj/EventMpm.directives", string.Concat(project.Directives.Select(d => d.Name + "\t" + d.Value + "\n"))));
        }
        return texts.ToImmutableArray();
    }

    /// <summary>A project file that declares the Directive items one per line, as a developer writes them.</summary>
    public static string ProjectFileFor(IEnumerable<(string Name, string Value)> directives)
        => "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n"
         + string.Concat(directives.Select(d => "    <Directive Include=\"" + d.Name + "\" Value=\"" + d.Value + "\" />\n"))
         + "  </ItemGroup>\n</Project>\n";

    private sealed class TestText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>The analyzer options the SDK writes into the generated .editorconfig from EventMpm.props and .targets.</summary>
    private sealed class TestOptions(TestProject project) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(new Dictionary<string, string>
        {
            ["build_property.MSBuildProjectDirectory"] = TestProject.Directory,
            ["build_property.MSBuildProjectFullPath"] = TestProject.ProjectPath,
            ["build_property.EventMpmEntryPoint"] = project.EntryPoint ? "true" : "false",
        });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
        {
            string role = project.Main.Any(m => m.Path == textFile.Path) ? "Main"
                : project.Includes.Any(m => m.Path == textFile.Path) ? "Include"
                : project.Certificates.Any(m => m.Path == textFile.Path) ? "Certificate"
                : textFile.Path == TestProject.ProjectPath ? "Project"
                : textFile.Path.EndsWith("EventMpm.directives", StringComparison.Ordinal) ? "Directives" : "";
            return new Options(new Dictionary<string, string> { ["build_metadata.AdditionalFiles.EventMpmRole"] = role });
        }

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(new Dictionary<string, string>());

            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}

/// <summary>One generator run: its diagnostics, its source, and the compilation with that source added.</summary>
public sealed record GeneratorRun(GeneratorDriverRunResult Result, Compilation Compilation)
{
    public ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;

    public string Source => Result.GeneratedTrees.Single().GetText().ToString();

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Compiles the emitted code with the runtime and loads it, for reading its values back.</summary>
    public Assembly Load()
    {
        using var stream = new MemoryStream();
        var emit = Compilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        return new AssemblyLoadContext("emitted", isCollectible: true).LoadFromStream(stream);
    }

    public EventMpm.Configuration.ServerSettings ReadBack()
    {
        Type config = Load().GetType("EventMpm.Generated.CompiledConfig", throwOnError: true)!;
        MethodInfo read = typeof(CompiledSettings).GetMethod(nameof(CompiledSettings.Read))!.MakeGenericMethod(config);
        return (EventMpm.Configuration.ServerSettings)read.Invoke(null, null)!;
    }
}
