using System;
using System.Collections.Concurrent;
using System.Text;
using System.Threading;
using EventMpm.Http;
using EventMpm.Event;
using EventMpm.Native;
using Tmds.Linux;

namespace EventMpm.Site;

/// <summary>
/// A cached file, with what its response head needs: its bytes when small, else an open
/// descriptor to sendfile from (<see cref="FileCache.SendfileAbove"/>), and then also the
/// response a plain GET gets this second, head and body in one file (<see cref="PreparedResponse"/>).
/// </summary>
internal sealed class CachedFile(string relative, byte[] body, FileFacts facts, byte[]? contentType, long loadedAt, int fd, DocumentRoot? root = null,
    int etagParts = FileFacts.ETagDefault)
    : SharedDescriptor(fd)
{
    /// <summary>The root it was opened under: an Alias's, or null for DocumentRoot.</summary>
    public readonly DocumentRoot? Root = root;

    /// <summary>The file's path under its root (the index file for a directory URL).</summary>
    public readonly string Relative = relative;
    /// <summary>The bytes, or empty when the file is sent from the shared descriptor.</summary>
    public readonly byte[] Body = body;
    public readonly FileFacts Facts = facts;
    public readonly FileValidators Validators = new(facts, etagParts);
    public readonly byte[]? ContentType = contentType;
    public readonly long LoadedAt = loadedAt;

    private PreparedResponse? _prepared;

    /// <summary>
    /// The prepared response whose head is <paramref name="head"/>, held for one response
    /// (release it as a <see cref="SharedDescriptor"/>); made when the entry has none or only one
    /// with an older Date. Null for another head with the same Date (an HTTP/1.0 client's, say):
    /// one copy of the file per second at most, however the heads take turns.
    /// </summary>
    public PreparedResponse? AcquirePrepared(ReadOnlySpan<byte> head, out int fd)
    {
        fd = -1;
        PreparedResponse? current = Volatile.Read(ref _prepared);
        if (current is not null && current.Head.AsSpan().SequenceEqual(head) && current.TryAcquire(out fd)) return current;
        if (!HasDescriptor || current is not null && PreparedResponse.DateOf(current.Head).SequenceEqual(PreparedResponse.DateOf(head))) return null;
        if (!TryAcquire(out int file)) return null;
        PreparedResponse? made = PreparedResponse.Make(Relative, head, file, Facts.Size);
        Release();
        if (made is null) return null;
        made.TryAcquire(out fd); // for this response; a new one is not retired yet
        Interlocked.Exchange(ref _prepared, made)?.Retire();
        // Retired meanwhile (the file changed): the new one must not outlive the entry.
        if (IsRetired) Interlocked.Exchange(ref _prepared, null)?.Retire();
        return made;
    }

    /// <summary>No longer in the cache: its descriptor and its prepared response close when their last users are done.</summary>
    public override void Retire()
    {
        base.Retire();
        Interlocked.Exchange(ref _prepared, null)?.Retire();
    }
}

/// <summary>
/// Files looked up by request path, so a hit costs no open or fstat: a small one is in memory
/// and its response is one writev; a larger one keeps its descriptor open and goes out with
/// sendfile from it, as nginx's open_file_cache (no copy of the body into the socket,
/// which writev pays: 19 % of the server's CPU for 100 KiB files at 1000 connections). An entry
/// is trusted for <see cref="ValidityMilliseconds"/> and then read again, so a changed file is
/// served within a second of the change (as nginx's open_file_cache_valid, here one second).
/// A deleted file's descriptor stays open until its entry is replaced or the cache starts over
/// (at most <see cref="MaxDescriptors"/> of them). Only plain paths are cached (no escapes, no dot
/// segments), and the cache is bounded in files and bytes; when full it starts over.
/// </summary>
internal sealed unsafe class FileCache
{
    public const int ValidityMilliseconds = 1000;

    /// <summary>Files up to this size are cached; larger ones are opened per request.</summary>
    public const int MaxFileSize = 256 * 1024;

    /// <summary>
    /// Files above this size are cached as a descriptor and sent with sendfile. Measured with
    /// BenchSite's 100 KiB file beside nginx: 1.03 and 1.10x at 1000 connections, 1.21 and
    /// 1.32x at 50, against 0.86 to 1.08x and 1.05 to 1.17x sending a cached copy with writev.
    /// </summary>
    public const int SendfileAbove = 64 * 1024;

    /// <summary>At most this many cached descriptors (each worker's connections need descriptors too).</summary>
    private const int MaxDescriptors = 256;
    private int _descriptors;

    private const int MaxEntries = 4096;
    private const long MaxBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, CachedFile> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedFile>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private long _bytes;

    private readonly int _etagParts;

    /// <param name="etagParts">FileETag's parts, for the entries' ETags.</param>
    public FileCache(int etagParts = FileFacts.ETagDefault)
    {
        _etagParts = etagParts;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The entry for a plain request path (ASCII, no query), when present and still fresh.</summary>
    public CachedFile? Find(ReadOnlySpan<byte> path)
    {
        if (path.Length > 512) return null;
        Span<char> key = stackalloc char[path.Length];
        for (int i = 0; i < path.Length; i++) key[i] = (char)path[i];
        return _lookup.TryGetValue(key, out CachedFile? entry) && Environment.TickCount64 - entry.LoadedAt < ValidityMilliseconds ? entry : null;
    }

    /// <summary>
    /// Caches a regular file already opened for a response: its bytes, or a descriptor of its
    /// own for a larger one; null when it is too large or unreadable.
    /// </summary>
    public CachedFile? Add(string path, DocumentRoot? root, string relative, in OpenedFile file, byte[]? contentType)
    {
        if (!file.IsRegular || file.Size > MaxFileSize) return null;
        byte[] body = Array.Empty<byte>();
        int fd = -1;
        if (file.Size > SendfileAbove && Interlocked.Increment(ref _descriptors) <= MaxDescriptors)
        {
            fd = Files.Dup(file.Fd);
            if (fd < 0) return null;
        }
        else
        {
            if (file.Size > SendfileAbove) Interlocked.Decrement(ref _descriptors);
            body = new byte[file.Size];
            if (!Files.ReadAllAt(file.Fd, body, 0)) return null; // an error, or the file shrank while we read it
        }
        if (_entries.Count >= MaxEntries || Interlocked.Read(ref _bytes) + body.Length > MaxBytes)
        {
            foreach (CachedFile cleared in _entries.Values) Forget(cleared);
            _entries.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
        var entry = new CachedFile(relative, body, new FileFacts(file.Size, file.ModifiedSeconds, file.ModifiedMicroseconds), contentType, Environment.TickCount64, fd, root, _etagParts);
        if (_entries.TryGetValue(path, out CachedFile? old))
        {
            Interlocked.Add(ref _bytes, -old.Body.Length);
            Forget(old);
        }
        _entries[path] = entry;
        Interlocked.Add(ref _bytes, body.Length);
        return entry;
    }

    private void Forget(CachedFile entry)
    {
        if (!entry.HasDescriptor) return;
        entry.Retire();
        Interlocked.Decrement(ref _descriptors);
    }
}
