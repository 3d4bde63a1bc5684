using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using EventMpm.Configuration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace EventMpm.Generator;

/// <summary>
/// Reads the project's httpd-style configuration and emits <c>CompiledConfig</c> and the entry
/// point. This file only wires the stages: inputs (Inputs.cs), parse (the shared
/// <see cref="ConfigCompiler"/>), emit (Emitter.cs); diagnostics travel in their own output.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ConfigGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names, for the incremental-caching tests.</summary>
    public static class StepNames
    {
        public const string Files = "EventMpm.Files";
        public const string Project = "EventMpm.Project";
        public const string Parse = "EventMpm.Parse";
        public const string Emit = "EventMpm.EmitModel";
        public const string Handlers = "EventMpm.Handlers";
    }

    /// <summary>
    /// The configuration's regular expressions (Header edit rules) are checked here, with the
    /// engine the emitted code will run them on; the runtime itself never parses one.
    /// </summary>
    static ConfigGenerator()
    {
        EventMpm.Configuration.Directives.DirectiveCatalog.PatternProblem = static pattern =>
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
                return null;
            }
            catch (System.ArgumentException e)
            {
                return e.Message;
            }
        };
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // On the runtime itself: the contract's constants, and nothing else (it has no configuration).
        IncrementalValueProvider<bool> isRuntime = context.CompilationProvider
            .Select(static (c, _) => c.AssemblyName == ContractEmitter.RuntimeAssembly);
        context.RegisterSourceOutput(isRuntime, static (spc, runtime) =>
        {
            if (runtime) spc.AddSource(ContractEmitter.HintName, ContractEmitter.Emit());
        });

        IncrementalValueProvider<EquatableArray<ConfigFile>> files = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => Inputs.ReadFile(pair.Left, pair.Right, ct))
            .Where(static file => file is not null)
            .Collect()
            .Select(static (list, _) => Inputs.Sort(list!))
            .WithTrackingName(StepNames.Files);

        IncrementalValueProvider<ProjectInfo> project = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => Inputs.ReadProject(options.GlobalOptions))
            .WithTrackingName(StepNames.Project);

        IncrementalValueProvider<(ConfigResult? Result, GeneratorInput Input)> parsed = files
            .Combine(project)
            .Select(static (pair, ct) => Parse(new GeneratorInput(pair.Left, pair.Right), ct))
            .WithTrackingName(StepNames.Parse);

        IncrementalValueProvider<EquatableArray<HandlerCheck>> handlers = parsed
            .Select(static (p, _) => p.Result?.Settings.CodeHandlers ?? EquatableArray<HandlerReference>.Empty)
            .Combine(context.CompilationProvider)
            .Select(static (pair, ct) => HandlerChecks.Check(pair.Left, pair.Right, ct))
            .WithTrackingName(StepNames.Handlers);

        IncrementalValueProvider<EmitModel?> model = parsed
            .Combine(handlers)
            .Select(static (pair, _) => pair.Left.Result is null ? null
                : new EmitModel(pair.Left.Result.Settings, Inputs.SourceNames(pair.Left.Input), pair.Left.Input.Project.EmitEntryPoint, pair.Right))
            .WithTrackingName(StepNames.Emit);

        context.RegisterSourceOutput(model.Combine(isRuntime), static (spc, pair) =>
        {
            if (pair.Left is not null && !pair.Right) spc.AddSource(Emitter.HintName, Emitter.Emit(pair.Left));
        });

        context.RegisterSourceOutput(parsed.Combine(isRuntime), static (spc, pair) =>
        {
            var p = pair.Left;
            if (p.Result is null || pair.Right) return;
            var locator = new Locator(p.Input.Files);
            foreach (ConfigDiagnostic d in p.Result.Diagnostics)
            {
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.For(d.Id), locator.Find(d.Location), d.Message));
            }
        });

        context.RegisterSourceOutput(handlers.Combine(files), static (spc, pair) =>
        {
            var locator = new Locator(pair.Right);
            foreach (HandlerCheck check in pair.Left)
            {
                if (!check.IsValid) spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.For(check.DiagnosticId), locator.Find(check.Location), check.Problem));
            }
        });
    }

    /// <summary>
    /// Runs the shared compiler. No configuration at all (a project that references EventMpm but
    /// names no files and no directives) is still compiled, so the user hears EMPM040. Any
    /// exception is a bug in EventMpm: it becomes EMPM099 rather than a crashed generator.
    /// </summary>
    internal static (ConfigResult? Result, GeneratorInput Input) Parse(GeneratorInput input, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        try
        {
            var source = new AdditionalFileSource(input.Files);
            List<ProjectDirective> directives = Inputs.ReadProjectDirectives(input);
            return (ConfigCompiler.Compile(source, source.MainFiles, directives, input.Project.Directory), input);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            var diagnostic = new ConfigDiagnostic(DiagnosticCatalog.InternalError.Id, DiagnosticLevel.Error,
                "The configuration compiler failed (please report this): " + e.GetType().Name + ": " + e.Message, SourceLocation.None);
            return (new ConfigResult(new ServerSettings(), new EquatableArray<ConfigDiagnostic>(new[] { diagnostic })), input);
        }
    }
}
