using System;
using System.Collections.Concurrent;
using System.Threading;
using Tmds.Linux;

namespace EventMpm.Logging;

/// <summary>
/// One CustomLog file of one process. Workers never write to the disk: each formats its lines
/// into a buffer of its own and hands the buffer over when it is full or when the worker is about
/// to wait for work; a writer thread appends the buffers to the file (O_APPEND, so the children
/// of a server share a file without tearing lines). The file is opened by each process at its
/// start, so after a log is moved aside, a graceful restart's new generation writes a new file
/// while the old generation finishes the old one: no line is lost or split across them.
/// </summary>
internal sealed unsafe class AccessLog : IDisposable
{
    /// <summary>Buffers waiting for the disk; a worker waits only when the disk is this far behind.</summary>
    private const int QueueLimit = 256;

    private readonly BlockingCollection<byte[]> _queue = new(QueueLimit);
    private readonly Thread _writer;
    private readonly int _fd;

    public AccessLog(string path, string format)
    {
        Path = path;
        Format = AccessLogFormat.Compile(format);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _fd = Native.Files.OpenAppend(path);
        if (_fd < 0) throw new InvalidOperationException("AH00649: could not open transfer log file " + path + ": " + Native.Sys.Describe(Native.Sys.Errno));
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "access log" };
        _writer.Start();
    }

    public string Path { get; }

    public AccessLogFormat Format { get; }

    /// <summary>Hands a worker's formatted lines to the writer (a copy: the worker keeps its buffer).</summary>
    public void Submit(ReadOnlySpan<byte> lines)
    {
        if (lines.Length != 0) _queue.Add(lines.ToArray());
    }

    private void WriteLoop()
    {
        foreach (byte[] block in _queue.GetConsumingEnumerable())
        {
            int errno = Native.Files.WriteAll(_fd, block);
            if (errno != 0) ErrorLog.Error("log_config", "AH00646", "Error writing to " + Path + ": " + Native.Sys.Describe(errno));
        }
    }

    /// <summary>Writes what is queued, then closes the file.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _writer.Join();
        Native.Sys.Close(_fd);
        _queue.Dispose();
    }
}
