using System.Threading;
using EventMpm.Native;

namespace EventMpm.Event;

/// <summary>
/// A descriptor that many responses send from at once (sendfile is given the offset, so the file
/// position is never used). Each response holds it from <see cref="TryAcquire"/> until
/// <see cref="Release"/>, through write completion too; once its owner lets go of it
/// (<see cref="Retire"/>) it is closed after the last response, so a response never meets a
/// closed (or reused) number. A dup per response cost two system calls.
/// </summary>
internal abstract class SharedDescriptor(int fd)
{
    private readonly int _fd = fd;
    private int _users, _retired, _closed;

    public bool HasDescriptor => _fd >= 0;

    /// <summary>The descriptor for one response, held until <see cref="Release"/>; false once retired.</summary>
    public bool TryAcquire(out int fd)
    {
        fd = -1;
        Interlocked.Increment(ref _users);
        if (Interlocked.CompareExchange(ref _retired, 0, 0) == 0)
        {
            fd = _fd;
            return true;
        }
        Release();
        return false;
    }

    /// <summary>A response that held the descriptor (<see cref="TryAcquire"/>) is done with it.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0 && Interlocked.CompareExchange(ref _retired, 0, 0) == 1) CloseOnce();
    }

    /// <summary>Whether <see cref="Retire"/> has been called: nothing is handed out any more.</summary>
    protected bool IsRetired => Volatile.Read(ref _retired) == 1;

    /// <summary>No longer handed out: the descriptor closes when its last user is done.</summary>
    public virtual void Retire()
    {
        if (!HasDescriptor) return;
        Interlocked.Exchange(ref _retired, 1);
        if (Interlocked.CompareExchange(ref _users, 0, 0) == 0) CloseOnce();
    }

    /// <summary>Ends a response's use of a file: releases a shared descriptor, or closes one opened for the response alone.</summary>
    public static void EndUse(int fd, SharedDescriptor? owner)
    {
        if (owner is not null) owner.Release();
        else if (fd >= 0) Sys.Close(fd);
    }

    private void CloseOnce()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Sys.Close(_fd);
            Closed();
        }
    }

    /// <summary>Called once, after the descriptor is closed.</summary>
    protected virtual void Closed() { }
}
