using System;
using EventMpm.Event;
using EventMpm.Native;
using EventMpm.Scoreboard;

namespace EventMpm.Http1;

/// <summary>
/// What a worker records of each request: its scoreboard slot (the counts mod_status shows, and
/// with ExtendedStatus the request itself) and one access-log line per CustomLog, buffered and
/// handed to the log writers in blocks.
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig>
{
    /// <summary>Lines are handed to the log writer in blocks about this large (or when the worker goes idle).</summary>
    private const int LogBlock = 32 * 1024;

    private readonly Logging.LineBuffer[] _logLines;
    /// <summary>The head for the access log when reading the body may overwrite the receive buffer.</summary>
    private ReadOnlyMemory<byte>? _headCopy;
    private long _requestStarted;

    /// <summary>Hands the lines formatted so far to the log writers; the worker calls it before it waits for work.</summary>
    public void Idle()
    {
        for (int i = 0; i < _logLines.Length; i++)
        {
            if (_logLines[i].Length != 0) HandOver(i);
        }
    }

    private void HandOver(int log)
    {
        _site.Logs[log].Submit(_logLines[log].Written);
        _logLines[log].Clear();
    }

    /// <summary>One access log line per CustomLog for a request answered.</summary>
    private void LogRequest(Connection c, ReadOnlySpan<byte> head, int status, long bodyBytes, long sentBytes, long receivedBytes, bool keepAlive, long microseconds)
    {
        if (_logLines.Length == 0) return;
        c.Client ??= Sys.PeerAddress(c.Fd);
        var facts = new Logging.RequestFacts
        {
            Head = head,
            Client = c.Client,
            Status = status,
            BodyBytes = bodyBytes,
            SentBytes = sentBytes,
            ReceivedBytes = receivedBytes,
            Microseconds = microseconds,
            KeepAlive = keepAlive,
            KeepAliveCount = Math.Max(0, c.Served - 1),
            ServerName = _site.VHost,
        };
        for (int i = 0; i < _logLines.Length; i++)
        {
            _site.Logs[i].Format.Append(_logLines[i], facts);
            if (_logLines[i].Length >= LogBlock) HandOver(i);
        }
    }

    /// <summary>Counts a finished request in this worker's slot: single writer, no lock (as scoreboard.c: ap_increment_counts()).</summary>
    /// <returns>How long the request took, in microseconds, for the access log too.</returns>
    private long RecordServed(long bodyBytes) => RecordServed(bodyBytes, _requestStarted);

    /// <param name="started">When the request began (Stopwatch ticks): a proxied one ends on a later turn.</param>
    private long RecordServed(long bodyBytes, long started)
    {
        long micros = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        WorkerScore* w = _score;
        w->AccessCount++;
        w->MyAccessCount++;
        w->BytesServed += bodyBytes;
        w->MyBytesServed += bodyBytes;
        w->ConnectionBytes += bodyBytes;
        w->ConnectionCount++;
        w->LastDuration = micros;
        w->Duration += micros;
        w->LastUsed = ScoreboardImage.UnixMicroseconds;
        return micros;
    }

    /// <summary>ExtendedStatus: the request line (its first 63 bytes, as httpd keeps), the client and the protocol.</summary>
    private void RecordRequest(Connection c, Http.HttpRequest r)
    {
        ReadOnlySpan<byte> head = _in.AsSpan(0, r.HeadLength);
        int end = head.IndexOfAny((byte)'\r', (byte)'\n');
        ScoreboardImage.Store(_score->Request, WorkerScore.RequestSize, end < 0 ? head : head.Slice(0, end));
        ScoreboardImage.Store(_score->Protocol, WorkerScore.ProtocolSize, r.IsHttp11 ? "HTTP/1.1"u8 : "HTTP/1.0"u8);
        c.Client ??= Sys.PeerAddress(c.Fd);
        ScoreboardImage.Store(_score->Client, WorkerScore.ClientSize, c.Client);
        ScoreboardImage.Store(_score->VHost, WorkerScore.VHostSize, _site.VHost);
    }
}
