using System;
using System.Collections.Generic;
using System.Text;
using EventMpm.Scoreboard;

namespace EventMpm.Http;

/// <summary>One child's row of mod_status's async connection table.</summary>
public sealed record ProcessRow(int Slot, int Pid, int Generation, bool Stopping, bool Accepting,
    uint Connections, uint WaitIo, uint Writing, uint KeepAlive, uint Closing, int Busy, int Graceful, int Idle, uint Upstream = 0, uint Proxied = 0);

/// <summary>A worker slot for the ExtendedStatus table: only slots that served or are busy.</summary>
public sealed record WorkerRow(int Slot, int Thread, int Generation, int Pid, byte Status, int ConnectionCount,
    long MyAccessCount, long AccessCount, long SecondsSinceLast, long LastMs, long DurationMs,
    long ConnectionBytes, long MyBytes, long SlotBytes, string Client, string Protocol, string VHost, string Request);

/// <summary>
/// The scoreboard read once, counted as mod_status counts it (mod_status.c: status_handler()): idle workers only
/// in live, non-stopping processes of the current generation; busy and graceful in non-stopping
/// ones of any generation; the letter string skips dead slots outside the configured shape.
/// </summary>
public sealed unsafe class StatusSnapshot
{
    public long Now { get; private init; }
    public long RestartTime { get; private init; }
    public int ConfigGeneration { get; private init; }
    public int MpmGeneration { get; private init; }
    public int ParentPid { get; private init; }
    public int Busy { get; private set; }
    public int Idle { get; private set; }
    public int Graceful { get; private set; }
    public long Accesses { get; private set; }
    public long Bytes { get; private set; }
    public long DurationMicroseconds { get; private set; }
    public List<ProcessRow> Processes { get; } = new();
    public List<WorkerRow> Workers { get; } = new();
    public string Letters { get; private set; } = "";

    public long UptimeSeconds => Math.Max(0, (Now - RestartTime) / 1_000_000);

    /// <param name="activeProcesses">MaxRequestWorkers / ThreadsPerChild: the process slots always shown.</param>
    public static StatusSnapshot Take(ScoreboardImage board, int activeProcesses, int threadsPerChild)
    {
        ref GlobalScore global = ref board.Global;
        var s = new StatusSnapshot
        {
            Now = ScoreboardImage.UnixMicroseconds,
            RestartTime = global.RestartTime,
            ConfigGeneration = global.ConfigGeneration,
            MpmGeneration = global.RunningGeneration,
            ParentPid = global.ParentPid,
        };
        var letters = new StringBuilder(activeProcesses * threadsPerChild);
        for (int slot = 0; slot < board.ServerLimit; slot++)
        {
            ProcessScore p = board.Process(slot); // a copy: the values of one moment
            bool live = p.Pid != 0;
            bool quiescing = p.Quiescing != 0;
            int busy = 0, graceful = 0, idle = 0;
            for (int thread = 0; thread < board.ThreadLimit; thread++)
            {
                WorkerScore* w = board.Worker(slot, thread);
                byte status = w->Status;
                if (status != WorkerStatus.Dead || (slot < activeProcesses && thread < threadsPerChild)) letters.Append(WorkerStatus.Letter(status));
                s.Accesses += w->AccessCount;
                s.Bytes += w->BytesServed;
                s.DurationMicroseconds += w->Duration;
                if (!quiescing)
                {
                    if (status == WorkerStatus.Ready) { if (live && p.Generation == s.MpmGeneration) idle++; }
                    else if (status == WorkerStatus.Graceful) graceful++;
                    else if (status is not (WorkerStatus.Dead or WorkerStatus.Starting or WorkerStatus.IdleKill)) busy++;
                }
                if (w->AccessCount != 0 || status is not (WorkerStatus.Ready or WorkerStatus.Dead)) s.Workers.Add(Row(s.Now, slot, thread, w));
            }
            s.Busy += busy;
            s.Graceful += graceful;
            s.Idle += idle;
            if (live)
            {
                s.Processes.Add(new ProcessRow(slot, p.Pid, p.Generation, quiescing, p.NotAccepting == 0 && !quiescing,
                    p.Connections, p.WaitIo, p.WriteCompletion, p.KeepAlive, p.LingeringClose, busy, graceful, idle, p.Upstream, p.Proxied));
            }
        }
        s.Letters = letters.ToString();
        return s;
    }

    private static WorkerRow Row(long now, int slot, int thread, WorkerScore* w) => new(
        slot, thread, w->Generation, w->Pid, w->Status, w->ConnectionCount, w->MyAccessCount, w->AccessCount,
        w->LastUsed == 0 ? 0 : Math.Max(0, (now - w->LastUsed) / 1_000_000), w->LastDuration / 1000, w->Duration / 1000,
        w->ConnectionBytes, w->MyBytesServed, w->BytesServed,
        ScoreboardImage.Load(w->Client, WorkerScore.ClientSize), ScoreboardImage.Load(w->Protocol, WorkerScore.ProtocolSize),
        ScoreboardImage.Load(w->VHost, WorkerScore.VHostSize), ScoreboardImage.Load(w->Request, WorkerScore.RequestSize));
}
