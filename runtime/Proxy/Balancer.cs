using System.Threading;

namespace EventMpm.Proxy;

/// <summary>
/// A balancer://name as one child uses it (mod_proxy_balancer): its members and how it picks
/// one. byrequests gives each member requests in proportion to its loadfactor (mod_lbmethod_byrequests.c:
/// find_best_byrequests(), weighted round robin: every usable member gains its factor, the one
/// with the most credit is taken and pays the total); bybusyness takes the member with the fewest
/// requests in progress, the same credit breaking ties (mod_lbmethod_bybusyness.c). A member in
/// error (it refused a connection less than retry= seconds ago) is passed over. The counts are
/// this child's, as each child keeps its own pools.
/// </summary>
internal sealed class Balancer(string name, Backend[] members, bool byBusyness, int maxAttempts)
{
    private readonly Lock _lock = new();

    /// <summary>balancer://name, for the error log.</summary>
    public string Name { get; } = name;

    public Backend[] Members { get; } = members;

    public bool ByBusyness { get; } = byBusyness;

    /// <summary>How many more members a request tries when the one it was given cannot be reached (maxattempts=, else every other member once).</summary>
    public int MaxAttempts { get; } = maxAttempts >= 0 ? maxAttempts : members.Length - 1;

    /// <summary>
    /// The member for the next request, or null when every member is in error. <paramref name="tried"/>
    /// has a bit for each member (by index, the first 64) this request could not reach already.
    /// </summary>
    public Backend? Pick(long now, ulong tried)
    {
        lock (_lock)
        {
            Backend? best = null;
            int total = 0;
            for (int i = 0; i < Members.Length; i++)
            {
                Backend m = Members[i];
                if (m.InError(now) || (i < 64 && (tried & (1UL << i)) != 0)) continue;
                m.LbStatus += m.LoadFactor;
                total += m.LoadFactor;
                if (best is null || Better(m, best)) best = m;
            }
            if (best is not null) best.LbStatus -= total;
            return best;
        }
    }

    private bool Better(Backend m, Backend best)
    {
        if (ByBusyness)
        {
            int busy = Volatile.Read(ref m.Busy), bestBusy = Volatile.Read(ref best.Busy);
            if (busy != bestBusy) return busy < bestBusy;
        }
        return m.LbStatus > best.LbStatus;
    }

    /// <summary>The member's bit for <see cref="Pick"/>'s tried mask (none past the 64th).</summary>
    public ulong Bit(Backend member)
    {
        int i = System.Array.IndexOf(Members, member);
        return i is >= 0 and < 64 ? 1UL << i : 0;
    }
}
