using EventMpm.Mpm;

namespace EventMpm.Runtime.Tests.Mpm;

/// <summary>What a control process hands the image a restart executes, read back; an older image's handoff too.</summary>
public sealed class HandoffTests
{
    [Fact]
    public void A_handoff_reads_back_with_its_ticket_keys()
    {
        var handoff = new ControlHandoff(3, 7, 8, 9, [(10, "127.0.0.1:80"), (11, "[::1]:443")], "/srv/bin/site;v=2", Tickets: 12);
        ControlHandoff read = ControlHandoff.Parse(handoff.Encode());
        Assert.Equal((3, 7, 8, 9, 12, "/srv/bin/site;v=2"), (read.Generation, read.Board, read.AliveRead, read.AliveWrite, read.Tickets, read.Binary));
        Assert.Equal(handoff.Listeners, read.Listeners);
    }

    /// <summary>A graceful restart onto this binary from one built before TLS: its handoff names no ticket keys.</summary>
    [Fact]
    public void An_older_binarys_handoff_has_no_ticket_keys()
    {
        ControlHandoff read = ControlHandoff.Parse("gen=1;board=5;alive=6,7;listen=3@127.0.0.1:8080;binary=/srv/bin/site");
        Assert.Equal(-1, read.Tickets);
        Assert.True(read.Graceful);
    }
}
