using EventMpm.Mpm;
using Xunit;

namespace EventMpm.Runtime.Tests.Mpm;

/// <summary>httpd's spare-thread rule as a decision: counts in, one step out.</summary>
public class SpareThreadMaintenanceTests
{
    // httpd's defaults for the event MPM: MinSpareThreads 75, MaxSpareThreads 250, MaxRequestWorkers 400, ServerLimit 16; 25 threads a child.
    private static SpareThreadMaintenance Rule() => new(minSpareThreads: 75, maxSpareThreads: 250, maxRequestWorkers: 400, serverLimit: 16, activeLimit: 16);

    [Fact]
    public void Within_the_spare_range_nothing_happens()
    {
        SpareThreadMaintenance rule = Rule();
        Assert.Equal(MaintenanceAction.None, rule.Decide(new ChildCensus(Idle: 100, Active: 4, Total: 4, ActiveThreads: 100, Candidate: 3, FreeSlots: 1)).Action);
        Assert.Equal(1, rule.SpawnRate);
    }

    [Fact]
    public void Above_MaxSpareThreads_one_child_of_this_generation_stops()
    {
        MaintenanceStep step = Rule().Decide(new ChildCensus(Idle: 275, Active: 11, Total: 11, ActiveThreads: 275, Candidate: 10, FreeSlots: 1));
        Assert.Equal(new MaintenanceStep(MaintenanceAction.StopChild, 10), step);
    }

    [Fact]
    public void While_a_child_is_still_stopping_another_stops_only_with_rows_to_spare()
    {
        // 16 rows, 16 children alive, one of them stopping: no row to spare (httpd 2.4.24).
        var crowded = new SpareThreadMaintenance(75, 250, 400, serverLimit: 16, activeLimit: 16);
        Assert.Equal(MaintenanceAction.None, crowded.Decide(new ChildCensus(275, Active: 15, Total: 16, 275, Candidate: 2, FreeSlots: 0)).Action);
        var roomy = new SpareThreadMaintenance(75, 250, 400, serverLimit: 33, activeLimit: 16);
        Assert.Equal(MaintenanceAction.StopChild, roomy.Decide(new ChildCensus(275, Active: 15, Total: 16, 275, Candidate: 2, FreeSlots: 1)).Action);
    }

    [Fact]
    public void Below_MinSpareThreads_the_children_started_double_each_pass_up_to_32()
    {
        var rule = new SpareThreadMaintenance(75, 250, maxRequestWorkers: 10_000, serverLimit: 100, activeLimit: 100);
        var started = new System.Collections.Generic.List<int>();
        for (int pass = 0; pass < 8; pass++)
        {
            MaintenanceStep step = rule.Decide(new ChildCensus(Idle: 0, Active: 1, Total: 1, ActiveThreads: 25, Candidate: 0, FreeSlots: rule.SpawnRate));
            Assert.Equal(MaintenanceAction.StartChildren, step.Action);
            started.Add(step.Count);
        }
        Assert.Equal(new[] { 1, 2, 4, 8, 16, 32, 32, 32 }, started);
    }

    [Fact]
    public void Starting_eight_or_more_at_once_is_the_busy_notice()
    {
        var rule = new SpareThreadMaintenance(75, 250, 10_000, 100, 100);
        MaintenanceStep step = default;
        for (int pass = 0; pass < 4; pass++) step = rule.Decide(new ChildCensus(0, 1, 1, 25, 0, rule.SpawnRate));
        Assert.Equal((8, true), (step.Count, step.Busy));
    }

    [Fact]
    public void At_MaxRequestWorkers_it_says_so_instead_of_starting()
    {
        SpareThreadMaintenance rule = Rule();
        Assert.Equal(MaintenanceAction.AtMaxRequestWorkers, rule.Decide(new ChildCensus(Idle: 0, 16, 16, ActiveThreads: 400, 15, 0)).Action);
        Assert.Equal(MaintenanceAction.WithinMinSpareThreads, rule.Decide(new ChildCensus(Idle: 10, 16, 16, ActiveThreads: 400, 15, 0)).Action);
    }

    [Fact]
    public void No_free_row_is_a_full_scoreboard()
    {
        var rule = new SpareThreadMaintenance(75, 250, 10_000, serverLimit: 4, activeLimit: 4);
        Assert.Equal(MaintenanceAction.ScoreboardFull, rule.Decide(new ChildCensus(0, 3, 4, 75, 3, FreeSlots: 0)).Action);
    }

    [Fact]
    public void At_the_active_limit_nothing_starts_and_the_rate_holds_off()
    {
        var rule = new SpareThreadMaintenance(75, 250, 10_000, serverLimit: 32, activeLimit: 4);
        Assert.Equal(MaintenanceAction.AtActiveLimit, rule.Decide(new ChildCensus(0, Active: 4, Total: 6, 100, 3, FreeSlots: 1)).Action);
        // Once a child has gone, the next start does not double the rate: the hold-off is paid first.
        Assert.Equal(MaintenanceAction.StartChildren, rule.Decide(new ChildCensus(0, Active: 3, Total: 5, 75, 2, FreeSlots: 1)).Action);
        Assert.Equal(1, rule.SpawnRate);
    }
}
