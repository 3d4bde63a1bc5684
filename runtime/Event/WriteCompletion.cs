using System;

namespace EventMpm.Event;

/// <summary>How far a send got.</summary>
internal enum WriteResult : byte
{
    /// <summary>Everything went out.</summary>
    Done,
    /// <summary>The socket is full: the rest waits in <see cref="Connection.Output"/>.</summary>
    Blocked,
    /// <summary>The connection failed: close it.</summary>
    Failed,
}

/// <summary>
/// What a response still has to send when the socket filled: the rest of its head, of a body in
/// memory, of a file range. The connection carries it to the pollset (httpd's write completion:
/// event.c's CONN_STATE_WRITE_COMPLETION) and the worker that finds the socket writable again
/// sends on from where it stopped, so a slow reader holds no worker.
/// </summary>
internal struct PendingOutput
{
    public byte[]? Head;
    public int HeadOffset;
    public byte[]? Body;
    public int BodyOffset, BodyRemaining;
    /// <summary>The file to send from, or -1 (a new connection's starts at <see cref="None"/>).</summary>
    public int File;
    /// <summary>The shared descriptor <see cref="File"/> is, or null when the response opened it alone.</summary>
    public SharedDescriptor? FileOwner;
    public long FileOffset, FileRemaining;
    /// <summary>The connection closes (with a linger) once everything is sent.</summary>
    public bool CloseAfter;

    /// <summary>Nothing to send: no file (-1), no bytes.</summary>
    public static PendingOutput None => new() { File = -1 };

    public readonly bool HasData => Head is not null || BodyRemaining > 0 || FileRemaining > 0;

    /// <summary>Leaves the rest of a send: the head's unsent part is copied; the body and file are the response's own.</summary>
    public void Keep(ReadOnlySpan<byte> headRest, byte[]? body, int bodyOffset, int bodyRemaining, int file, SharedDescriptor? owner, long fileOffset, long fileRemaining)
    {
        Head = headRest.IsEmpty ? null : headRest.ToArray();
        HeadOffset = 0;
        Body = bodyRemaining > 0 ? body : null;
        BodyOffset = bodyOffset;
        BodyRemaining = bodyRemaining;
        File = file;
        FileOwner = owner;
        FileOffset = fileOffset;
        FileRemaining = fileRemaining;
    }

    public void Clear()
    {
        Head = null;
        HeadOffset = 0;
        Body = null;
        BodyOffset = BodyRemaining = 0;
        SharedDescriptor.EndUse(File, FileOwner);
        File = -1;
        FileOwner = null;
        FileOffset = FileRemaining = 0;
        CloseAfter = false;
    }
}

/// <summary>Sends what a connection's <see cref="PendingOutput"/> holds: the head's rest, the body, then the file with sendfile.</summary>
internal static unsafe class WriteCompletion
{
    public static WriteResult Continue(Connection c)
    {
        ref PendingOutput o = ref c.Output;
        ITransport t = c.Transport;
        if (o.Head is byte[] head)
        {
            fixed (byte* p = head)
            {
                while (o.HeadOffset < head.Length)
                {
                    long n;
                    if (o.Body is null && o.FileRemaining > 0)
                    {
                        // A head before a file: one call, so a transport may send them together.
                        int headLeft = head.Length - o.HeadOffset;
                        n = t.SendHeadAndFile(c, p + o.HeadOffset, headLeft, o.File, o.FileOffset, o.FileRemaining);
                        if (n <= 0) return Stopped(n);
                        long fromFile = Math.Max(0, n - headLeft);
                        o.HeadOffset += (int)(n - fromFile);
                        o.FileOffset += fromFile;
                        o.FileRemaining -= fromFile;
                        continue;
                    }
                    n = t.Send(c, p + o.HeadOffset, head.Length - o.HeadOffset, more: o.BodyRemaining > 0 || o.FileRemaining > 0);
                    if (n <= 0) return Stopped(n);
                    o.HeadOffset += (int)n;
                }
            }
            o.Head = null;
        }
        if (o.Body is byte[] body)
        {
            fixed (byte* p = body)
            {
                while (o.BodyRemaining > 0)
                {
                    long n = t.Send(c, p + o.BodyOffset, o.BodyRemaining);
                    if (n <= 0) return Stopped(n);
                    o.BodyOffset += (int)n;
                    o.BodyRemaining -= (int)n;
                }
            }
            o.Body = null;
        }
        while (o.FileRemaining > 0)
        {
            long n = t.SendFile(c, o.File, ref o.FileOffset, o.FileRemaining);
            if (n <= 0) return Stopped(n); // an error, or the file shrank under us
            o.FileRemaining -= n;
        }
        if (o.File >= 0)
        {
            SharedDescriptor.EndUse(o.File, o.FileOwner);
            o.File = -1;
            o.FileOwner = null;
        }
        return WriteResult.Done;
    }

    /// <summary>A send that moved nothing: the socket is full, or the connection failed.</summary>
    public static WriteResult Stopped(long n) => n == ITransport.WouldBlock ? WriteResult.Blocked : WriteResult.Failed;
}
