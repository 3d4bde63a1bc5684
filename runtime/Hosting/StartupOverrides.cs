using System.Collections.Generic;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using EventMpm.Configuration.Syntax;

namespace EventMpm.Hosting;

/// <summary>
/// Applies <c>-C</c> directives to the compiled deployment settings, with the same catalogue
/// and value checks the generator used at build time. The first <c>-C Listen</c> replaces the
/// compiled addresses (later ones add to it), and so does the first <c>-C CustomLog</c>: an
/// operator moving the server to another port does not want the old one too. The same holds for
/// SSLCertificateFile and SSLCertificateKeyFile, each a list paired by order, and for ProxyPass,
/// ProxyPassReverse and BalancerMember: the backends of another environment replace the compiled
/// ones. ProxySet lines add to the compiled ones (a later one overrides per balancer).
/// </summary>
public static class StartupOverrides
{
    public const string Origin = "-C";

    public static (DeploymentSettings Deployment, IReadOnlyList<ConfigDiagnostic> Diagnostics, List<DirectiveValue> Written) Apply(
        DeploymentSettings compiled, IReadOnlyList<LogFormatSpec> logFormats, IReadOnlyList<string> directives, IReadOnlyDictionary<string, string> environment)
    {
        var diagnostics = new DiagnosticBag();
        var builder = new SettingsBuilder { Deployment = compiled };
        foreach (LogFormatSpec f in logFormats) builder.LogFormats.Add(f);
        var applier = new DirectiveApplier(builder, diagnostics, _ => Origin);
        bool listenReplaced = false, logsReplaced = false, certificatesReplaced = false, keysReplaced = false, proxyReplaced = false, reverseReplaced = false, membersReplaced = false;

        foreach (ListenAddress a in compiled.Listen) builder.Listen.Add((a, SourceLocation.None));
        foreach (ProxyRoute r in compiled.ProxyPass) builder.ProxyPass.Add((r, SourceLocation.None));
        foreach (ProxyReverse r in compiled.ProxyPassReverse) builder.ProxyPassReverse.Add((r, SourceLocation.None));
        foreach (BalancerMember m in compiled.BalancerMember) builder.BalancerMembers.Add((m, SourceLocation.None));
        foreach (BalancerSet set in compiled.ProxySet) builder.BalancerSets.Add((set, SourceLocation.None));
        for (int i = 0; i < directives.Count; i++)
        {
            LogicalLine line = LogicalLine.FromCommandLine("-C #" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), directives[i]);
            ExpandedLine expanded = ExpandedLine.Expand(line, environment, (name, where) =>
                diagnostics.Report(DiagnosticCatalog.UndefinedVariable, where, "Config variable ${" + name + "} is not defined"));
            List<Word> words = WordSplitter.Split(expanded);
            if (words.Count == 0) continue;
            Word name = words[0];
            List<Word> args = words.GetRange(1, words.Count - 1);
            DirectiveDefinition? definition = DirectiveCatalog.Find(name.Value);
            if (definition is not null && definition.Scope != DirectiveScope.Deployment)
            {
                diagnostics.Report(DiagnosticCatalog.CompiledOnly, name.Location, definition.Name
                    + " is compiled into this binary and cannot be changed with -C; change it in the configuration and rebuild. -C accepts: " + string.Join(", ", DeploymentDirectives()));
                continue;
            }
            definition = applier.Resolve(name, args, location: null);
            if (definition is null) continue;
            if (definition.Name == "Listen" && !listenReplaced) { builder.Listen.Clear(); listenReplaced = true; }
            if (definition.Name == "CustomLog" && !logsReplaced) { builder.CustomLogs.Clear(); logsReplaced = true; }
            if (definition.Name == "ProxyPassMatch")
            {
                diagnostics.Report(DiagnosticCatalog.CompiledOnly, name.Location, "ProxyPassMatch is compiled into this binary (its pattern is code) and cannot be given with -C; change it in the configuration and rebuild. -C ProxyPass replaces the compiled lines, ProxyPassMatch ones included");
                continue;
            }
            if (definition.Name == "ProxyPass" && !proxyReplaced) { builder.ProxyPass.Clear(); proxyReplaced = true; }
            if (definition.Name == "ProxyPassReverse" && !reverseReplaced) { builder.ProxyPassReverse.Clear(); reverseReplaced = true; }
            if (definition.Name == "BalancerMember" && !membersReplaced) { builder.BalancerMembers.Clear(); membersReplaced = true; }
            // A mounted secret replaces the compiled certificates as a whole, and their keys with
            // them (those belong to the compiled certificates); -C's keys then pair by order.
            if (definition.Name == "SSLCertificateFile" && !certificatesReplaced)
            {
                builder.Deployment = builder.Deployment with { SSLCertificateFile = EquatableArray<string>.Empty, SSLCertificateKeyFile = keysReplaced ? builder.Deployment.SSLCertificateKeyFile : EquatableArray<string>.Empty };
                certificatesReplaced = keysReplaced = true;
            }
            if (definition.Name == "SSLCertificateKeyFile" && !keysReplaced)
            {
                builder.Deployment = builder.Deployment with { SSLCertificateKeyFile = EquatableArray<string>.Empty };
                keysReplaced = true;
            }
            applier.Apply(definition, name, args, location: null, fromProject: false);
        }

        List<CustomLogSpec> customLogs = LogFormatParser.ResolveCustomLogs(builder, diagnostics);
        if (proxyReplaced || reverseReplaced || membersReplaced) Configuration.Validation.ConfigChecks.CheckProxy(builder, diagnostics);
        var listen = new List<ListenAddress>();
        foreach (var (address, _) in builder.Listen) listen.Add(address);
        DeploymentSettings result = builder.Deployment with
        {
            Listen = new EquatableArray<ListenAddress>(listen),
            CustomLog = logsReplaced ? new EquatableArray<CustomLogSpec>(customLogs) : compiled.CustomLog,
            ProxyPass = new EquatableArray<ProxyRoute>(builder.ProxyPass.ConvertAll(p => p.Route)),
            ProxyPassReverse = new EquatableArray<ProxyReverse>(builder.ProxyPassReverse.ConvertAll(p => p.Reverse)),
            BalancerMember = new EquatableArray<BalancerMember>(builder.BalancerMembers.ConvertAll(m => m.Member)),
            ProxySet = new EquatableArray<BalancerSet>(builder.BalancerSets.ConvertAll(set => set.Set)),
        };
        return (result, diagnostics.Items, builder.Written);
    }

    public static IEnumerable<string> DeploymentDirectives()
    {
        foreach (DirectiveDefinition d in DirectiveCatalog.All) if (d.Scope == DirectiveScope.Deployment) yield return d.Name;
    }
}
