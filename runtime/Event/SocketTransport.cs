using EventMpm.Native;

namespace EventMpm.Event;

/// <summary>The plain TCP socket: each call is one system call on the connection's descriptor.</summary>
internal sealed unsafe class SocketTransport : ITransport
{
    public static readonly SocketTransport Instance = new();

    public long Receive(Connection c, byte* buffer, int length) => Result(Sys.Recv(c.Fd, buffer, length));

    public long Send(Connection c, byte* data, int length, bool more = false) => Result(Sys.Send(c.Fd, data, length, more));

    public long Send(Connection c, byte* first, int firstLength, byte* second, int secondLength)
        => Result(Sys.WriteV(c.Fd, first, firstLength, second, secondLength));

    public long SendFile(Connection c, int file, ref long offset, long count)
    {
        long n = Sys.SendFile(c.Fd, file, ref offset, count);
        return n == 0 && count > 0 ? ITransport.Failed : Result(n); // nothing sent: the file shrank under us
    }

    public bool ShutdownWrite(Connection c) => Sys.ShutdownWrite(c.Fd);

    public bool WaitReadable(Connection c, int milliseconds) => Poll.Readable(c.Fd, milliseconds);

    public bool WaitWritable(Connection c, int milliseconds) => Poll.Writable(c.Fd, milliseconds);

    public bool HasBufferedInput(Connection c) => false; // the kernel holds it, and epoll reports it

    public bool IsHandshaking(Connection c) => false;

    /// <summary>The head alone, corked (MSG_MORE) so that sendfile's first bytes share its segment.</summary>
    public long SendHeadAndFile(Connection c, byte* head, int headLength, int file, long offset, long count) => Send(c, head, headLength, more: true);

    public void Release(Connection c) { }

    private static long Result(long n) => n >= 0 ? n : Sys.WouldBlock(Sys.Errno) ? ITransport.WouldBlock : ITransport.Failed;
}
