using System.Collections.Generic;
using System.Globalization;
using System.IO;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using EventMpm.Serving;

namespace EventMpm.Hosting;

/// <summary>What <c>-V</c> prints: the build, the compiled settings, and every directive with its origin.</summary>
public static class ConfigReport
{
    public static void WriteSettings(TextWriter o, ServerSettings s, ServerPaths paths, IReadOnlyList<DirectiveValue> overrides, IReadOnlyList<string> sources)
    {
        o.WriteLine("Server version: " + ServerIdentity.Version);
        o.WriteLine("Server MPM:     event");
        o.WriteLine("  threaded:     yes (fixed thread count)");
        o.WriteLine("    forked:     yes (variable process count; children re-execute this binary)");
        o.WriteLine("Compiled from:  " + string.Join(", ", sources));
        o.WriteLine(Invariant($"Capacity:       {s.Capacity} ((AsyncRequestWorkerFactor {s.AsyncRequestWorkerFactor} + 1) x MaxRequestWorkers)"));
        o.WriteLine();
        o.WriteLine("Compiled settings (constants in this binary, after httpd's checks):");
        foreach (DirectiveDefinition row in DirectiveCatalog.All)
        {
            // Every compiled directive that has one value, as it would be written (its catalogue row says how).
            if (row.Scope == DirectiveScope.Compiled && row.Show is not null) Row(o, row.Name, row.Show(s) is { Length: > 0 } shown ? shown : "(unset)");
        }
        foreach (LocationSpec l in s.Locations) Row(o, "<Location " + l.Path + ">", "SetHandler " + l.Handler);
        o.WriteLine();
        o.WriteLine("Deployment settings (-C may change these at start):");
        DeploymentSettings d = s.Deployment;
        Row(o, "ServerRoot", paths.ServerRoot);
        Row(o, "ServerName", d.ServerName.Length == 0 ? "(the host name)" : d.ServerName);
        Row(o, "DocumentRoot", paths.DocumentRoot);
        foreach (ListenAddress a in d.Listen) Row(o, "Listen", a.ToString());
        Row(o, "PidFile", paths.PidFile);
        Row(o, "ErrorLog", paths.ErrorLog);
        foreach (CustomLogSpec c in d.CustomLog) Row(o, "CustomLog", paths.Resolve(c.Path) + " \"" + c.Format + "\"");
        Row(o, "ScoreBoardFile", d.ScoreBoardFile.Length == 0 ? "(anonymous shared memory)" : paths.Resolve(d.ScoreBoardFile));
        Row(o, "User", d.User.Length == 0 ? "(the starting user)" : d.User);
        Row(o, "Group", d.Group.Length == 0 ? "(the starting group)" : d.Group);
        Row(o, "CoreDumpDirectory", d.CoreDumpDirectory.Length == 0 ? paths.ServerRoot : paths.Resolve(d.CoreDumpDirectory));
        o.WriteLine();
        o.WriteLine("Directives (value as written, and where it came from):");
        var overridden = new HashSet<string>();
        foreach (DirectiveValue v in overrides) overridden.Add(v.Name);
        foreach (DirectiveValue v in s.Directives)
        {
            if (!overridden.Contains(v.Name)) Directive(o, v);
        }
        foreach (DirectiveValue v in overrides) Directive(o, v);
    }

    private static void Row(TextWriter o, string name, object value)
        => o.WriteLine("  " + name.PadRight(26) + " " + System.Convert.ToString(value, CultureInfo.InvariantCulture));

    private static void Directive(TextWriter o, DirectiveValue v)
        => o.WriteLine("  " + v.Name.PadRight(26) + " " + v.Value.PadRight(40) + " " + v.Origin);

    private static string Invariant(System.FormattableString text) => System.FormattableString.Invariant(text);
}
