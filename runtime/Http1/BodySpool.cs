using System;
using EventMpm.Event;
using EventMpm.Http;
using EventMpm.Native;

namespace EventMpm.Http1;

/// <summary>
/// A C# handler's request body too large to hold in memory, received into a temporary file in
/// the connection's turns (nginx's client_body_temp_path; httpd's worker reads it while the
/// handler waits): each turn takes what has arrived, decodes it from its framing and appends it
/// to the file, and the connection goes back to the pollset until more comes, so a slow upload
/// holds no worker. The handler runs once the body is whole and reads it from the file. The
/// file has no name, and the connection's state owns it: whatever ends the request closes it.
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig>
{
    /// <summary>The spooled body the running handler reads, or null.</summary>
    private SpooledBody? _spool;

    /// <summary>
    /// The most a turn receives before the connection goes back to the pollset (whose event fires
    /// again at once while bytes wait): a fast upload keeps its worker, and the connections batched
    /// behind it, for a millisecond or so at a time, not for the whole body.
    /// </summary>
    private const int SpoolTurnBytes = 1024 * 1024;

    /// <summary>A body's file, and where its decoding stopped when the connection went back to the pollset.</summary>
    private sealed class SpooledBody(int fd) : IDisposable
    {
        public int Fd = fd;

        /// <summary>Decoded body bytes in the file.</summary>
        public long Length;

        /// <summary>The body's bytes as sent (framing included) since it began: MinRate counts these.</summary>
        public long Received;

        /// <summary>Where the handler reads next.</summary>
        public long ReadAt;

        // The decoder (RequestBody.cs) where the last turn left it.
        public BodyStage Stage;
        public long Left, Total;

        public void Dispose()
        {
            if (Fd >= 0) Sys.Close(Fd);
            Fd = -1;
        }
    }

    /// <summary>
    /// Begins receiving the body that starts at <paramref name="consumed"/> into a file. True when
    /// the handler runs now (the body is whole in the file, or no file could be made: then the
    /// handler reads the body as it arrives, as before there were files); false when the
    /// connection was handed back (<see cref="_next"/>).
    /// </summary>
    private bool StartSpool(Connection c, HttpRequest r, ref int have, ref int consumed)
    {
        int fd = _temporary!.CreateFile(out int errno);
        if (fd < 0)
        {
            Logging.ErrorLog.Error("eventmpm", "", "cannot make a file in " + _temporary.Path + " for a request body: "
                + Sys.Describe(errno) + "; the handler reads it as it arrives");
            return true;
        }
        var spool = new SpooledBody(fd) { Received = have - consumed };
        StartBody(r);
        SaveDecoder(spool);
        c.ProtocolState = spool;
        return SpoolBody(c, r, spool, ref have, ref consumed);
    }

    /// <summary>
    /// One turn of a spooled body: decodes what the buffer holds into the file and reads what
    /// has arrived, until the body is whole (true; <paramref name="consumed"/> is then where it
    /// ended and <see cref="_spool"/> the file) or the socket has no more (false: the connection
    /// awaits the rest in the pollset with the head and any undecoded bytes, until the body time
    /// is up). A broken body is answered here (400, 413) without running the handler.
    /// </summary>
    private bool SpoolBody(Connection c, HttpRequest r, SpooledBody spool, ref int have, ref int consumed)
    {
        RestoreDecoder(spool);
        int headEnd = consumed, position = consumed;
        long turn = 0;
        _bodyNoWait = true;
        try
        {
            while (true)
            {
                long n = NextBody(c, ref have, ref position, default, out int failure);
                if (n > 0)
                {
                    int error = Files.WriteAll(spool.Fd, _in.AsSpan(position - (int)n, (int)n));
                    if (error != 0)
                    {
                        // nginx answers a failed temporary-file write with 500 too.
                        Logging.ErrorLog.Error("eventmpm", "", "cannot write a request body to " + _temporary!.Path + ": " + Sys.Describe(error));
                        _next = SendError(c, 500);
                        return false;
                    }
                    spool.Length += n;
                    continue;
                }
                if (n == 0)
                {
                    c.ProtocolState = null; // the handler's now, released when it returns
                    _spool = spool;
                    consumed = position;
                    return true;
                }
                if (failure != BodyNotHere)
                {
                    _next = failure > 0 ? SendError(c, failure) : NextStep.Close;
                    return false;
                }
                // What is not decoded yet (part of a chunk-size line) moves up to the head.
                int rest = have - position;
                Buffer.BlockCopy(_in, position, _in, headEnd, rest);
                have = headEnd + rest;
                position = headEnd;
                if (have == _in.Length)
                {
                    _next = SendError(c, 400); // a head so large that no chunk-size line fits after it
                    return false;
                }
                long got = ITransport.WouldBlock;
                if (turn < SpoolTurnBytes)
                {
                    fixed (byte* p = _in) got = c.Transport.Receive(c, p + have, _in.Length - have);
                }
                if (got > 0)
                {
                    have += (int)got;
                    spool.Received += got;
                    turn += got;
                    continue;
                }
                if (got != ITransport.WouldBlock)
                {
                    _next = NextStep.Close;
                    return false;
                }
                SaveDecoder(spool);
                return AwaitRestOfBody(c, r, have, spool.Received);
            }
        }
        finally
        {
            _bodyNoWait = false;
        }
    }

    /// <summary>The next bytes of the spooled body for the handler; 0 at its end.</summary>
    private static int ReadSpool(SpooledBody spool, Span<byte> destination)
    {
        int n = Files.ReadAt(spool.Fd, destination, spool.ReadAt);
        if (n < 0) throw new System.IO.IOException("The spooled request body could not be read: " + Sys.Describe(Sys.Errno));
        spool.ReadAt += n;
        return n;
    }

    /// <summary>The handler has returned: its body's file goes.</summary>
    private void ReleaseSpool()
    {
        _spool?.Dispose();
        _spool = null;
    }

    private void SaveDecoder(SpooledBody spool)
    {
        spool.Stage = _bodyStage;
        spool.Left = _bodyLeft;
        spool.Total = _bodyTotal;
    }

    private void RestoreDecoder(SpooledBody spool)
    {
        _bodyStage = spool.Stage;
        _bodyLeft = spool.Left;
        _bodyTotal = spool.Total;
        _bodyChunked = _request.Framing == BodyFraming.Chunked;
    }
}
