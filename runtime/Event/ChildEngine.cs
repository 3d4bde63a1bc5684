using System;
using System.Threading;
using EventMpm.Hosting;
using EventMpm.Logging;
using EventMpm.Native;
using EventMpm.Scoreboard;
using Tmds.Linux;

namespace EventMpm.Event;

/// <summary>The events one worker took from the pollset, and which it is serving.</summary>
internal sealed unsafe class WorkerBatchState
{
    public epoll_event* Events;
    public int Count;
    public int Next;
    /// <summary>Whether this worker holds one of the running slots (<see cref="ChildEngine{TConfig}.ReleaseBatch"/> gives it up).</summary>
    public bool Running;
}

/// <summary>
/// One child process's engine: the event MPM's listener thread and its worker pool.
///
/// Who owns a connection when:
/// - waiting for its first request, between requests, for the rest of a head, or for the socket
///   to drain: the <b>pollset</b> (one-shot epoll registrations) and its timeout queue (a heap
///   by deadline for heads, whose time grows with the bytes received). The first thread to take
///   it out of the queue, under <see cref="_queueLock"/>, owns it: a worker that saw it become
///   ready, or the listener that saw it expire.
/// - serving a request: the <b>worker</b> that took it. Workers wait on the pollset themselves
///   (leader/follower), so a kept-alive request costs no hand-off from the listener to a worker;
///   idle connections still belong to the epoll set, never to a thread. Only this child's share
///   of the machine's cores wait on the pollset or serve at once (<see cref="_turns"/>); the
///   others wait their turn, and a worker about to block (a request body, a C# handler) gives
///   its turn away first.
/// - lingering close: the <b>listener</b>, in its own epoll set, until the client closes or the
///   linger time runs out (httpd's MAX_SECS_TO_LINGER and SECONDS_TO_LINGER).
///
/// The listener also accepts, applying httpd's admission rule (event.c: connections_above_limit()): while
/// <c>open - lingering - reading a head >= ThreadsPerChild + AsyncRequestWorkerFactor * idle</c>,
/// or no worker is idle, it stops polling its listening sockets and the kernel backlog holds new
/// connections. It writes this child's row of the scoreboard; each worker writes its own slot.
/// </summary>
internal sealed unsafe class ChildEngine<TConfig> : IDisposable where TConfig : struct, IServerConfig
{
    /// <summary>httpd's MAX_SECS_TO_LINGER: the longest a lingering close lasts.</summary>
    public const int LingerMilliseconds = 30_000;

    /// <summary>httpd's SECONDS_TO_LINGER: the short lingering close after a timeout.</summary>
    public const int ShortLingerMilliseconds = 2_000;

    /// <summary>The linger read size of httpd's event MPM.</summary>
    private const int LingerReadSize = 32 * 1024;

    /// <summary>How long a stopping child keeps an idle connection, in case its next request is on the way.</summary>
    private const int StopIdleGraceMilliseconds = 1000;

    /// <summary>Ready connections a worker takes per wait on the pollset.</summary>
    private const int WorkerBatch = 8;

    /// <summary>
    /// The turns to wait on the pollset and serve without blocking (<see cref="RunningTurns"/>):
    /// the cores shared among the serving children. With all ThreadsPerChild workers in
    /// epoll_wait, each ready connection woke a thread of its own; with a few turns, a worker that
    /// comes back finds several ready and serves them in a row (BenchSite, 2 cores: about 1.3x the
    /// requests a second at 50 connections against every worker waiting).
    /// </summary>
    private readonly RunningTurns _turns;

    private const ulong DoorbellToken = ulong.MaxValue;
    private const ulong StopToken = ulong.MaxValue - 1;
    private const ulong ListenTokenBase = ulong.MaxValue - 1 - 4096;

    private readonly Epoll _pollset = new();
    private readonly Epoll _listenerSet = new();
    private readonly EventFd _doorbell = new();
    private readonly EventFd _stopBell = new();
    private readonly ListenSocket[] _listeners;
    private readonly ConnectionTable _table = new();
    private readonly object _queueLock = new();
    private readonly TimeoutQueue _newConnections, _keepAlive, _writeCompletion, _linger, _shortLinger;
    private readonly TimeoutQueue[] _queues;
    // Connections reading a head have deadlines of their own (mod_reqtimeout's MinRate extends
    // each by the bytes received), so they wait in a heap by deadline rather than a FIFO. An
    // entry is stale once its connection was claimed or parked again; stale entries are dropped
    // when they reach the top.
    private readonly System.Collections.Generic.PriorityQueue<(Connection Connection, ulong Token, long Deadline), long> _readingHead = new();
    private int _waitingIo;
    private readonly Thread[] _workers;
    private readonly HttpSite _site;
    private readonly ScoreboardImage _board;
    private readonly int _slot;
    private int _open, _lingering, _idle;
    private long _accepted;
    private volatile bool _listenersEnabled;
    private volatile bool _stopping;
    private long _stopDeadline;
    private bool _listenersClosed;

    /// <param name="board">The scoreboard this child reports to; <paramref name="slot"/> is its process row.</param>
    public ChildEngine(ListenSocket[] listeners, HttpSite site, ScoreboardImage board, int slot)
    {
        _listeners = listeners;
        _site = site;
        _board = board;
        _slot = slot;
        int headerTimeout = TConfig.RequestReadHeaderTimeout > 0 ? TConfig.RequestReadHeaderTimeout * 1000 : TConfig.TimeoutMilliseconds;
        _newConnections = new TimeoutQueue(Parked.NewConnection, headerTimeout);
        _keepAlive = new TimeoutQueue(Parked.KeepAlive, TConfig.KeepAliveTimeoutMilliseconds);
        _writeCompletion = new TimeoutQueue(Parked.WriteCompletion, TConfig.TimeoutMilliseconds);
        _linger = new TimeoutQueue(Parked.Linger, LingerMilliseconds);
        _shortLinger = new TimeoutQueue(Parked.ShortLinger, ShortLingerMilliseconds);
        _queues = new[] { _newConnections, _keepAlive, _writeCompletion, _linger, _shortLinger };

        _listenerSet.Add(_doorbell.Fd, Epoll.In, DoorbellToken);
        _pollset.Add(_stopBell.Fd, Epoll.In, StopToken); // level-triggered: once rung, every worker sees it
        _listenersEnabled = true;
        for (int i = 0; i < listeners.Length; i++) _listenerSet.Add(listeners[i].Fd, Epoll.In, ListenTokenBase + (ulong)i);

        _turns = new RunningTurns(TurnsNow());
        _workers = new Thread[TConfig.ThreadsPerChild];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop, TConfig.ThreadStackSize) { Name = "worker " + i, IsBackground = true };
        }
        ref ProcessScore process = ref board.Process(slot);
        process.Threads = TConfig.ThreadsPerChild;
        process.NotAccepting = 0;
        process.Quiescing = 0;
        PublishCounts();
        for (int i = 0; i < Math.Min(TConfig.ThreadsPerChild, board.ThreadLimit); i++)
        {
            WorkerScore* w = board.Worker(slot, i);
            w->Pid = Environment.ProcessId;
            w->Generation = process.Generation;
            w->MyAccessCount = w->MyBytesServed = 0;
            w->Status = WorkerStatus.Starting;
        }
    }

    public int OpenConnections => Volatile.Read(ref _open);

    public int IdleWorkers => Volatile.Read(ref _idle);

    /// <summary>How many of this child's workers may wait on the pollset or serve at once now.</summary>
    public int Turns => _turns.Target;

    public bool Accepting => _listenersEnabled;

    /// <summary>Connections parked for write completion now (what tests wait for; mod_status reads the published count).</summary>
    internal int WaitingToWrite
    {
        get { lock (_queueLock) return _writeCompletion.Count; }
    }

    /// <summary>The scoreboard and this child's row in it, for the status page.</summary>
    public ScoreboardImage Board => _board;

    /// <summary>Runs the listener on the calling thread until <see cref="Stop"/> and every connection has ended.</summary>
    public void Run()
    {
        for (int i = 0; i < _workers.Length; i++) _workers[i].Start(i);
        ListenerLoop();
        _stopBell.Ring();
        _turns.ReleaseAll(_workers.Length); // the workers waiting for a turn must reach the pollset to see the bell
        foreach (Thread t in _workers) t.Join();
    }

    /// <summary>Stops accepting; in-flight responses finish, idle connections close. Safe from any thread.</summary>
    public void Stop()
    {
        _stopping = true;
        _doorbell.Ring();
    }

    public bool Stopping => _stopping;

    private static long Now => Environment.TickCount64;

    // ------------------------------------------------------------------ listener

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
                else if (token >= ListenTokenBase && token < StopToken) AcceptOne(_listeners[(int)(token - ListenTokenBase)]);
                else if (_table.Find(token) is Connection c) DrainLinger(c);
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
        lock (_queueLock)
        {
            p.KeepAlive = (uint)_keepAlive.Count;
            p.WriteCompletion = (uint)_writeCompletion.Count;
        }
        p.LingeringClose = (uint)Volatile.Read(ref _lingering);
        p.WaitIo = (uint)Volatile.Read(ref _waitingIo);
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
        long next;
        lock (_queueLock)
        {
            next = Math.Min(Math.Min(_newConnections.NextExpiry, _keepAlive.NextExpiry),
                   Math.Min(_writeCompletion.NextExpiry, Math.Min(_linger.NextExpiry, _shortLinger.NextExpiry)));
            if (_readingHead.TryPeek(out _, out long headDeadline)) next = Math.Min(next, headDeadline);
        }
        if (_stopping) next = Math.Min(next, Math.Min(_stopDeadline, Now + 100)); // purge idle ones on time
        // Wake at least once a second: a worker that parks a connection does not ring the
        // doorbell, so a new queue head is seen within a second (httpd's queues fire late, never early).
        long wait = Math.Min(next - Now, 1000);
        return (int)Math.Max(wait, 0);
    }

    /// <summary>httpd's connections_above_limit, with the -d hysteresis when re-enabling; connections reading a head do not count.</summary>
    private bool AboveLimit(int hysteresis)
    {
        int idle = Volatile.Read(ref _idle);
        if (idle == 0) return true;
        // Beyond httpd: a connection still receiving its head holds no worker, so like a lingering
        // one it does not count; a slowloris crowd cannot close the door on other clients.
        int busy = Volatile.Read(ref _open) - Volatile.Read(ref _lingering) - Volatile.Read(ref _waitingIo);
        return busy >= TConfig.ThreadsPerChild + (idle - hysteresis) * TConfig.AsyncRequestWorkerFactor;
    }

    /// <summary>
    /// A listening socket polled readable: apply the admission rule, then take one connection
    /// (the socket is level-triggered, so the next wait reports any other). As in httpd, the rule
    /// is applied only when a connection is actually waiting.
    /// </summary>
    private void AcceptOne(ListenSocket listener)
    {
        if (!_listenersEnabled) return;
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
        Connection c = _table.Allocate(fd);
        c.AcceptedAt = Now;
        Park(c, _newConnections, Epoll.In);
        if (++_accepted == TConfig.MaxConnectionsPerChild)
        {
            ErrorLog.Info("mpm_event", "", "Stopping process due to MaxConnectionsPerChild");
            Stop();
        }
    }

    private void EnableListeners(bool enable)
    {
        _listenersEnabled = enable;
        _board.Process(_slot).NotAccepting = enable ? (byte)0 : (byte)1;
        for (int i = 0; i < _listeners.Length; i++) _listenerSet.Modify(_listeners[i].Fd, enable ? Epoll.In : 0, ListenTokenBase + (ulong)i);
    }

    private void ExpireQueues()
    {
        long now = Now;
        while (true)
        {
            Connection? expired = null;
            bool closeNow = false;
            lock (_queueLock)
            {
                foreach (TimeoutQueue q in _queues)
                {
                    Connection? head = q.Head;
                    if (head is null || head.QueuedAt + q.TimeoutTicks > now || Volatile.Read(ref head.Arming)) continue;
                    q.Remove(head);
                    expired = head;
                    closeNow = q.Kind is Parked.WriteCompletion or Parked.Linger or Parked.ShortLinger;
                    break;
                }
            }
            if (expired is null) break;
            if (closeNow) Close(expired);
            else StartLinger(expired, shortLinger: true);
        }
        ExpireHeads(now);
    }

    /// <summary>A head that did not arrive in time: 408, as mod_reqtimeout answers, then a short linger.</summary>
    private void ExpireHeads(long now)
    {
        while (true)
        {
            Connection c;
            lock (_queueLock)
            {
                if (!_readingHead.TryPeek(out var entry, out long deadline) || deadline > now) return;
                c = entry.Connection;
                bool current = c.Token == entry.Token && c.Parked == Parked.ReadingHead && c.HeadDeadline == deadline;
                if (current && Volatile.Read(ref c.Arming)) return; // being parked right now: next pass
                _readingHead.Dequeue();
                if (!current) continue;
                c.Parked = Parked.No;
                _waitingIo--;
            }
            byte[] answer = _site.TimeoutResponse();
            fixed (byte* p = answer) Sys.Send(c.Fd, p, answer.Length); // a few hundred bytes into an idle socket
            c.PendingInput = null;
            StartLinger(c, shortLinger: true);
        }
    }

    /// <summary>Reads and drops what a lingering client still sends; its end closes the connection.</summary>
    private void DrainLinger(Connection c)
    {
        byte* buffer = stackalloc byte[LingerReadSize];
        while (true)
        {
            long n = Sys.Recv(c.Fd, buffer, LingerReadSize);
            if (n > 0) continue;
            if (n < 0 && Sys.WouldBlock(Sys.Errno)) return;
            lock (_queueLock)
            {
                if (c.Parked is not (Parked.Linger or Parked.ShortLinger)) return;
                (c.Parked == Parked.Linger ? _linger : _shortLinger).Remove(c);
            }
            Close(c);
            return;
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
        _stopDeadline = Now + Math.Max(TConfig.TimeoutMilliseconds, ShortLingerMilliseconds);
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
        var idle = new System.Collections.Generic.List<Connection>();
        long cutoff = Now - StopIdleGraceMilliseconds;
        lock (_queueLock)
        {
            foreach (TimeoutQueue q in new[] { _keepAlive, _newConnections })
            {
                for (Connection? c = q.Head, next; c is not null && c.QueuedAt <= cutoff; c = next)
                {
                    next = c.Next;
                    if (Volatile.Read(ref c.Arming)) continue;
                    q.Remove(c);
                    idle.Add(c);
                }
            }
        }
        foreach (Connection c in idle) Close(c);
    }

    // ------------------------------------------------------------------ workers

    /// <summary>
    /// A worker waits on the pollset itself and takes up to <see cref="WorkerBatch"/> ready
    /// connections per wait, serving them one after another: under load a running worker finds
    /// work without sleeping, and the kernel wakes a sleeping one only when nobody is running.
    /// A connection is claimed only when its turn comes; a worker about to block on one request
    /// gives the rest of its batch back to the pollset first (<see cref="ReleaseBatch"/>).
    /// </summary>
    private void WorkerLoop(object? index)
    {
        int thread = (int)index!;
        // A worker beyond the scoreboard's ThreadLimit (a graceful restart onto a binary with a
        // larger ThreadsPerChild keeps the old shape) reports into a private slot.
        WorkerScore* score = thread < _board.ThreadLimit ? _board.Worker(_slot, thread)
            : (WorkerScore*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(WorkerScore));
        var batch = new WorkerBatchState { Events = (epoll_event*)System.Runtime.InteropServices.NativeMemory.Alloc(WorkerBatch, (nuint)sizeof(epoll_event)) };
        var session = new HttpSession<TConfig>(this, _site, batch, score);
        try
        {
            while (true)
            {
                session.FlushLogs();
                score->Status = _stopping ? WorkerStatus.Graceful : WorkerStatus.Ready;
                Interlocked.Increment(ref _idle);
                if (!_listenersEnabled && !_stopping) _doorbell.Ring();
                // A worker keeps its turn from one batch to the next: handing it to another
                // thread each time cost a futex wake and a context switch per batch.
                if (!batch.Running)
                {
                    _turns.Take();
                    batch.Running = true;
                }
                batch.Count = _pollset.Wait(batch.Events, WorkerBatch, -1);
                Interlocked.Decrement(ref _idle);
                for (batch.Next = 0; batch.Next < batch.Count; batch.Next++)
                {
                    ulong token = batch.Events[batch.Next].data.u64;
                    if (token == StopToken) return;
                    if (_table.Find(token) is Connection c && Claim(c, token)) session.Serve(c);
                }
                if (_turns.Owed) GiveUpTurn(batch); // there are to be fewer turns (another child started)
            }
        }
        finally
        {
            GiveUpTurn(batch);
            session.FlushLogs();
            score->Status = WorkerStatus.Dead;
            System.Runtime.InteropServices.NativeMemory.Free(batch.Events);
            if (thread >= _board.ThreadLimit) System.Runtime.InteropServices.NativeMemory.Free(score);
        }
    }

    private void GiveUpTurn(WorkerBatchState batch)
    {
        if (!batch.Running) return;
        batch.Running = false;
        _turns.Return();
    }

    /// <summary>
    /// Before a worker blocks: re-arms the events it took but has not served, so other workers
    /// can, and gives its running turn to a waiting worker.
    /// </summary>
    public void ReleaseBatch(WorkerBatchState batch)
    {
        GiveUpTurn(batch);
        for (int i = batch.Next + 1; i < batch.Count; i++)
        {
            ulong token = batch.Events[i].data.u64;
            if (token == StopToken) continue;
            lock (_queueLock)
            {
                if (_table.Find(token) is not Connection c || c.Token != token) continue;
                uint events = c.Parked switch
                {
                    Parked.NewConnection or Parked.KeepAlive or Parked.ReadingHead => Epoll.In,
                    Parked.WriteCompletion => Epoll.Out,
                    _ => 0,
                };
                if (events != 0) _pollset.Modify(c.Fd, events | Epoll.OneShot | Epoll.RdHup, token);
            }
        }
        batch.Count = batch.Next + 1;
    }

    /// <summary>Takes a connection out of its queue; false when the listener (or nobody) has it now.</summary>
    private bool Claim(Connection c, ulong token)
    {
        lock (_queueLock)
        {
            if (c.Token != token) return false;
            switch (c.Parked)
            {
                case Parked.NewConnection: _newConnections.Remove(c); return true;
                case Parked.KeepAlive: _keepAlive.Remove(c); return true;
                case Parked.WriteCompletion: _writeCompletion.Remove(c); return true;
                case Parked.ReadingHead:
                    c.Parked = Parked.No; // its heap entry is stale from now on
                    _waitingIo--;
                    return true;
                default: return false;
            }
        }
    }

    // ------------------------------------------------------------------ state changes (called by the owner)

    /// <summary>
    /// Gives a connection back to the pollset to wait for its next request. While stopping too: a
    /// response sent before the stop promised keep-alive, so the client may already be sending;
    /// that request is answered (with Connection: close), an idle one is purged after the grace.
    /// </summary>
    public void ParkForRead(Connection c) => Park(c, c.Served == 0 ? _newConnections : _keepAlive, Epoll.In);

    /// <summary>
    /// Part of a head has come: the connection waits for the rest in the pollset, holding no
    /// worker (httpd holds one here; slow clients are the reason this server does not). The bytes
    /// so far travel in <see cref="Connection.PendingInput"/>. Its deadline is mod_reqtimeout's:
    /// header seconds from the head's start, plus a second per MinRate bytes received, at most
    /// the header maximum; without RequestReadTimeout, Timeout from now.
    /// </summary>
    public void ParkForHead(Connection c, int received)
    {
        long deadline;
        if (TConfig.RequestReadHeaderTimeout <= 0) deadline = Now + TConfig.TimeoutMilliseconds;
        else
        {
            deadline = c.HeadStartedAt + TConfig.RequestReadHeaderTimeout * 1000L;
            if (TConfig.RequestReadHeaderMinRate > 0) deadline += received * 1000L / TConfig.RequestReadHeaderMinRate;
            if (TConfig.RequestReadHeaderMaxTimeout > 0) deadline = Math.Min(deadline, c.HeadStartedAt + TConfig.RequestReadHeaderMaxTimeout * 1000L);
        }
        c.Arming = true;
        lock (_queueLock)
        {
            c.Parked = Parked.ReadingHead;
            c.HeadDeadline = deadline;
            _readingHead.Enqueue((c, c.Token, deadline), deadline);
            _waitingIo++;
        }
        int rc = Arm(c, Epoll.In);
        if (rc == 0)
        {
            Volatile.Write(ref c.Arming, false);
            if (deadline <= Now + 1) _doorbell.Ring(); // already due: the listener may be asleep for a second
            return;
        }
        lock (_queueLock)
        {
            c.Parked = Parked.No;
            _waitingIo--;
        }
        Volatile.Write(ref c.Arming, false);
        Close(c);
    }

    /// <summary>Gives a connection back to the pollset until its socket drains (write completion).</summary>
    public void ParkForWrite(Connection c) => Park(c, _writeCompletion, Epoll.Out);

    private void Park(Connection c, TimeoutQueue queue, uint events)
    {
        // Into the queue first, then armed: its event can only fire once it is in the queue, so
        // the worker that sees the event finds it there. While Arming is set the listener will
        // not expire it, so it cannot be closed under the epoll_ctl, which runs outside the lock.
        c.Arming = true;
        lock (_queueLock) queue.Append(c, Now);
        int rc = Arm(c, events);
        if (rc == 0)
        {
            Volatile.Write(ref c.Arming, false);
            return;
        }
        // Not armed, so no event can take it: it is still ours to close.
        lock (_queueLock) queue.Remove(c);
        Volatile.Write(ref c.Arming, false);
        Close(c);
    }

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

    /// <summary>
    /// Lingering close (event.c: process_lingering_close()): send FIN, then read and drop whatever the client still sends,
    /// so a response it has not read yet is not destroyed by a reset.
    /// </summary>
    public void StartLinger(Connection c, bool shortLinger)
    {
        c.ClearPending();
        if (LibC.shutdown(c.Fd, LibC.SHUT_WR) != 0)
        {
            Close(c);
            return;
        }
        if (c.InPollset)
        {
            _pollset.Remove(c.Fd);
            c.InPollset = false;
        }
        Interlocked.Increment(ref _lingering);
        c.Lingering = true;
        lock (_queueLock)
        {
            (shortLinger || _stopping ? _shortLinger : _linger).Append(c, Now);
            if (_listenerSet.Add(c.Fd, Epoll.In | Epoll.RdHup, c.Token) == 0) return;
            (shortLinger || _stopping ? _shortLinger : _linger).Remove(c);
        }
        Close(c);
    }

    public void Close(Connection c)
    {
        c.ClearPending();
        Sys.Close(c.Fd);
        if (c.Lingering)
        {
            Interlocked.Decrement(ref _lingering);
            c.Lingering = false;
        }
        _table.Release(c);
        Interlocked.Decrement(ref _open);
        if (!_listenersEnabled || _stopping) _doorbell.Ring();
    }

    public void Dispose()
    {
        if (!_listenersClosed) foreach (ListenSocket l in _listeners) l.Dispose();
        _pollset.Dispose();
        _listenerSet.Dispose();
        _doorbell.Dispose();
        _stopBell.Dispose();
    }
}
