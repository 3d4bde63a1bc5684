using System;
using System.Threading;

namespace EventMpm.Event;

/// <summary>
/// The turns one child's workers take to wait on the pollset and serve: a worker holds a turn
/// from one batch to the next and gives it back only before it blocks (a request body, a C#
/// handler), so ThreadsPerChild still bounds what may block at once while only as many workers
/// run as there are turns.
///
/// The machine's cores are shared among the children serving: each child has
/// <see cref="ForChildren"/> turns, as nginx runs one single-threaded worker per core. With a
/// turn per core in every child, two children on two cores ran four workers beside the client's
/// threads, and every ready connection a running worker had not yet taken woke a sleeping one:
/// 0.7 context switches a request against nginx's 0.12 (BenchSite, 1000 connections, 100 KiB).
/// The number changes with the children: fewer turns are retired as their holders come back
/// from a batch; more are handed out at once.
/// </summary>
internal sealed class RunningTurns
{
    private readonly SemaphoreSlim _free;
    private readonly object _lock = new();
    private int _target;
    private int _owed;

    public RunningTurns(int turns)
    {
        _target = Math.Max(1, turns);
        _free = new SemaphoreSlim(_target, int.MaxValue);
    }

    /// <summary>The turns each child has: the cores divided among the serving children, rounded up, at least one.</summary>
    public static int ForChildren(int cores, int servingChildren)
    {
        int children = Math.Max(1, servingChildren);
        return Math.Max(1, (Math.Max(1, cores) + children - 1) / children);
    }

    /// <summary>How many turns there are now (those held and those free).</summary>
    public int Target => Volatile.Read(ref _target);

    /// <summary>Waits for a turn.</summary>
    public void Take() => _free.Wait();

    /// <summary>A turn is given back: freed for another worker, or retired when there are to be fewer.</summary>
    public void Return()
    {
        lock (_lock)
        {
            if (_owed > 0)
            {
                _owed--;
                return;
            }
        }
        _free.Release();
    }

    /// <summary>
    /// Whether a holder coming back from a batch should give its turn up because there are to be
    /// fewer turns (then it calls <see cref="Return"/>, which retires the turn).
    /// </summary>
    public bool Owed => Volatile.Read(ref _owed) > 0;

    /// <summary>Sets the number of turns: more are free at once; fewer are retired as they come back.</summary>
    public void SetTarget(int turns)
    {
        turns = Math.Max(1, turns);
        int more;
        lock (_lock)
        {
            int change = turns - _target;
            if (change == 0) return;
            _target = turns;
            if (change < 0)
            {
                _owed -= change;
                return;
            }
            // Turns still owed are cancelled before new ones are handed out.
            int cancelled = Math.Min(_owed, change);
            _owed -= cancelled;
            more = change - cancelled;
        }
        if (more > 0) _free.Release(more);
    }

    /// <summary>Lets every waiting worker through (the child is stopping and each must see the stop).</summary>
    public void ReleaseAll(int workers) => _free.Release(workers);
}
