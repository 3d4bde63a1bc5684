using System;

namespace EventMpm.Mpm;

/// <summary>What the control process counted on the scoreboard for one maintenance pass.</summary>
/// <param name="Idle">Idle worker slots in live, accepting, non-stopping children of this generation (a starting worker counts as idle).</param>
/// <param name="Active">Children not stopping.</param>
/// <param name="Total">Children alive, stopping or not.</param>
/// <param name="ActiveThreads">Workers busy or idle (not starting, not stopping).</param>
/// <param name="Candidate">A child of this generation that could be stopped, or -1.</param>
/// <param name="FreeSlots">Free scoreboard rows found, counted up to the spawn rate.</param>
internal readonly record struct ChildCensus(int Idle, int Active, int Total, int ActiveThreads, int Candidate, int FreeSlots);

internal enum MaintenanceAction : byte
{
    None,
    /// <summary>Too many idle workers: stop the candidate child gracefully.</summary>
    StopChild,
    /// <summary>Too few idle workers: start <see cref="MaintenanceStep.Count"/> children.</summary>
    StartChildren,
    /// <summary>Too few idle workers, none idle, and MaxRequestWorkers reached (AH00484).</summary>
    AtMaxRequestWorkers,
    /// <summary>Too few idle workers, some idle, and MaxRequestWorkers reached (AH10159).</summary>
    WithinMinSpareThreads,
    /// <summary>Too few idle workers and no free scoreboard row (AH03490).</summary>
    ScoreboardFull,
    /// <summary>Too few idle workers, but the active children are at MaxRequestWorkers / ThreadsPerChild.</summary>
    AtActiveLimit,
}

/// <param name="Busy">Children are being started at 8 or more a pass: httpd logs "server seems busy" (AH00486).</param>
internal readonly record struct MaintenanceStep(MaintenanceAction Action, int Count = 0, bool Busy = false);

/// <summary>
/// httpd's spare-thread rule (event.c: perform_idle_server_maintenance()), as a pure decision
/// over a <see cref="ChildCensus"/>: above MaxSpareThreads idle workers stop one child, below
/// MinSpareThreads start some, doubling the number each pass (a second apart) up to
/// <see cref="MaxSpawnRate"/>, never past the active children's limit. It keeps only the rate
/// and the hold-off between passes; the control process counts and acts.
/// </summary>
internal sealed class SpareThreadMaintenance(int minSpareThreads, int maxSpareThreads, int maxRequestWorkers, int serverLimit, int activeLimit)
{
    /// <summary>httpd's MAX_SPAWN_RATE: at most this many children started in one pass.</summary>
    public const int MaxSpawnRate = 32;

    private int _holdOff;

    /// <summary>How many children the next pass may start (and so how many free rows the census needs).</summary>
    public int SpawnRate { get; private set; } = 1;

    public MaintenanceStep Decide(ChildCensus c)
    {
        if (c.Idle > maxSpareThreads)
        {
            SpawnRate = 1;
            // While another child is still stopping, only with room to spare (httpd 2.4.24's rule).
            bool room = c.Active == c.Total || serverLimit - c.Total > activeLimit;
            return c.Candidate >= 0 && room ? new MaintenanceStep(MaintenanceAction.StopChild, c.Candidate) : default;
        }
        if (c.Idle >= minSpareThreads)
        {
            SpawnRate = 1;
            return default;
        }
        if (c.ActiveThreads >= maxRequestWorkers)
        {
            SpawnRate = 1;
            return new MaintenanceStep(c.Idle == 0 ? MaintenanceAction.AtMaxRequestWorkers : MaintenanceAction.WithinMinSpareThreads);
        }
        if (c.FreeSlots == 0)
        {
            SpawnRate = 1;
            return new MaintenanceStep(MaintenanceAction.ScoreboardFull);
        }
        int n = Math.Min(c.FreeSlots, activeLimit - c.Active);
        if (n <= 0)
        {
            SpawnRate = 1;
            _holdOff++;
            return new MaintenanceStep(MaintenanceAction.AtActiveLimit, c.FreeSlots);
        }
        var step = new MaintenanceStep(MaintenanceAction.StartChildren, n, Busy: SpawnRate >= 8);
        if (_holdOff > 0) _holdOff--;
        else if (SpawnRate < MaxSpawnRate) SpawnRate *= 2;
        return step;
    }
}
