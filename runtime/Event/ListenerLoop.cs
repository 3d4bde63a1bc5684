using System;
using System.Threading;
using EventMpm.Contract;
using EventMpm.Logging;
using EventMpm.Native;
using EventMpm.Scoreboard;
using Tmds.Linux;

namespace EventMpm.Event;

/// <summary>
/// The listener thread (event.c: listener_thread()): it accepts under the admission rule, expires
/// the timeout queues, drains lingering connections, writes this child's row of the scoreboard
/// and, when asked to stop, closes the listening sockets and waits for the last connection.
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
                else if (token >= ListenTokenBase && token < StopToken) AcceptWaiting((int)(token - ListenTokenBase));
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

    private bool AboveLimit(int hysteresis) => Admission.AboveLimit(Volatile.Read(ref _open), _linger.Count, _queues.AwaitingRestCount,
        Volatile.Read(ref _idle), TConfig.ThreadsPerChild, TConfig.AsyncRequestWorkerFactor, hysteresis);

    /// <summary>
    /// How the listening sockets are polled: every child's listener polls the same sockets, and
    /// EPOLLEXCLUSIVE wakes one of them per connection, not each (the thundering herd httpd's
    /// accept mutex and nginx's accept_mutex exist for; both use EPOLLEXCLUSIVE where Linux has it).
    /// </summary>
    private static readonly uint ListenEvents = Epoll.In | Epoll.Exclusive;

    /// <summary>At most this many accepts per wake: under load, connections that queued while the listener slept cost one wake, not one each.</summary>
    private const int AcceptBatch = 16;

    /// <summary>
    /// A listening socket polled readable: apply the admission rule, then take the connections
    /// waiting, up to <see cref="AcceptBatch"/> (the socket is level-triggered, so the next wait
    /// reports any other). As in httpd, the rule is applied only when a connection is actually
    /// waiting, and again before each one.
    /// </summary>
    private void AcceptWaiting(int index)
    {
        ListenSocket listener = _listeners[index];
        for (int taken = 0; taken < AcceptBatch && _listenersEnabled; taken++)
        {
            if (AboveLimit(hysteresis: 0))
            {
                EnableListeners(false);
                return;
            }
            int fd = listener.Accept(out int errno);
            if (fd < 0)
            {
                if (!Sys.WouldBlock(errno) && errno != LibC.EINTR && errno != LibC.ECONNABORTED)
                {
                    ErrorLog.Error("mpm_event", "AH02179", "apr_socket_accept: (client socket): " + Sys.Describe(errno)); // unixd.c: ap_unixd_accept()
                }
                return;
            }
            Interlocked.Increment(ref _open);
            Sys.SetInt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1);
            Connection c = _table.Allocate(fd, _transports[index]);
            c.AcceptedAt = Now;
            Park(c, ConnectionState.NewConnection, Epoll.In);
            if (++_accepted == TConfig.MaxConnectionsPerChild)
            {
                ErrorLog.Info("mpm_event", "", "Stopping process due to MaxConnectionsPerChild");
                Stop();
                return;
            }
        }
    }

    private void EnableListeners(bool enable)
    {
        _listenersEnabled = enable;
        _board.Process(_slot).NotAccepting = enable ? (byte)0 : (byte)1;
        // An exclusive registration cannot be modified: it is removed and added again.
        for (int i = 0; i < _listeners.Length; i++)
        {
            if (enable) _listenerSet.Add(_listeners[i].Fd, ListenEvents, ListenTokenBase + (ulong)i);
            else _listenerSet.Remove(_listeners[i].Fd);
        }
    }

    /// <summary>
    /// Timeouts (event.c: process_timeout_queue()): an idle connection gets a short linger; one
    /// still writing or lingering is closed; one whose input did not complete gets the protocol's
    /// answer (HTTP's 408, as mod_reqtimeout's), then a short linger.
    /// </summary>
    private void ExpireQueues()
    {
        long now = Now;
        while (_queues.TakeExpired(now, out ConnectionState was) is Connection expired)
        {
            if (was is ConnectionState.WriteCompletion or ConnectionState.Linger or ConnectionState.ShortLinger) Close(expired);
            else StartLinger(expired, shortLinger: true);
        }
        while (_queues.TakeExpiredAwaitingRest(now) is Connection late)
        {
            byte[] answer = _protocol.InputTimedOut();
            fixed (byte* p = answer) late.Transport.Send(late, p, answer.Length); // a few hundred bytes into an idle socket
            StartLinger(late, shortLinger: true);
        }
    }

    private void BeginStopping()
    {
        _listenersClosed = true;
        _board.Process(_slot).Quiescing = 1;
        for (int i = 0; i < Math.Min(TConfig.ThreadsPerChild, _board.ThreadLimit); i++)
        {
            WorkerScore* w = _board.Worker(_slot, i);
            if (w->Status == WorkerStatus.Ready) w->Status = WorkerStatus.Graceful; // as httpd's close_listeners marks them
        }
        _stopDeadline = Now + Math.Max(TConfig.TimeoutMilliseconds, LingeringClose.ShortLingerMilliseconds);
        foreach (ListenSocket l in _listeners)
        {
            _listenerSet.Remove(l.Fd);
            l.Dispose();
        }
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
