using System.Runtime.InteropServices;
using System.Threading;
using EventMpm.Scoreboard;
using Tmds.Linux;

namespace EventMpm.Event;

/// <summary>
/// The workers (event.c: worker_thread(), though here each waits on the pollset itself): a worker
/// takes up to <see cref="Worker.BatchSize"/> ready connections per wait and serves them one
/// after another, so under load a running worker finds work without sleeping and the kernel wakes
/// a sleeping one only when nobody runs. A connection is claimed only when its turn comes; a
/// worker about to block on one gives the rest of its batch back first (<see cref="ReleaseBatch"/>).
/// </summary>
internal sealed unsafe partial class ChildEngine<TConfig>
{
    private void WorkerLoop(object? index)
    {
        int thread = (int)index!;
        // A worker beyond the scoreboard's ThreadLimit (a graceful restart onto a binary with a
        // larger ThreadsPerChild keeps the old shape) reports into a private slot.
        WorkerScore* score = thread < _board.ThreadLimit ? _board.Worker(_slot, thread)
            : (WorkerScore*)NativeMemory.AllocZeroed((nuint)sizeof(WorkerScore));
        var worker = new Worker(score, _board, ReleaseBatch, () => _stopping)
        {
            Events = (epoll_event*)NativeMemory.Alloc(Worker.BatchSize, (nuint)sizeof(epoll_event)),
        };
        IConnectionProtocol protocol = _protocol.ForWorker(worker);
        try
        {
            while (true)
            {
                protocol.Idle();
                score->Status = _stopping ? WorkerStatus.Graceful : WorkerStatus.Ready;
                Interlocked.Increment(ref _idle);
                if (!_listenersEnabled && !_stopping) _doorbell.Ring();
                // A worker keeps its turn from one batch to the next: handing it to another
                // thread each time cost a futex wake and a context switch per batch.
                if (!worker.Running)
                {
                    _turns.Take();
                    worker.Running = true;
                }
                worker.Count = _pollset.Wait(worker.Events, Worker.BatchSize, -1);
                Interlocked.Decrement(ref _idle);
                for (worker.Next = 0; worker.Next < worker.Count; worker.Next++)
                {
                    ulong token = worker.Events[worker.Next].data.u64;
                    if (token == StopToken) return;
                    if (token >= ListenTokenBase) AcceptAndServe(worker, protocol, (int)(token - ListenTokenBase));
                    else if (_table.Find(token & ~UpstreamTag) is Connection c && _queues.Claim(c, token & ~UpstreamTag)) Serve(worker, protocol, c);
                }
                if (_turns.Owed) GiveUpTurn(worker); // there are to be fewer turns (another child started)
            }
        }
        finally
        {
            GiveUpTurn(worker);
            protocol.Idle();
            score->Status = WorkerStatus.Dead;
            NativeMemory.Free(worker.Events);
            if (thread >= _board.ThreadLimit) NativeMemory.Free(score);
        }
    }

    private void GiveUpTurn(Worker worker)
    {
        if (!worker.Running) return;
        worker.Running = false;
        _turns.Return();
    }

    /// <summary>
    /// Before a worker blocks: re-arms the events it took but has not served, so other workers
    /// can, and gives its running turn to a waiting worker.
    /// </summary>
    private void ReleaseBatch(Worker worker)
    {
        GiveUpTurn(worker);
        for (int i = worker.Next + 1; i < worker.Count; i++)
        {
            ulong token = worker.Events[i].data.u64;
            if (token >= ListenTokenBase) continue; // level-triggered: the next wait reports it again
            lock (_queues.Gate)
            {
                if (_table.Find(token & ~UpstreamTag) is not Connection c || c.Token != (token & ~UpstreamTag)) continue;
                if (c.State == ConnectionState.AwaitingUpstream)
                {
                    _pollset.Modify(c.Upstream, c.UpstreamEvents | Native.Epoll.OneShot | Native.Epoll.RdHup, token);
                    continue;
                }
                uint events = c.State switch
                {
                    ConnectionState.NewConnection or ConnectionState.KeepAlive or ConnectionState.AwaitingRest => InputEvents(c),
                    ConnectionState.WriteCompletion => Native.Epoll.Out,
                    _ => 0,
                };
                if (events != 0) _pollset.Modify(c.Fd, events | Native.Epoll.OneShot | Native.Epoll.RdHup, token);
            }
        }
        worker.Count = worker.Next + 1;
    }
}
