using System;
using System.Security.Cryptography;
using System.Threading;
using EventMpm.Native;

namespace EventMpm.Tls;

/// <summary>
/// The session-ticket keys every process of a server shares (RFC 5077's "ticket protection
/// keys"), so a client resumes its session on whichever child accepts it, and after a graceful
/// restart. They live in a memfd the control process makes and hands to each child and to the
/// image a restart executes; never in a file (httpd's SSLSessionTicketKeyFile leaves that to the
/// operator, and a file is a secret on disk).
/// <para>
/// Two keys: the current one seals new tickets, the previous one still opens the tickets it
/// sealed (which are then renewed). The owner (the control process, or a lone <c>-X</c> process)
/// replaces the current key every SSLSessionCacheTimeout seconds and at every restart, so a
/// ticket stays good for at least its lifetime and no longer than twice that. Children only
/// read: one writer, whose sequence number is odd while it writes (a sequence lock), so readers
/// never see a half-written key, and a child that dies can leave nothing half-written.
/// </para>
/// </summary>
internal sealed unsafe class TicketKeys : IDisposable
{
    /// <summary>A key as OpenSSL's ticket callback uses it: its name (sent in the ticket), the HMAC-SHA256 secret, the AES-256 key.</summary>
    public const int NameSize = 16, HmacSize = 32, AesSize = 32, KeySize = NameSize + HmacSize + AesSize;

    // Layout: sequence (4), padding (4), rotated-at in Unix seconds (8), current key, previous key.
    private const int SequenceOffset = 0, RotatedAtOffset = 8, KeysOffset = 16, SegmentSize = KeysOffset + 2 * KeySize;

    /// <summary>How long a reader waits for the writer before it gives up on this ticket (the writer takes microseconds).</summary>
    private const int ReadSpins = 100_000;

    private readonly SharedMemory _memory;
    private readonly object? _writer;

    private TicketKeys(SharedMemory memory, bool owner)
    {
        _memory = memory;
        _writer = owner ? new object() : null;
    }

    /// <summary>The descriptor a child (or a restarted control process) inherits.</summary>
    public int Fd => _memory.Fd;

    /// <summary>A new segment with a first key.</summary>
    public static TicketKeys Create(long now)
    {
        var keys = new TicketKeys(SharedMemory.Create(SegmentSize, null, "ticket-keys"), owner: true);
        keys.Rotate(now);
        return keys;
    }

    /// <summary>An inherited segment; <paramref name="owner"/> for the control process a restart executed, which writes it from then on.</summary>
    public static TicketKeys Attach(int fd, bool owner) => new(SharedMemory.Attach(fd, "ticket-keys"), owner);

    private ref int Sequence => ref *(int*)(_memory.Pointer + SequenceOffset);

    /// <summary>When the current key was made, in Unix seconds.</summary>
    public long RotatedAt => Volatile.Read(ref *(long*)(_memory.Pointer + RotatedAtOffset));

    /// <summary>Makes a new current key; the current one becomes the previous. The owner's only.</summary>
    public void Rotate(long now)
    {
        if (_writer is null) throw new InvalidOperationException("only the process that owns the ticket keys replaces them");
        lock (_writer) RotateLocked(now);
    }

    /// <summary>The write itself, under the owner's lock: the sequence is odd while the keys change.</summary>
    private void RotateLocked(long now)
    {
        int sequence = Volatile.Read(ref Sequence);
        Volatile.Write(ref Sequence, sequence + 1);
        Interlocked.MemoryBarrier();
        byte* keys = _memory.Pointer + KeysOffset;
        new ReadOnlySpan<byte>(keys, KeySize).CopyTo(new Span<byte>(keys + KeySize, KeySize));
        RandomNumberGenerator.Fill(new Span<byte>(keys, KeySize));
        Volatile.Write(ref *(long*)(_memory.Pointer + RotatedAtOffset), now);
        Volatile.Write(ref Sequence, sequence + 2);
    }

    /// <summary>The owner's schedule: a new key once the current one is <paramref name="lifetimeSeconds"/> old.</summary>
    public void RotateIfDue(long now, int lifetimeSeconds)
    {
        if (_writer is null || now - RotatedAt < lifetimeSeconds) return;
        lock (_writer)
        {
            // Workers of a lone process may find it due at once: one of them replaces the key,
            // or the previous one (which still opens tickets) would go too.
            if (now - RotatedAt >= lifetimeSeconds) RotateLocked(now);
        }
    }

    /// <summary>The key that seals a new ticket (a lone process keeps its own schedule here); false if the writer never finished.</summary>
    public bool Current(long now, int lifetimeSeconds, Span<byte> key)
    {
        RotateIfDue(now, lifetimeSeconds);
        return Read(0, key);
    }

    /// <summary>The key named in a ticket; <paramref name="current"/> false means the previous key, whose tickets are renewed.</summary>
    public bool TryFind(ReadOnlySpan<byte> name, Span<byte> key, out bool current)
    {
        for (int slot = 0; slot < 2; slot++)
        {
            if (!Read(slot, key)) break;
            if (key.Slice(0, NameSize).SequenceEqual(name) && key.Slice(NameSize).IndexOfAnyExcept((byte)0) >= 0)
            {
                current = slot == 0;
                return true;
            }
        }
        current = false;
        key.Clear();
        return false;
    }

    private bool Read(int slot, Span<byte> key)
    {
        var source = new ReadOnlySpan<byte>(_memory.Pointer + KeysOffset + slot * KeySize, KeySize);
        for (int spin = 0; spin < ReadSpins; spin++)
        {
            int before = Volatile.Read(ref Sequence);
            if ((before & 1) == 0)
            {
                source.CopyTo(key);
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref Sequence) == before) return true;
            }
            Thread.SpinWait(1);
        }
        return false;
    }

    public void Dispose() => _memory.Dispose();
}
