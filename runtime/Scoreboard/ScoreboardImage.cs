using System;
using EventMpm.Native;

namespace EventMpm.Scoreboard;

/// <summary>
/// The shared scoreboard (httpd's scoreboard.h: global_score, process_score, worker_score): a header, ServerLimit process rows, and
/// ServerLimit × ThreadLimit worker slots, in one mapping the control process creates and the
/// children inherit. Its shape is fixed for the server's life, as httpd's is: a graceful restart
/// onto a binary compiled with another ServerLimit or ThreadLimit keeps the old shape.
/// </summary>
public sealed unsafe class ScoreboardImage : IDisposable
{
    private const ulong MagicValue = 0x3130_4253_4D50_4D45; // "EMPMSB01" little-endian

    private readonly SharedMemory _memory;
    private readonly GlobalScore* _global;
    private readonly ProcessScore* _processes;
    private readonly WorkerScore* _workers;

    private ScoreboardImage(SharedMemory memory)
    {
        _memory = memory;
        _global = (GlobalScore*)memory.Pointer;
        _processes = (ProcessScore*)(memory.Pointer + sizeof(GlobalScore));
        _workers = (WorkerScore*)(_processes + _global->ServerLimit);
    }

    public static long SizeFor(int serverLimit, int threadLimit)
        => sizeof(GlobalScore) + (long)serverLimit * sizeof(ProcessScore) + (long)serverLimit * threadLimit * sizeof(WorkerScore);

    /// <summary>A new scoreboard: anonymous, or at <paramref name="file"/> (ScoreBoardFile).</summary>
    public static ScoreboardImage Create(int serverLimit, int threadLimit, string? file = null)
    {
        var memory = SharedMemory.Create(SizeFor(serverLimit, threadLimit), file);
        var global = (GlobalScore*)memory.Pointer;
        global->ServerLimit = serverLimit;
        global->ThreadLimit = threadLimit;
        global->ConfigGeneration = 1;
        global->RestartTime = UnixMicroseconds;
        global->ParentPid = Environment.ProcessId;
        global->Magic = MagicValue;
        return new ScoreboardImage(memory);
    }

    /// <summary>Maps the scoreboard a child or a re-executed control process inherited.</summary>
    public static ScoreboardImage Attach(int fd)
    {
        var memory = SharedMemory.Attach(fd);
        var global = (GlobalScore*)memory.Pointer;
        if (memory.Size < sizeof(GlobalScore) || global->Magic != MagicValue
            || memory.Size != SizeFor(global->ServerLimit, global->ThreadLimit))
        {
            memory.Dispose();
            throw new InvalidOperationException("the inherited descriptor " + fd + " is not a scoreboard");
        }
        return new ScoreboardImage(memory);
    }

    public static long UnixMicroseconds => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>The descriptor a child inherits.</summary>
    public int Fd => _memory.Fd;

    public int ServerLimit => _global->ServerLimit;

    public int ThreadLimit => _global->ThreadLimit;

    public ref GlobalScore Global => ref *_global;

    public ref ProcessScore Process(int slot) => ref _processes[CheckSlot(slot)];

    public WorkerScore* Worker(int slot, int thread)
    {
        if ((uint)thread >= (uint)_global->ThreadLimit) throw new ArgumentOutOfRangeException(nameof(thread));
        return _workers + (long)CheckSlot(slot) * _global->ThreadLimit + thread;
    }

    private int CheckSlot(int slot) => (uint)slot < (uint)_global->ServerLimit ? slot : throw new ArgumentOutOfRangeException(nameof(slot));

    /// <summary>Copies ASCII into a fixed NUL-terminated field, cut to fit.</summary>
    public static void Store(byte* field, int size, ReadOnlySpan<byte> value)
    {
        int n = Math.Min(value.Length, size - 1);
        value.Slice(0, n).CopyTo(new Span<byte>(field, n));
        field[n] = 0;
    }

    public static string Load(byte* field, int size)
    {
        var span = new ReadOnlySpan<byte>(field, size);
        int end = span.IndexOf((byte)0);
        return System.Text.Encoding.ASCII.GetString(end < 0 ? span : span.Slice(0, end));
    }

    public void Dispose() => _memory.Dispose();
}
