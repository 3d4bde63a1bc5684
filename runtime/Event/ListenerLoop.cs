using System;
using System.Threading;
using EventMpm.Contract;
using EventMpm.Native;
using EventMpm.Scoreboard;
using Tmds.Linux;

namespace EventMpm.Event;

/// <summary>
/// The listener thread (event.c: listener_thread(), less the accepting, which the workers do:
/// Accepting.cs): it expires the timeout queues, drains lingering connections, opens the door to
/// new connections again once the admission rule allows, writes this child's row of the
/// scoreboard and, when asked to stop, closes the listening sockets and waits for the last connection.
/// </summary>
internal sealed unsafe partial class ChildEngine<TConfig>
{
    private void ListenerLoop()
    {
        const int Capacity = 128;
        epoll_event* events = stackalloc epoll_event[Capacity];
        while (true)
        {
            if (_stopping && !_listenersClosed) BeginStopping();
            if (_stopping) PurgeIdle();
            if (_stopping && (Volatile.Read(ref _open) == 0 || Now >= _stopDeadline)) return;

            int n = _listenerSet.Wait(events, Capacity, WaitTimeout());
            for (int i = 0; i < n; i++)
            {
                ulong token = events[i].data.u64;
                if (token == DoorbellToken) _doorbell.Drain();
                else if (_table.Find(token) is Connection c) _linger.Drain(c);
            }
            ExpireQueues();
            if (!_listenersEnabled && !_stopping && !AboveLimit(hysteresis: 1)) EnableListeners(true);
            PublishCounts();
            _turns.SetTarget(TurnsNow());
        }
    }

    /// <summary>The connection counts mod_status shows, written by the listener alone (as httpd's, up to a second stale).</summary>
    private void PublishCounts()
    {
        ref ProcessScore p = ref _board.Process(_slot);
        p.KeepAlive = (uint)_queues.KeepAliveCount;
        p.WriteCompletion = (uint)_queues.WriteCompletionCount;
        p.LingeringClose = (uint)_linger.Count;
        p.WaitIo = (uint)_queues.AwaitingRestCount;
        p.Upstream = (uint)_queues.AwaitingUpstreamCount;
        p.Proxied = (uint)_protocol.UpstreamExchanges;
        p.Connections = (uint)Volatile.Read(ref _open);
    }

    /// <summary>This child's share of the cores: the children serving now are the scoreboard's rows not stopping.</summary>
    private int TurnsNow()
    {
        int serving = 0;
        for (int i = 0; i < _board.ServerLimit; i++)
        {
            ref ProcessScore p = ref _board.Process(i);
            if (p.Pid != 0 && p.Quiescing == 0) serving++;
        }
        return RunningTurns.ForChildren(Environment.ProcessorCount, serving);
    }

    private int WaitTimeout()
    {
        long next = _queues.NextExpiry();
        if (_stopping) next = Math.Min(next, Math.Min(_stopDeadline, Now + 100)); // purge idle ones on time
        // Wake at least once a second: a worker that parks a connection does not ring the
        // doorbell, so a new queue head is seen within a second (httpd's queues fire late, never early).
        long wait = Math.Min(next - Now, 1000);
        return (int)Math.Max(wait, 0);
    }

    /// <summary>
    /// Timeouts (event.c: process_timeout_queue()): an idle connection gets a short linger; one
    /// still writing or lingering is closed; one whose input did not complete gets the protocol's
    /// answer (HTTP's 408, as mod_reqtimeout's), then a short linger; one whose upstream did not
    /// answer in time gets what the protocol says (HTTP's 504).
    /// </summary>
    private void ExpireQueues()
    {
        long now = Now;
        while (_queues.TakeExpired(now, out ConnectionState was) is Connection expired)
        {
            if (was is ConnectionState.WriteCompletion or ConnectionState.Linger or ConnectionState.ShortLinger) Close(expired);
            else StartLinger(expired, shortLinger: true);
        }
        while (_queues.TakeExpiredByDeadline(now, out ConnectionState was) is Connection late)
        {
            if (was == ConnectionState.AwaitingUpstream)
            {
                // The protocol answers for its upstream (HTTP: 504, or a cut response) and lets it go.
                if (_protocol.UpstreamTimedOut(late)) StartLinger(late, shortLinger: true);
                else Close(late);
                continue;
            }
            byte[] answer = _protocol.InputTimedOut(late);
            fixed (byte* p = answer) late.Transport.Send(late, p, answer.Length); // a few hundred bytes into an idle socket
            StartLinger(late, shortLinger: true);
        }
    }

    private void BeginStopping()
    {
        lock (_listenLock)
        {
            _listenersClosed = true;
            foreach (ListenSocket l in _listeners)
            {
                _pollset.Remove(l.Fd);
                l.Dispose();
            }
        }
        _board.Process(_slot).Quiescing = 1;
        for (int i = 0; i < Math.Min(TConfig.ThreadsPerChild, _board.ThreadLimit); i++)
        {
            WorkerScore* w = _board.Worker(_slot, i);
            if (w->Status == WorkerStatus.Ready) w->Status = WorkerStatus.Graceful; // as httpd's close_listeners marks them
        }
        _stopDeadline = Now + Math.Max(TConfig.TimeoutMilliseconds, LingeringClose.ShortLingerMilliseconds);
    }

    /// <summary>
    /// While stopping, idle connections close once they have been idle for
    /// <see cref="StopIdleGraceMilliseconds"/>: no response of theirs is in flight to protect
    /// with a linger. httpd closes them at once; the grace closes the race in which a client's
    /// next request is already on its way (under load a kept-alive connection is idle for
    /// microseconds), so a graceful restart loses no request: the request is answered with
    /// Connection: close instead. One being parked at this moment is left for the next pass.
    /// </summary>
    private void PurgeIdle()
    {
        foreach (Connection c in _queues.TakeIdleSince(Now - StopIdleGraceMilliseconds)) Close(c);
    }
}
