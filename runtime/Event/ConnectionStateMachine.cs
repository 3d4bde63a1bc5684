using System.Threading;
using EventMpm.Native;
using EventMpm.Scoreboard;

namespace EventMpm.Event;

/// <summary>
/// The connection state machine (<see cref="ConnectionState"/>): a worker that claimed a ready
/// connection first finishes its write completion, then lets the protocol serve it, and moves it
/// where the protocol's <see cref="NextStep"/> says. Every move into the pollset queues the
/// connection before arming it, so the worker that sees its event finds it queued.
/// </summary>
internal sealed unsafe partial class ChildEngine<TConfig>
{
    private void Serve(Worker worker, IConnectionProtocol protocol, Connection c)
    {
        if (c.Output.HasData)
        {
            worker.Score->Status = WorkerStatus.Write;
            switch (WriteCompletion.Continue(c))
            {
                case WriteResult.Blocked:
                    Park(c, ConnectionState.WriteCompletion, Epoll.Out);
                    return;
                case WriteResult.Failed:
                    Close(c);
                    return;
            }
            if (c.Output.CloseAfter)
            {
                StartLinger(c, shortLinger: false);
                return;
            }
        }
        NextStep next = protocol.Serve(c);
        // Input already inside the transport is never reported by the pollset: serve it now.
        while (next == NextStep.AwaitInput && c.Transport.HasBufferedInput(c)) next = protocol.Serve(c);
        Move(c, next);
    }

    /// <summary>Moves a connection a worker is done with to where the protocol says it waits.</summary>
    private void Move(Connection c, NextStep next)
    {
        switch (next)
        {
            case NextStep.AwaitInput:
                // While stopping too: a response sent before the stop promised keep-alive, so the
                // client may already be sending; that request is answered (with Connection: close),
                // an idle one is purged after the grace.
                Park(c, c.Served == 0 ? ConnectionState.NewConnection : ConnectionState.KeepAlive, InputEvents(c));
                break;
            case NextStep.AwaitRest:
                ParkByDeadline(c, ConnectionState.AwaitingRest);
                break;
            case NextStep.AwaitUpstream:
                ParkByDeadline(c, ConnectionState.AwaitingUpstream);
                break;
            case NextStep.AwaitWrite:
                Park(c, ConnectionState.WriteCompletion, Epoll.Out);
                break;
            case NextStep.Linger:
                StartLinger(c, shortLinger: false);
                break;
            case NextStep.ShortLinger:
                StartLinger(c, shortLinger: true);
                break;
            case NextStep.CloseAfterFin:
                c.Transport.ShutdownWrite(c);
                Close(c);
                break;
            default:
                Close(c);
                break;
        }
    }

    private void Park(Connection c, ConnectionState state, uint events)
    {
        // Into the queue first, then armed: its event can only fire once it is in the queue, so
        // the worker that sees the event finds it there. While Arming is set the listener will
        // not expire it, so it cannot be closed under the epoll_ctl, which runs outside the lock.
        c.Arming = true;
        _queues.Append(c, state, Now);
        if (Arm(c, events) == 0)
        {
            Volatile.Write(ref c.Arming, false);
            return;
        }
        // Not armed, so no event can take it: it is still ours to close.
        _queues.Remove(c);
        Volatile.Write(ref c.Arming, false);
        Close(c);
    }

    /// <summary>
    /// Part of the input has come, or the protocol waits on its upstream: the connection waits in
    /// the pollset, holding no worker (httpd holds one for both; slow clients and slow backends
    /// are the reason this server does not), until the deadline the protocol set.
    /// </summary>
    private void ParkByDeadline(Connection c, ConnectionState state)
    {
        c.Arming = true;
        _queues.AppendByDeadline(c, state);
        int rc = state == ConnectionState.AwaitingUpstream ? ArmUpstream(c) : Arm(c, InputEvents(c));
        // Input awaited from the client while the upstream may speak first (a backend that
        // answers before an upload's end): either one brings the connection back.
        if (rc == 0 && state == ConnectionState.AwaitingRest && c.Upstream >= 0 && c.UpstreamEvents != 0) ArmUpstream(c);
        if (rc == 0)
        {
            Volatile.Write(ref c.Arming, false);
            if (c.InputDeadline <= Now + 1) _doorbell.Ring(); // already due: the listener may be asleep for a second
            return;
        }
        _queues.RemoveByDeadline(c);
        Volatile.Write(ref c.Arming, false);
        Close(c);
    }

    /// <summary>Marks a pollset event as the upstream's: bit 31 of the slot half of a token, which a slot never reaches.</summary>
    internal const ulong UpstreamTag = 1UL << 31;

    /// <summary>
    /// Arms the connection's upstream descriptor, one-shot, under the connection's token marked
    /// as the upstream's. A pooled upstream may still be registered from its last use (one-shot
    /// leaves it disarmed), so it is modified first and added when it is not there.
    /// </summary>
    private int ArmUpstream(Connection c)
    {
        uint events = c.UpstreamEvents | Epoll.OneShot | Epoll.RdHup;
        int rc = _pollset.Modify(c.Upstream, events, c.Token | UpstreamTag);
        return rc == Tmds.Linux.LibC.ENOENT ? _pollset.Add(c.Upstream, events, c.Token | UpstreamTag) : rc;
    }

    /// <summary>What a connection waiting for input waits for: input, and room to send when its transport must write first.</summary>
    internal static uint InputEvents(Connection c) => c.TransportWait == TransportWait.Output ? Epoll.In | Epoll.Out : Epoll.In;

    /// <summary>Registers or re-arms a connection's one-shot event in the workers' pollset; 0 or an errno.</summary>
    private int Arm(Connection c, uint events)
    {
        bool add = !c.InPollset;
        c.InPollset = true;
        int rc = add ? _pollset.Add(c.Fd, events | Epoll.OneShot | Epoll.RdHup, c.Token)
                     : _pollset.Modify(c.Fd, events | Epoll.OneShot | Epoll.RdHup, c.Token);
        if (rc != 0 && add) c.InPollset = false;
        return rc;
    }

    /// <summary>Hands the connection to lingering close; a stopping child lingers briefly.</summary>
    private void StartLinger(Connection c, bool shortLinger) => _linger.Start(c, shortLinger || _stopping);

    private void Close(Connection c)
    {
        c.ClearPending();
        c.Transport.Release(c);
        Sys.Close(c.Fd);
        _linger.Ended(c);
        _table.Release(c);
        Interlocked.Decrement(ref _open);
        if (!_listenersEnabled || _stopping) _doorbell.Ring();
    }
}
