using System;
using EventMpm.Event;
using EventMpm.Native;

namespace EventMpm.Tls;

/// <summary>
/// TLS over a connection's non-blocking socket (OpenSSL's SSL on the descriptor). The handshake
/// runs inside the first receives: a handshake that wants more bytes answers
/// <see cref="ITransport.WouldBlock"/> like a plain socket with nothing to read, so a slow or
/// stalled handshake waits in the pollset as a slow head does and holds no worker. OpenSSL reads
/// ahead (one read takes what the socket holds, not a record's header and then its body), so
/// records may wait in its buffer where epoll cannot see them: until a receive has met the
/// socket's end (WANT_READ, or WANT_WRITE: <see cref="Connection.TransportWait"/>), buffered bytes, decrypted or not, are
/// <see cref="HasBufferedInput"/> and the connection is served again instead of parked. A write
/// OpenSSL could not finish is retried with the same bytes, from wherever write completion keeps
/// them (partial writes, moving buffer).
/// </summary>
internal sealed unsafe class TlsTransport(TlsContext context) : ITransport
{
    /// <summary>The most a TLS record carries (RFC 8446 §5.1).</summary>
    private const int RecordSize = 16 * 1024;

    /// <summary>A file is read this much at a time (four records), so a large one costs a pread per four writes, not one per write.</summary>
    private const int FileReadSize = 4 * RecordSize;

    [ThreadStatic] private static byte[]? t_buffer;

    private static byte[] Buffer => t_buffer ??= GC.AllocateArray<byte>(FileReadSize, pinned: true);

    /// <summary>The connection's session, made at its first receive.</summary>
    private nint Session(Connection c)
    {
        if (c.TransportState != 0) return c.TransportState;
        nint ssl = OpenSsl.SSL_new(context.Handle);
        if (ssl == 0) return 0;
        if (OpenSsl.SSL_set_fd(ssl, c.Fd) != 1 || !SocketWriteBio.Attach(ssl, c.Fd))
        {
            OpenSsl.SSL_free(ssl);
            return 0;
        }
        OpenSsl.SSL_set_accept_state(ssl);
        c.TransportState = ssl;
        return ssl;
    }

    /// <summary>A TLS record's first byte when it carries a handshake message (RFC 8446 §5.1: ContentType handshake(22)).</summary>
    private const byte HandshakeRecord = 22;

    /// <summary>What the client that spoke plain HTTP to this port is told (httpd and nginx answer so too, in plain HTTP).</summary>
    private static readonly byte[] s_plainHttpRefusal = PlainHttpRefusal();

    private static byte[] PlainHttpRefusal()
    {
        byte[] body = System.Text.Encoding.ASCII.GetBytes("<!DOCTYPE html>\n<html><head><title>400 Bad Request</title></head>\n<body><h1>400 Bad Request</h1>\n"
            + "<p>This port speaks HTTPS, and the request came in plain HTTP: use an https:// address.</p></body></html>\n");
        string head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + body.Length + "\r\nConnection: close\r\n\r\n";
        byte[] all = new byte[head.Length + body.Length];
        System.Text.Encoding.ASCII.GetBytes(head, all);
        body.CopyTo(all, head.Length);
        return all;
    }

    public long Receive(Connection c, byte* buffer, int length)
    {
        if (c.TransportState == 0)
        {
            // Before OpenSSL sees it: a connection that opens with a letter is plain HTTP (a
            // method), which the handshake would only answer with an alert the client cannot read.
            byte first;
            long peeked = Sys.Peek(c.Fd, &first, 1);
            if (peeked == 0) return 0;
            if (peeked < 0) return Sys.WouldBlock(Sys.Errno) ? ITransport.WouldBlock : ITransport.Failed;
            if (first != HandshakeRecord && first >= 'A' && first <= 'Z') return RefusePlainHttp(c, buffer, length);
        }
        nint ssl = Session(c);
        if (ssl == 0) return ITransport.Failed;
        OpenSsl.ERR_clear_error(); // OpenSSL's error queue is per thread: a stale entry would be read as this call's
        int n = OpenSsl.SSL_read(ssl, buffer, length);
        int error = n > 0 ? OpenSsl.ErrorNone : OpenSsl.SSL_get_error(ssl, n);
        c.TransportWait = error switch
        {
            OpenSsl.ErrorWantRead => TransportWait.Input,
            OpenSsl.ErrorWantWrite => TransportWait.Output,
            _ => TransportWait.None,
        };
        if (c.TransportReadyAt == 0 && OpenSsl.SSL_is_init_finished(ssl) == 1)
        {
            c.TransportReadyAt = Environment.TickCount64;
            if (context.VerifiesClients) c.PeerCertificate = TlsContext.PeerSubject(ssl);
        }
        return n > 0 ? n : Outcome(error, n, received: true);
    }

    public bool IsHandshaking(Connection c) => c.TransportState != 0 && c.TransportReadyAt == 0;

    public long Send(Connection c, byte* data, int length, bool more = false)
    {
        if (length == 0) return 0;
        nint ssl = c.TransportState;
        if (ssl == 0) return ITransport.Failed;
        OpenSsl.ERR_clear_error();
        int n = OpenSsl.SSL_write(ssl, data, length);
        return n > 0 ? n : Outcome(OpenSsl.SSL_get_error(ssl, n), n, received: false);
    }

    /// <summary>
    /// A head and its body: one record when they fit (a small response costs one record and one
    /// write), else the head, then as much of the body as goes.
    /// </summary>
    public long Send(Connection c, byte* first, int firstLength, byte* second, int secondLength)
    {
        if (firstLength + secondLength <= RecordSize && firstLength > 0 && secondLength > 0)
        {
            byte[] joined = Buffer;
            fixed (byte* p = joined)
            {
                new ReadOnlySpan<byte>(first, firstLength).CopyTo(joined);
                new ReadOnlySpan<byte>(second, secondLength).CopyTo(joined.AsSpan(firstLength));
                return Send(c, p, firstLength + secondLength);
            }
        }
        long sent = firstLength > 0 ? Send(c, first, firstLength) : 0;
        if (sent < firstLength || secondLength == 0) return sent;
        long more = Send(c, second, secondLength);
        return more > 0 ? sent + more : sent;
    }

    /// <summary>
    /// Answers 400 in plain HTTP and ends the connection. The request is read first (what has
    /// arrived), so the close that follows is a FIN the client reads the answer before, not a
    /// reset that could discard it.
    /// </summary>
    private static long RefusePlainHttp(Connection c, byte* buffer, int length)
    {
        for (int taken = 0; taken < 64 * 1024;)
        {
            long n = Sys.Recv(c.Fd, buffer, length);
            if (n <= 0) break;
            taken += (int)n;
        }
        fixed (byte* answer = s_plainHttpRefusal) Sys.Send(c.Fd, answer, s_plainHttpRefusal.Length);
        Sys.ShutdownWrite(c.Fd);
        return ITransport.Failed;
    }

    /// <summary>Reads up to four records' worth of the file into the thread's buffer and encrypts it; a retry after WouldBlock reads the same bytes again.</summary>
    public long SendFile(Connection c, int file, ref long offset, long count)
    {
        byte[] buffer = Buffer;
        int want = (int)Math.Min(count, FileReadSize);
        int got = Files.ReadAt(file, buffer.AsSpan(0, want), offset);
        if (got <= 0) return ITransport.Failed; // the file shrank under us, or cannot be read
        long n;
        fixed (byte* p = buffer) n = SendRecords(c, p, got, fileGoesOn: count > got);
        if (n > 0) offset += n;
        return n;
    }

    /// <summary>
    /// SSL_write returns after each record (partial writes are on, so write completion can take
    /// over between any two): write records until the buffer is sent or the socket is full. What
    /// was taken counts; a record OpenSSL could not finish is retried from the same offset, whose
    /// bytes the caller reads again.
    /// </summary>
    private long SendRecords(Connection c, byte* data, int length, bool fileGoesOn)
    {
        long taken = 0;
        try
        {
            while (taken < length)
            {
                SocketWriteBio.MoreFollows = fileGoesOn || length - taken > RecordSize;
                long n = Send(c, data + taken, (int)(length - taken));
                if (n <= 0) return taken > 0 ? taken : n;
                taken += n;
            }
            return taken;
        }
        finally
        {
            SocketWriteBio.MoreFollows = false;
        }
    }

    /// <summary>The head and the file's first bytes in one buffer: the head rides in the first record. A retry rebuilds the same bytes.</summary>
    public long SendHeadAndFile(Connection c, byte* head, int headLength, int file, long offset, long count)
    {
        byte[] buffer = Buffer;
        if (headLength >= RecordSize) return Send(c, head, headLength);
        new ReadOnlySpan<byte>(head, headLength).CopyTo(buffer);
        int want = (int)Math.Min(count, FileReadSize - headLength);
        int got = Files.ReadAt(file, buffer.AsSpan(headLength, want), offset);
        if (got <= 0) return ITransport.Failed;
        fixed (byte* p = buffer) return SendRecords(c, p, headLength + got, fileGoesOn: count > got);
    }

    /// <summary>close_notify, then the TCP FIN that lingering close waits behind.</summary>
    public bool ShutdownWrite(Connection c)
    {
        if (c.TransportState != 0 && OpenSsl.SSL_is_init_finished(c.TransportState) == 1)
        {
            OpenSsl.ERR_clear_error();
            OpenSsl.SSL_shutdown(c.TransportState); // one attempt: the peer's close_notify is not awaited (RFC 8446 §6.1 allows it)
        }
        return Sys.ShutdownWrite(c.Fd);
    }

    public bool WaitReadable(Connection c, int milliseconds) => HasBufferedInput(c) || Poll.Readable(c.Fd, milliseconds);

    public bool WaitWritable(Connection c, int milliseconds) => Poll.Writable(c.Fd, milliseconds);

    /// <summary>
    /// Decrypted bytes a receive did not take, or (until a receive met the socket's end) raw
    /// records read ahead: either way the pollset would never report them. After WANT_READ what
    /// is buffered is at most part of a record, whose rest must come through the socket.
    /// </summary>
    public bool HasBufferedInput(Connection c)
    {
        nint ssl = c.TransportState;
        return ssl != 0 && (OpenSsl.SSL_pending(ssl) > 0 || (c.TransportWait == TransportWait.None && OpenSsl.SSL_has_pending(ssl) == 1));
    }

    public void Release(Connection c)
    {
        if (c.TransportState == 0) return;
        OpenSsl.SSL_free(c.TransportState);
        c.TransportState = 0;
        OpenSsl.ERR_clear_error();
    }

    /// <summary>
    /// What a call that moved nothing means: wait (for either direction: a TLS read may have to
    /// write, and the engine's next wait covers it), the peer closed (its close_notify, or a
    /// receive that met the end), or failed (a broken handshake or record: the connection closes).
    /// </summary>
    private static long Outcome(int error, int result, bool received)
    {
        switch (error)
        {
            case OpenSsl.ErrorWantRead:
            case OpenSsl.ErrorWantWrite:
                return ITransport.WouldBlock;
            case OpenSsl.ErrorZeroReturn:
                return received ? 0 : ITransport.Failed;
            case OpenSsl.ErrorSyscall:
                if (received && result == 0) return 0; // the TCP end without close_notify
                if (Sys.WouldBlock(Sys.Errno)) return ITransport.WouldBlock;
                OpenSsl.ERR_clear_error();
                return ITransport.Failed;
            default:
                OpenSsl.ERR_clear_error();
                return ITransport.Failed;
        }
    }
}
