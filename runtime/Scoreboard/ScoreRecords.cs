using System.Runtime.InteropServices;

namespace EventMpm.Scoreboard;

/// <summary>
/// A worker's state, with the letter mod_status shows for it (scoreboard.h's SERVER_* numbers, mod_status.c's status_flags; the numbers are
/// httpd's SERVER_* constants, so a reader of our ScoreBoardFile finds the values it knows).
/// </summary>
public static class WorkerStatus
{
    public const byte Dead = 0;        // '.' open slot, no thread
    public const byte Starting = 1;    // 'S'
    public const byte Ready = 2;       // '_' waiting for a connection
    public const byte Read = 3;        // 'R' reading a request
    public const byte Write = 4;       // 'W' sending the reply
    public const byte KeepAlive = 5;   // 'K' parking a connection for its next request
    public const byte Log = 6;         // 'L'
    public const byte Dns = 7;         // 'D'
    public const byte Closing = 8;     // 'C' closing the connection
    public const byte Graceful = 9;    // 'G' gracefully finishing
    public const byte IdleKill = 10;   // 'I'

    /// <summary>The mod_status letters, indexed by status.</summary>
    public const string Letters = ".S_RWKLDCGI";

    public static char Letter(byte status) => status < Letters.Length ? Letters[status] : '?';
}

/// <summary>The scoreboard's header: its shape and the server's generation and restart time.</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
public struct GlobalScore
{
    /// <summary>"EMPMSB01": lets a reader of a ScoreBoardFile check what it mapped.</summary>
    public ulong Magic;
    public int ServerLimit;
    public int ThreadLimit;
    /// <summary>The MPM generation: +1 at every restart, graceful or not (httpd's my_generation).</summary>
    public int RunningGeneration;
    /// <summary>Configurations read: starts at 1 (httpd's AP_SQ_CONFIG_GEN).</summary>
    public int ConfigGeneration;
    /// <summary>Unix time in microseconds of the last cold or ungraceful start (mod_status "Restart Time").</summary>
    public long RestartTime;
    /// <summary>The control process's pid.</summary>
    public int ParentPid;
}

/// <summary>
/// One child process's row. Single writers, no locks (as scoreboard.h's process_score): the control process
/// writes Pid and Quiescing = 2; the child writes the rest, its listener the connection counts.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
public struct ProcessScore
{
    /// <summary>0: the slot is free.</summary>
    public int Pid;
    public int Generation;
    /// <summary>1: the child has begun stopping; 2: the control process has counted it as stopping.</summary>
    public byte Quiescing;
    /// <summary>1 while admission control keeps new connections in the backlog.</summary>
    public byte NotAccepting;
    private short _padding;
    /// <summary>This child's ThreadsPerChild (a new generation may run a different binary).</summary>
    public int Threads;
    public uint Connections;
    public uint WriteCompletion;
    public uint KeepAlive;
    public uint LingeringClose;
    public uint Suspended;
    public uint WaitIo;
    /// <summary>Proxied requests waiting on their backend (to connect, to take the request, to answer).</summary>
    public uint Upstream;
    /// <summary>Proxied requests in progress, waiting on the backend or not (relaying, or in write completion).</summary>
    public uint Proxied;
}

/// <summary>One worker thread's slot: its status letter and what it has served.</summary>
[StructLayout(LayoutKind.Sequential, Size = 256)]
public unsafe struct WorkerScore
{
    public const int ClientSize = 48, RequestSize = 64, ProtocolSize = 16, VHostSize = 32;

    public byte Status;
    private byte _padding;
    /// <summary>Requests on the current connection.</summary>
    public ushort ConnectionCount;
    public int Pid;
    public int Generation;
    private int _padding2;
    /// <summary>Requests this slot has served over its life.</summary>
    public long AccessCount;
    public long BytesServed;
    /// <summary>Requests and bytes of the process now in the slot.</summary>
    public long MyAccessCount;
    public long MyBytesServed;
    /// <summary>Bytes sent on the current connection.</summary>
    public long ConnectionBytes;
    /// <summary>Unix microseconds when the last request finished.</summary>
    public long LastUsed;
    /// <summary>Microseconds spent on requests in all (mod_status "Dur").</summary>
    public long Duration;
    /// <summary>Microseconds the last request took (mod_status "Req").</summary>
    public long LastDuration;
    // NUL-terminated ASCII, kept only with ExtendedStatus On.
    public fixed byte Client[ClientSize];
    public fixed byte Request[RequestSize];
    public fixed byte Protocol[ProtocolSize];
    public fixed byte VHost[VHostSize];
}
