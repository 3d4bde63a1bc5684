namespace EventMpm.Event;

/// <summary>
/// httpd's admission rule (event.c: connections_above_limit()): a child stops accepting while
/// its connections that need a worker reach <c>ThreadsPerChild + AsyncRequestWorkerFactor x idle
/// workers</c>, or no worker is idle; the kernel's backlog holds new connections meanwhile, and
/// another child (or this one, later) takes them. A pure decision, so it is tested alone.
/// </summary>
internal static class Admission
{
    /// <param name="open">Connections this child holds.</param>
    /// <param name="lingering">Of those, in lingering close: they need no worker (httpd's lingering_count).</param>
    /// <param name="awaitingRest">
    /// Of those, still receiving a request head in the pollset, or waiting there for a proxy's
    /// backend. Beyond httpd: such a connection holds no worker here, so like a lingering one it
    /// does not count, and neither a slowloris crowd nor a slow backend can close the door on
    /// other clients (httpd's AH00484 "MaxRequestWorkers reached" behind a slow backend).
    /// </param>
    /// <param name="hysteresis">
    /// 0 when deciding to stop accepting; 1 when deciding to start again: one idle worker fewer is
    /// counted, so a child right at the limit does not switch its listeners on and off per connection.
    /// </param>
    public static bool AboveLimit(int open, int lingering, int awaitingRest, int idleWorkers,
                                  int threadsPerChild, int asyncRequestWorkerFactor, int hysteresis)
    {
        if (idleWorkers == 0) return true;
        int busy = open - lingering - awaitingRest;
        return busy >= threadsPerChild + (idleWorkers - hysteresis) * asyncRequestWorkerFactor;
    }
}
