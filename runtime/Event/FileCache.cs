using System;
using System.Collections.Concurrent;
using System.Text;
using System.Threading;
using EventMpm.Http;
using EventMpm.Native;
using Tmds.Linux;

namespace EventMpm.Event;

/// <summary>A small file held in memory, with what its response head needs.</summary>
internal sealed class CachedFile(string relative, byte[] body, FileFacts facts, byte[]? contentType, long loadedAt)
{
    /// <summary>The file's path under DocumentRoot (the index file for a directory URL).</summary>
    public readonly string Relative = relative;
    public readonly byte[] Body = body;
    public readonly FileFacts Facts = facts;
    public readonly byte[]? ContentType = contentType;
    public readonly long LoadedAt = loadedAt;
}

/// <summary>
/// Small files in memory, looked up by request path, so a hit costs no open, fstat, sendfile or
/// close: the response is one writev. An entry is trusted for <see cref="ValidityMilliseconds"/>
/// and then read again, so a changed file is served within a second of the change (as nginx's
/// open_file_cache_valid, here one second). Only plain paths are cached (no escapes, no dot
/// segments), and the cache is bounded in files and bytes; when full it starts over.
/// </summary>
internal sealed unsafe class FileCache
{
    public const int ValidityMilliseconds = 1000;

    /// <summary>Files up to this size are cached; larger ones go out with sendfile.</summary>
    public const int MaxFileSize = 256 * 1024;

    private const int MaxEntries = 4096;
    private const long MaxBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, CachedFile> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedFile>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private long _bytes;

    public FileCache() => _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The entry for a plain request path (ASCII, no query), when present and still fresh.</summary>
    public CachedFile? Find(ReadOnlySpan<byte> path)
    {
        if (path.Length > 512) return null;
        Span<char> key = stackalloc char[path.Length];
        for (int i = 0; i < path.Length; i++) key[i] = (char)path[i];
        return _lookup.TryGetValue(key, out CachedFile? entry) && Environment.TickCount64 - entry.LoadedAt < ValidityMilliseconds ? entry : null;
    }

    /// <summary>Reads a regular file already opened for a response into the cache; null when it is too large or unreadable.</summary>
    public CachedFile? Add(string path, string relative, in OpenedFile file, byte[]? contentType)
    {
        if (!file.IsRegular || file.Size > MaxFileSize) return null;
        var body = new byte[file.Size];
        long done = 0;
        fixed (byte* p = body)
        {
            while (done < body.Length)
            {
                long n = (long)LibC.pread(file.Fd, p + done, (size_t)(int)(body.Length - done), (off_t)done);
                if (n <= 0) return null; // an error, or the file shrank while we read it
                done += n;
            }
        }
        if (_entries.Count >= MaxEntries || Interlocked.Read(ref _bytes) + body.Length > MaxBytes)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
        var entry = new CachedFile(relative, body, new FileFacts(file.Size, file.ModifiedSeconds, file.ModifiedMicroseconds), contentType, Environment.TickCount64);
        if (_entries.TryGetValue(path, out CachedFile? old)) Interlocked.Add(ref _bytes, -old.Body.Length);
        _entries[path] = entry;
        Interlocked.Add(ref _bytes, body.Length);
        return entry;
    }
}
