using EventMpm.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>httpd's connections_above_limit(), with what EventMpm leaves out of the count.</summary>
public class AdmissionTests
{
    [Fact]
    public void No_idle_worker_closes_the_door()
        => Assert.True(Admission.AboveLimit(open: 0, lingering: 0, awaitingRest: 0, idleWorkers: 0, threadsPerChild: 25, asyncRequestWorkerFactor: 2, hysteresis: 0));

    [Theory]
    // ThreadsPerChild 25, factor 2, 10 idle: the limit is 25 + 2 x 10 = 45 connections needing a worker.
    [InlineData(44, 0, 0, false)]
    [InlineData(45, 0, 0, true)]
    // Lingering connections (httpd) and those still receiving a head (EventMpm) hold no worker.
    [InlineData(60, 16, 0, false)]
    [InlineData(60, 0, 16, false)]
    [InlineData(60, 10, 5, true)]
    public void The_limit_is_ThreadsPerChild_plus_the_factor_times_the_idle_workers(int open, int lingering, int awaitingRest, bool above)
        => Assert.Equal(above, Admission.AboveLimit(open, lingering, awaitingRest, idleWorkers: 10, threadsPerChild: 25, asyncRequestWorkerFactor: 2, hysteresis: 0));

    [Fact]
    public void Reopening_counts_one_idle_worker_fewer()
    {
        // At 44 connections the door stays open; once closed, it reopens only below 43.
        Assert.False(Admission.AboveLimit(44, 0, 0, 10, 25, 2, hysteresis: 0));
        Assert.True(Admission.AboveLimit(44, 0, 0, 10, 25, 2, hysteresis: 1));
        Assert.False(Admission.AboveLimit(42, 0, 0, 10, 25, 2, hysteresis: 1));
    }
}
