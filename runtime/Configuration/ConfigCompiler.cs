using System.Collections.Generic;
using EventMpm.Configuration.Directives;
using EventMpm.Configuration.Syntax;
using EventMpm.Configuration.Validation;

namespace EventMpm.Configuration;

/// <summary>A directive written as an item in the project file: <c>&lt;Directive Include="Name" Value="..." /&gt;</c>.</summary>
public sealed record ProjectDirective(string Name, string Value, SourceLocation Location);

/// <summary>The configuration compiler's answer: the settings (always, so the build reports only the real errors) and what it found.</summary>
public sealed record ConfigResult(ServerSettings Settings, EquatableArray<ConfigDiagnostic> Diagnostics)
{
    public bool HasErrors
    {
        get
        {
            foreach (ConfigDiagnostic d in Diagnostics) if (d.Level == DiagnosticLevel.Error) return true;
            return false;
        }
    }
}

/// <summary>Files and project-file directives in, <see cref="ServerSettings"/> and diagnostics out.</summary>
public static class ConfigCompiler
{
    /// <param name="files">Where the configuration files and anything they Include are read from.</param>
    /// <param name="mainFiles">The configuration files the project names, read in order.</param>
    /// <param name="projectDirectives">Directives from the project file, applied after the files.</param>
    /// <param name="originBase">Origins are shown relative to this directory (the project's).</param>
    public static ConfigResult Compile(IConfigFileSource files, IReadOnlyList<string> mainFiles, IReadOnlyList<ProjectDirective> projectDirectives, string originBase)
    {
        var diagnostics = new DiagnosticBag();
        var settings = new SettingsBuilder();
        string Origin(SourceLocation l) => l.IsNone ? "default" : ConfigPath.RelativeTo(originBase, l.File) + ":" + l.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var applier = new DirectiveApplier(settings, diagnostics, Origin);
        var reader = new ConfigReader(files, diagnostics, applier);

        SourceLocation start = mainFiles.Count > 0 ? new SourceLocation(mainFiles[0], 1, 1, 0)
            : projectDirectives.Count > 0 ? projectDirectives[0].Location : SourceLocation.None;
        if (mainFiles.Count == 0 && projectDirectives.Count == 0)
        {
            diagnostics.Report(DiagnosticCatalog.NoConfiguration, start,
                "No configuration: add <EventMpmConfig Include=\"httpd.conf\" /> or <Directive Include=\"Listen\" Value=\"8080\" /> items to the project");
            return new ConfigResult(new ServerSettings(), new EquatableArray<ConfigDiagnostic>(diagnostics.Items));
        }
        foreach (string file in mainFiles) reader.ReadFile(file, new SourceLocation(file, 1, 1, 0));
        foreach (ProjectDirective item in projectDirectives) reader.ReadProjectDirective(item.Name, item.Value, item.Location);

        ServerSettings result = ConfigChecks.Finish(settings, diagnostics, start, Origin);
        // After Finish, so that what depends on the day is not compiled into the warnings -t repeats.
        ConfigChecks.CheckCertificates(settings, diagnostics, files, reader.ServerRoot.Length > 0 ? reader.ServerRoot : originBase, System.DateTime.UtcNow);
        return new ConfigResult(result, new EquatableArray<ConfigDiagnostic>(diagnostics.Items));
    }
}
