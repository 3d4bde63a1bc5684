using System;
using EventMpm.Scoreboard;
using Tmds.Linux;

namespace EventMpm.Event;

/// <summary>
/// One worker thread as its protocol sees it: its scoreboard slot, the events it took from the
/// pollset in one wait (its batch), and the one thing it must do before it blocks.
/// </summary>
internal sealed unsafe class Worker(WorkerScore* score, ScoreboardImage board, Action<Worker> beforeBlocking, Func<bool> stopping)
{
    /// <summary>Ready connections a worker takes per wait on the pollset.</summary>
    public const int BatchSize = 8;

    /// <summary>This worker's slot: its status letter and what it served (a single writer, as httpd's).</summary>
    public readonly WorkerScore* Score = score;

    /// <summary>The scoreboard it reports to (the status page reads every slot).</summary>
    public ScoreboardImage Board { get; } = board;

    // The batch: events taken in one wait, the one being served, and whether the worker holds a running turn.
    public epoll_event* Events;
    public int Count;
    public int Next;
    public bool Running;

    /// <summary>Whether the child is stopping (a response then says Connection: close).</summary>
    public bool Stopping => stopping();

    /// <summary>
    /// Called before this worker blocks on one connection (a request body, a C# handler): the
    /// events it took but has not served go back to the pollset for others, and so does its turn.
    /// </summary>
    public void BeforeBlocking() => beforeBlocking(this);
}
