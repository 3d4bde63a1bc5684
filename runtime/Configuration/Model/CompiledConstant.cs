using System;

namespace EventMpm.Configuration;

/// <summary>The C# type of a compiled constant.</summary>
public enum ConstantKind
{
    Int,
    Long,
    Bool,
    /// <summary><see cref="Configuration.LogLevel"/>.</summary>
    Level,
    Text,
}

/// <summary>
/// One constant of the compiled contract: a member that carries a directive's value into the
/// runtime, named alike on <see cref="ServerSettings"/> (where the compiler keeps it, with its
/// default), on <c>IServerConfig</c> and on the emitted <c>CompiledConfig</c> (where the runtime
/// reads it as <c>TConfig.Member</c>, a constant under NativeAOT). A directive's row in
/// <c>DirectiveCatalog</c> lists its constants; the generator writes <c>IServerConfig</c>'s
/// members, <c>CompiledSettings</c> and every <c>CompiledConfig</c> from that list.
/// </summary>
public sealed class CompiledConstant
{
    private CompiledConstant(string member, ConstantKind kind, Func<ServerSettings, object> get)
    {
        Member = member;
        Kind = kind;
        Get = get;
    }

    public string Member { get; }

    public ConstantKind Kind { get; }

    /// <summary>The value in a compiled configuration (an int, long, bool, LogLevel or string).</summary>
    public Func<ServerSettings, object> Get { get; }

    public static CompiledConstant Int(string member, Func<ServerSettings, int> get) => new(member, ConstantKind.Int, s => get(s));

    public static CompiledConstant Long(string member, Func<ServerSettings, long> get) => new(member, ConstantKind.Long, s => get(s));

    public static CompiledConstant Bool(string member, Func<ServerSettings, bool> get) => new(member, ConstantKind.Bool, s => get(s));

    public static CompiledConstant Level(string member, Func<ServerSettings, LogLevel> get) => new(member, ConstantKind.Level, s => get(s));

    public static CompiledConstant Text(string member, Func<ServerSettings, string> get) => new(member, ConstantKind.Text, get);
}
