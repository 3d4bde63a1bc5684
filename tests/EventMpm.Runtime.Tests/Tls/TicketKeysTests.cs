using System;
using EventMpm.Tls;

namespace EventMpm.Runtime.Tests.Tls;

/// <summary>The shared session-ticket keys: which key seals, which keys open, and who may replace them.</summary>
public sealed class TicketKeysTests
{
    private static byte[] Name(ReadOnlySpan<byte> key) => key.Slice(0, TicketKeys.NameSize).ToArray();

    [Fact]
    public void The_current_key_seals_the_previous_one_still_opens_and_an_older_one_does_not()
    {
        using TicketKeys keys = TicketKeys.Create(now: 1_000);
        var first = new byte[TicketKeys.KeySize];
        Assert.True(keys.Current(1_000, 300, first));
        var found = new byte[TicketKeys.KeySize];
        Assert.True(keys.TryFind(Name(first), found, out bool current));
        Assert.True(current);
        Assert.Equal(first, found);

        // Not yet due: the same key.
        var again = new byte[TicketKeys.KeySize];
        keys.Current(1_299, 300, again);
        Assert.Equal(first, again);

        // Due: a new current key; the first one opens its tickets still, as the previous (renewed).
        var second = new byte[TicketKeys.KeySize];
        keys.Current(1_300, 300, second);
        Assert.NotEqual(Name(first), Name(second));
        Assert.True(keys.TryFind(Name(first), found, out current));
        Assert.False(current);
        Assert.Equal(first, found);

        // Another rotation: the first key is gone, and a ticket it sealed opens nothing.
        keys.Rotate(1_600);
        Assert.False(keys.TryFind(Name(first), found, out _));
        Assert.True(keys.TryFind(Name(second), found, out current));
        Assert.False(current);
        Assert.False(keys.TryFind(new byte[TicketKeys.NameSize], found, out _)); // the empty slot of a new segment names nothing
    }

    [Fact]
    public void A_child_sees_the_owners_keys_and_cannot_replace_them()
    {
        using TicketKeys owner = TicketKeys.Create(now: 50);
        // What a child does with the descriptor it inherits: map the same memory.
        using TicketKeys child = TicketKeys.Attach(EventMpm.Native.Files.Dup(owner.Fd), owner: false);
        var mine = new byte[TicketKeys.KeySize];
        var theirs = new byte[TicketKeys.KeySize];
        owner.Current(50, 300, mine);
        Assert.True(child.Current(10_000, 300, theirs)); // long past due: a child does not rotate, the owner does
        Assert.Equal(mine, theirs);
        Assert.Throws<InvalidOperationException>(() => child.Rotate(10_000));

        owner.RotateIfDue(10_000, 300);
        child.Current(10_000, 300, theirs);
        Assert.NotEqual(Name(mine), Name(theirs));
        Assert.Equal(10_000, child.RotatedAt);
    }
}
