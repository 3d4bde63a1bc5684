using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace EventMpm.Mpm;

/// <summary>
/// What the control process hands a child it starts (there is no fork: the child is this binary
/// executed again). Descriptor numbers travel in one environment variable; the descriptors
/// themselves are inherited because they are not close-on-exec.
/// </summary>
/// <param name="Tickets">The session-ticket keys' memfd, or -1 without TLS.</param>
internal sealed record ChildHandoff(int Slot, int Generation, int Board, int AliveRead, int AliveWrite, int[] Listeners, int Tickets)
{
    public const string Variable = "EVENTMPM_CHILD";

    public string Encode() => Invariant($"slot={Slot};gen={Generation};board={Board};alive={AliveRead},{AliveWrite};tickets={Tickets};listen={string.Join(",", Listeners)}");

    public static ChildHandoff? FromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(Variable);
        if (text is null) return null;
        var f = Fields(text);
        int[] alive = Numbers(f["alive"]);
        return new ChildHandoff(Number(f["slot"]), Number(f["gen"]), Number(f["board"]), alive[0], alive[1], Numbers(f["listen"]), Optional(f, "tickets"));
    }

    internal static Dictionary<string, string> Fields(string text)
        => text.Split(';').Select(part => part.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");

    internal static int Number(string s) => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>A descriptor field an older binary may not write: -1 when absent.</summary>
    internal static int Optional(Dictionary<string, string> fields, string name) => fields.TryGetValue(name, out string? value) ? Number(value) : -1;

    internal static int[] Numbers(string s) => s.Length == 0 ? Array.Empty<int>() : s.Split(',').Select(Number).ToArray();

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// What a control process hands the binary it re-executes itself into at a restart: the new
/// generation, the listening sockets (by address, so the new configuration reuses the ones it
/// still has), the pipe its children watch, the binary's path, and for a graceful restart the
/// scoreboard, in which the old generation's children are still drawing to an end.
/// </summary>
internal sealed record ControlHandoff(int Generation, int Board, int AliveRead, int AliveWrite, (int Fd, string Address)[] Listeners, string Binary, int Tickets)
{
    public const string Variable = "EVENTMPM_CONTROL";

    /// <summary>True for a graceful restart: the scoreboard (and the children in it) carry over.</summary>
    public bool Graceful => Board >= 0;

    public string Encode() => ChildHandoff.Invariant(
        $"gen={Generation};board={Board};alive={AliveRead},{AliveWrite};tickets={Tickets};listen={string.Join(",", Listeners.Select(l => l.Fd.ToString(CultureInfo.InvariantCulture) + "@" + l.Address))};binary={Binary}");

    public static ControlHandoff? FromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(Variable);
        return text is null ? null : Parse(text);
    }

    public static ControlHandoff Parse(string text)
    {
        // The binary's path comes last and is taken whole: a path may hold ';' or '='.
        int at = text.IndexOf(";binary=", StringComparison.Ordinal);
        string binary = text.Substring(at + ";binary=".Length);
        var f = ChildHandoff.Fields(text.Substring(0, at));
        int[] alive = ChildHandoff.Numbers(f["alive"]);
        var listeners = f["listen"].Length == 0 ? Array.Empty<(int, string)>()
            : f["listen"].Split(',').Select(l => l.Split('@', 2)).Select(p => (ChildHandoff.Number(p[0]), p[1])).ToArray();
        // A binary from before TLS hands no ticket keys over (a graceful restart onto this one).
        return new ControlHandoff(ChildHandoff.Number(f["gen"]), ChildHandoff.Number(f["board"]), alive[0], alive[1], listeners, binary, ChildHandoff.Optional(f, "tickets"));
    }

    /// <summary>The environment of a process this one starts: its own, less any handoff it was given.</summary>
    public static List<KeyValuePair<string, string>> CleanEnvironment()
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string key && e.Value is string value && key != Variable && key != ChildHandoff.Variable) result.Add(new(key, value));
        }
        return result;
    }
}
