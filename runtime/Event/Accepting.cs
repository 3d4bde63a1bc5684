using System.Threading;
using EventMpm.Logging;
using EventMpm.Native;
using Tmds.Linux;

namespace EventMpm.Event;

/// <summary>
/// Accepting. The listening sockets are in the workers' pollset, level-triggered: the worker that
/// sees a connection waiting accepts it and serves its first turn at once, as nginx's workers do.
/// httpd's listener thread accepts and hands the connection on, which cost a thread wake per
/// connection (new TLS connections per second went from 0.8x nginx's to level with it). Every
/// child polls the same sockets, and EPOLLEXCLUSIVE wakes one of them per connection, not each
/// (the herd httpd's accept mutex and nginx's accept_mutex exist for). The admission rule
/// (<see cref="Admission"/>) is httpd's, applied before each accept; the door it closes is
/// opened again by the listener thread.
/// </summary>
internal sealed unsafe partial class ChildEngine<TConfig>
{
    private static readonly uint ListenEvents = Epoll.In | Epoll.Exclusive;

    /// <param name="accepting">1 when a worker asks before it accepts: it is about to serve, as an idle worker would.</param>
    private bool AboveLimit(int hysteresis, int accepting = 0) => Admission.AboveLimit(Volatile.Read(ref _open), _linger.Count, _queues.AwaitingRestCount + _queues.AwaitingUpstreamCount,
        Volatile.Read(ref _idle) + accepting, TConfig.ThreadsPerChild, TConfig.AsyncRequestWorkerFactor, hysteresis);

    /// <summary>
    /// A listening socket polled readable: apply the admission rule (as in httpd, only when a
    /// connection is actually waiting), take one connection, and serve it on this worker. Others
    /// waiting keep the socket readable for the next wait.
    /// </summary>
    private void AcceptAndServe(Worker worker, IConnectionProtocol protocol, int index)
    {
        int fd;
        lock (_listenLock)
        {
            if (!_listenersEnabled || _listenersClosed) return;
            if (AboveLimit(hysteresis: 0, accepting: 1))
            {
                // Level-triggered, a socket can be reported to two workers for one connection: the
                // rule closes the door only while a connection is actually waiting.
                if (Poll.Readable(_listeners[index].Fd, 0))
                {
                    EnableListenersLocked(false);
                    _doorbell.Ring(); // the listener turns them on again once below the limit
                }
                return;
            }
            fd = _listeners[index].Accept(out int errno);
            if (fd < 0)
            {
                if (!Sys.WouldBlock(errno) && errno != LibC.EINTR && errno != LibC.ECONNABORTED)
                {
                    ErrorLog.Error("mpm_event", "AH02179", "apr_socket_accept: (client socket): " + Sys.Describe(errno)); // unixd.c: ap_unixd_accept()
                }
                return;
            }
        }
        Interlocked.Increment(ref _open);
        Sys.SetInt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1);
        Connection c = _table.Allocate(fd, _transports[index]);
        c.AcceptedAt = Now;
        if (Interlocked.Increment(ref _accepted) == TConfig.MaxConnectionsPerChild)
        {
            ErrorLog.Info("mpm_event", "", "Stopping process due to MaxConnectionsPerChild");
            Stop();
        }
        Serve(worker, protocol, c); // a connection no queue holds yet belongs to this worker alone
    }

    private void EnableListeners(bool enable)
    {
        lock (_listenLock) EnableListenersLocked(enable);
    }

    private void EnableListenersLocked(bool enable)
    {
        if (_listenersClosed || _listenersEnabled == enable) return;
        _listenersEnabled = enable;
        _board.Process(_slot).NotAccepting = enable ? (byte)0 : (byte)1;
        // An exclusive registration cannot be modified: it is removed and added again.
        for (int i = 0; i < _listeners.Length; i++)
        {
            if (enable) _pollset.Add(_listeners[i].Fd, ListenEvents, ListenTokenBase + (ulong)i);
            else _pollset.Remove(_listeners[i].Fd);
        }
    }
}
