using System;
using System.Threading;
using EventMpm.Contract;
using EventMpm.Native;
using EventMpm.Scoreboard;

namespace EventMpm.Event;

/// <summary>
/// One child process's engine: the event MPM's listener thread and its worker pool, which know
/// nothing of HTTP. Its parts, each in a file of its own:
/// - Accepting.cs: the worker that sees a connection waiting accepts it under the
///   <see cref="Admission"/> rule and serves it at once;
/// - <see cref="ListenerLoop"/>: the timeouts of <see cref="TimeoutQueues"/>,
///   <see cref="LingeringClose"/>, reopening the door admission closed, the scoreboard's counts;
/// - <see cref="WorkerLoop"/>: workers that wait on the pollset themselves (leader/follower) and
///   take turns to run (<see cref="RunningTurns"/>), so a kept-alive request costs no hand-off;
/// - the connection state machine (ConnectionStateMachine.cs, <see cref="ConnectionState"/>):
///   what the <see cref="IProtocol"/> returns moves a connection between the pollset, a worker,
///   <see cref="WriteCompletion"/> and lingering close.
/// Idle connections belong to the epoll set, never to a thread.
/// </summary>
internal sealed unsafe partial class ChildEngine<TConfig> : IDisposable where TConfig : struct, IServerConfig
{
    /// <summary>How long a stopping child keeps an idle connection, in case its next request is on the way.</summary>
    private const int StopIdleGraceMilliseconds = 1000;

    private const ulong DoorbellToken = ulong.MaxValue;
    private const ulong StopToken = ulong.MaxValue - 1;
    private const ulong ListenTokenBase = ulong.MaxValue - 1 - 4096;

    private readonly Epoll _pollset = new();
    private readonly Epoll _listenerSet = new();
    private readonly EventFd _doorbell = new();
    private readonly EventFd _stopBell = new();
    private readonly ListenSocket[] _listeners;
    private readonly ITransport[] _transports;
    private readonly ConnectionTable _table = new();
    private readonly TimeoutQueues _queues;
    private readonly LingeringClose _linger;
    private readonly IProtocol _protocol;
    private readonly RunningTurns _turns;
    private readonly Thread[] _workers;
    private readonly ScoreboardImage _board;
    private readonly int _slot;
    private int _open, _idle;
    private long _accepted;
    /// <summary>Held to accept, and to register, unregister or close the listening sockets: no accept meets a socket being closed.</summary>
    private readonly object _listenLock = new();
    private volatile bool _listenersEnabled;
    private volatile bool _stopping;
    private long _stopDeadline;
    private bool _listenersClosed;

    /// <param name="board">The scoreboard this child reports to; <paramref name="slot"/> is its process row.</param>
    /// <param name="transports">The transport of each listener's connections (the plain socket when not given).</param>
    public ChildEngine(ListenSocket[] listeners, IProtocol protocol, ScoreboardImage board, int slot, ITransport[]? transports = null)
    {
        _listeners = listeners;
        _transports = transports ?? Array.ConvertAll(listeners, _ => (ITransport)SocketTransport.Instance);
        _protocol = protocol;
        _board = board;
        _slot = slot;
        // A new connection waits for its first head as a head does (mod_reqtimeout's header stage), else Timeout.
        int firstRequest = TConfig.RequestReadHeaderTimeout > 0 ? TConfig.RequestReadHeaderTimeout * 1000 : TConfig.TimeoutMilliseconds;
        _queues = new TimeoutQueues(firstRequest, TConfig.KeepAliveTimeoutMilliseconds, TConfig.TimeoutMilliseconds,
            LingeringClose.LingerMilliseconds, LingeringClose.ShortLingerMilliseconds);
        _linger = new LingeringClose(_listenerSet, _pollset, _queues, Close);

        _listenerSet.Add(_doorbell.Fd, Epoll.In, DoorbellToken);
        _pollset.Add(_stopBell.Fd, Epoll.In, StopToken); // level-triggered: once rung, every worker sees it
        _listenersEnabled = true;
        for (int i = 0; i < listeners.Length; i++) _pollset.Add(listeners[i].Fd, ListenEvents, ListenTokenBase + (ulong)i);

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
    internal int WaitingToWrite => _queues.WriteCompletionCount;

    /// <summary>Runs the listener on the calling thread until <see cref="Stop"/> and every connection has ended.</summary>
    public void Run()
    {
        for (int i = 0; i < _workers.Length; i++) _workers[i].Start(i);
        ListenerLoop();
        _stopBell.Ring();
        _turns.ReleaseAll(_workers.Length); // the workers waiting for a turn must reach the pollset to see the bell
        foreach (Thread t in _workers) t.Join();
        // Past the stop's deadline: what is still open closes now, and gives back what the
        // protocol kept with it (a spooled body's file), as the process's exit would.
        foreach (Connection c in _table.Open()) Close(c);
    }

    /// <summary>Stops accepting; in-flight responses finish, idle connections close. Safe from any thread.</summary>
    public void Stop()
    {
        _stopping = true;
        _doorbell.Ring();
    }

    public bool Stopping => _stopping;

    private static long Now => Environment.TickCount64;

    public void Dispose()
    {
        if (!_listenersClosed) foreach (ListenSocket l in _listeners) l.Dispose();
        _pollset.Dispose();
        _listenerSet.Dispose();
        _doorbell.Dispose();
        _stopBell.Dispose();
    }
}
