using System.Threading;
using EventMpm.Serving;
using EventMpm.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>The turns a child's workers run by: the cores shared among children, and changing with them.</summary>
public sealed class RunningTurnsTests
{
    /// <summary>A worker on a thread of its own, waiting for a turn.</summary>
    private static Thread Worker(RunningTurns turns)
    {
        var thread = new Thread(turns.Take) { IsBackground = true };
        thread.Start();
        return thread;
    }

    [Theory]
    [InlineData(2, 1, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(2, 3, 1)] // never none: a child always serves
    [InlineData(8, 3, 3)] // rounded up: a core left idle costs more than one more thread
    [InlineData(4, 0, 4)] // -X, or a child not yet on the scoreboard: it is the only one
    [InlineData(0, 2, 1)]
    public void The_cores_are_shared_among_the_serving_children(int cores, int children, int turns)
        => Assert.Equal(turns, RunningTurns.ForChildren(cores, children));

    [Fact]
    public void A_worker_waits_while_every_turn_is_held_and_runs_when_one_comes_back()
    {
        var turns = new RunningTurns(2);
        turns.Take();
        turns.Take();
        Thread third = Worker(turns);
        Assert.False(third.Join(200));
        turns.Return();
        Assert.True(third.Join(5000));
    }

    [Fact]
    public void Fewer_turns_are_retired_as_their_holders_come_back()
    {
        var turns = new RunningTurns(2);
        turns.Take();
        turns.Take();
        Thread waiting = Worker(turns);
        turns.SetTarget(1); // another child started
        Assert.Equal(1, turns.Target);
        Assert.True(turns.Owed);
        turns.Return(); // retired, not handed on
        Assert.False(turns.Owed);
        Assert.False(waiting.Join(200));
        turns.Return(); // the one turn left goes to the waiting worker
        Assert.True(waiting.Join(5000));
    }

    [Fact]
    public void More_turns_let_waiting_workers_run_at_once_and_cancel_turns_still_owed()
    {
        var turns = new RunningTurns(1);
        turns.Take();
        turns.SetTarget(3); // the other child stopped on a three-core machine
        Assert.True(Worker(turns).Join(5000));
        Assert.True(Worker(turns).Join(5000));

        turns.SetTarget(1);
        turns.SetTarget(2); // one of the two owed turns is cancelled; nothing new is handed out
        Assert.True(turns.Owed);
        Thread waiting = Worker(turns);
        turns.Return(); // retires the turn still owed
        Assert.False(waiting.Join(200));
        turns.Return();
        Assert.True(waiting.Join(5000));
    }

    [Fact]
    public void Every_waiting_worker_gets_through_when_the_child_stops()
    {
        var turns = new RunningTurns(1);
        turns.Take();
        Thread[] waiting = { Worker(turns), Worker(turns), Worker(turns) };
        turns.ReleaseAll(3);
        foreach (Thread w in waiting) Assert.True(w.Join(5000));
    }

    [Fact]
    public void A_child_shares_the_cores_with_the_children_the_scoreboard_shows_serving()
    {
        string root = System.IO.Path.GetTempPath();
        var deployment = new EventMpm.Configuration.DeploymentSettings
        {
            DocumentRoot = root,
            Listen = new EventMpm.Configuration.EquatableArray<EventMpm.Configuration.ListenAddress>(new[] { new EventMpm.Configuration.ListenAddress("127.0.0.1", 0) }),
        };
        using var board = EventMpm.Scoreboard.ScoreboardImage.Create(2, QuickConfig.ThreadsPerChild);
        board.Process(0).Pid = System.Environment.ProcessId;
        using var server = EventMpm.Serving.Server<QuickConfig>.OpenChild(
            EventMpm.Serving.Server<QuickConfig>.OpenListeners(deployment), board, 0, deployment, new EventMpm.Serving.ServerPaths(deployment, root), tickets: null);
        server.Start();
        int cores = System.Environment.ProcessorCount;
        Assert.Equal(RunningTurns.ForChildren(cores, 1), server.RunningTurns);

        // On two cores or more each step changes the share (one child: all the cores; two: half).
        board.Process(1).Pid = 1; // another child started
        Wire.WaitFor(() => server.RunningTurns == RunningTurns.ForChildren(cores, 2), "the share of two children");
        board.Process(1).Quiescing = 1; // it is stopping: it no longer counts
        Wire.WaitFor(() => server.RunningTurns == RunningTurns.ForChildren(cores, 1), "the whole machine while the other stops");
        board.Process(1).Quiescing = 0;
        Wire.WaitFor(() => server.RunningTurns == RunningTurns.ForChildren(cores, 2), "the share of two children again");
        board.Process(1).Pid = 0; // it is gone
        Wire.WaitFor(() => server.RunningTurns == RunningTurns.ForChildren(cores, 1), "the whole machine again");
    }
}
