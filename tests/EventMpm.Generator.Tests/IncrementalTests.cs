extern alias generator;

using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using StepNames = generator::EventMpm.Generator.ConfigGenerator.StepNames;

namespace EventMpm.Generator.Tests;

/// <summary>The pipeline caches: a C# edit leaves the configuration steps untouched; a configuration edit re-runs them.</summary>
public sealed class IncrementalTests
{
    private const string Conf = "Listen 80\nThreadsPerChild 25\n";

    [Fact]
    public void An_unrelated_code_edit_leaves_the_parse_cached()
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(TestProject.WithConf(Conf));
        CSharpCompilation compilation = GeneratorHarness.BaseCompilation(CSharpSyntaxTree.ParseText("class A { }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class B { int x = 1; }", GeneratorHarness.ParseOptions)));

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        foreach (string step in new[] { StepNames.Files, StepNames.Parse, StepNames.Emit })
        {
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
        }
    }

    [Fact]
    public void A_configuration_edit_reparses()
    {
        var project = TestProject.WithConf(Conf);
        var texts = GeneratorHarness.AdditionalTexts(project);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(project, texts);
        CSharpCompilation compilation = GeneratorHarness.BaseCompilation();
        driver = driver.RunGenerators(compilation);

        AdditionalText old = texts.Single();
        driver = driver.ReplaceAdditionalText(old, new EditedText(old.Path, "Listen 80\nThreadsPerChild 20\nMaxRequestWorkers 80\n"));
        driver = driver.RunGenerators(compilation);

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, result.TrackedSteps[StepNames.Parse].Single().Outputs.Single().Reason);
        Assert.Contains("ThreadsPerChild => 20;", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void The_model_holds_no_compilation_objects()
    {
        foreach (Type root in new[] { typeof(generator::EventMpm.Generator.EmitModel), typeof(generator::EventMpm.Generator.GeneratorInput) })
        {
            AssertPlainData(root, new System.Collections.Generic.HashSet<Type>());
        }
    }

    private static void AssertPlainData(Type type, System.Collections.Generic.HashSet<Type> seen)
    {
        if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string)) return;
        Assert.False(type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true, type + " is a Roslyn type in the model");
        foreach (Type argument in type.GetGenericArguments()) AssertPlainData(argument, seen);
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0) AssertPlainData(property.PropertyType, seen);
        }
    }

    private sealed class EditedText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
