using System.Collections.Generic;
using System.Globalization;
using System.IO;
using EventMpm.Configuration;
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
        Row(o, "AsyncRequestWorkerFactor", s.AsyncRequestWorkerFactor);
        Row(o, "EnableExceptionHook", s.EnableExceptionHook ? "On" : "Off");
        Row(o, "ListenBacklog", s.ListenBacklog);
        Row(o, "MaxConnectionsPerChild", s.MaxConnectionsPerChild);
        Row(o, "MaxMemFree", s.MaxMemFree);
        Row(o, "MaxRequestWorkers", s.MaxRequestWorkers);
        Row(o, "MaxSpareThreads", s.MaxSpareThreads);
        Row(o, "MinSpareThreads", s.MinSpareThreads);
        Row(o, "ReceiveBufferSize", s.ReceiveBufferSize);
        Row(o, "SendBufferSize", s.SendBufferSize);
        Row(o, "ServerLimit", s.ServerLimit);
        Row(o, "StartServers", s.StartServers);
        Row(o, "ThreadLimit", s.ThreadLimit);
        Row(o, "ThreadsPerChild", s.ThreadsPerChild);
        Row(o, "ThreadStackSize", s.ThreadStackSize);
        Row(o, "AcceptFilter", s.DeferAccept ? "http data (TCP_DEFER_ACCEPT " + HttpdDefaults.DeferAcceptSeconds + " s)" : "http none");
        Row(o, "KeepAlive", s.KeepAlive ? "On" : "Off");
        Row(o, "KeepAliveTimeout", Invariant($"{s.KeepAliveTimeoutMilliseconds} ms"));
        Row(o, "MaxKeepAliveRequests", s.MaxKeepAliveRequests);
        Row(o, "Timeout", Invariant($"{s.TimeoutMilliseconds} ms"));
        Row(o, "GracefulShutdownTimeout", Invariant($"{s.GracefulShutdownTimeout} s"));
        Row(o, "LimitRequestLine", s.LimitRequestLine);
        Row(o, "LimitRequestFieldSize", s.LimitRequestFieldSize);
        Row(o, "LimitRequestFields", s.LimitRequestFields);
        Row(o, "LimitRequestBody", s.LimitRequestBody);
        Row(o, "RequestReadTimeout", "handshake=" + Stage(s.RequestReadHandshakeTimeout, 0, 0)
            + " header=" + Stage(s.RequestReadHeaderTimeout, s.RequestReadHeaderMaxTimeout, s.RequestReadHeaderMinRate)
            + " body=" + Stage(s.RequestReadBodyTimeout, s.RequestReadBodyMaxTimeout, s.RequestReadBodyMinRate));
        Row(o, "LogLevel", s.LogLevel.ToString().ToLowerInvariant());
        Row(o, "ExtendedStatus", s.ExtendedStatus ? "On" : "Off");
        Row(o, "DirectoryIndex", s.DirectoryIndex.Count == 0 ? "disabled" : string.Join(" ", s.DirectoryIndex));
        Row(o, "TypesConfig", s.TypesConfig.Length == 0 ? "(built-in table)" : s.TypesConfig);
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

    /// <summary>One mod_reqtimeout stage as it is written: timeout[-maxtimeout][,MinRate=rate].</summary>
    private static string Stage(int timeout, int max, int rate)
        => Invariant($"{timeout}") + (max > 0 ? Invariant($"-{max}") : "") + (rate > 0 ? Invariant($",MinRate={rate}") : "");

    private static void Row(TextWriter o, string name, object value)
        => o.WriteLine("  " + name.PadRight(26) + " " + System.Convert.ToString(value, CultureInfo.InvariantCulture));

    private static void Directive(TextWriter o, DirectiveValue v)
        => o.WriteLine("  " + v.Name.PadRight(26) + " " + v.Value.PadRight(40) + " " + v.Origin);

    private static string Invariant(System.FormattableString text) => System.FormattableString.Invariant(text);
}
