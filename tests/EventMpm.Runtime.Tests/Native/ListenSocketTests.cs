using System.Diagnostics;
using System.Text.RegularExpressions;
using EventMpm.Configuration;
using EventMpm.Native;
using Tmds.Linux;

namespace EventMpm.Runtime.Tests.Native;

/// <summary>
/// ListenBacklog, SendBufferSize, ReceiveBufferSize and AcceptFilter reach the kernel, as the
/// kernel itself reports them; an address in use is refused.
/// </summary>
public sealed unsafe class ListenSocketTests
{
    private static ListenOptions Plain(int backlog) => new(backlog, SendBufferSize: 0, ReceiveBufferSize: 0, DeferAccept: false);

    private static int Option(ListenSocket socket, int level, int name)
    {
        int value;
        socklen_t length = (socklen_t)sizeof(int);
        Assert.Equal(0, LibC.getsockopt(socket.Fd, level, name, &value, &length));
        return value;
    }

    [Fact]
    public void ListenBacklog_is_the_backlog_ss_reports_and_the_buffer_sizes_the_socket_buffers()
    {
        using ListenSocket socket = ListenSocket.Open(new ListenAddress("127.0.0.1", 0), new ListenOptions(37, SendBufferSize: 65536, ReceiveBufferSize: 32768, DeferAccept: false));
        // ss shows a listening socket's backlog as its Send-Q.
        var ss = Process.Start(new ProcessStartInfo("ss", $"-ltnH sport = :{socket.BoundPort}") { RedirectStandardOutput = true })!;
        string line = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        Assert.Matches(new Regex(@"^LISTEN\s+\d+\s+37\s"), line);

        // The kernel doubles what it is given, for its bookkeeping (socket(7)).
        Assert.Equal(2 * 65536, Option(socket, LibC.SOL_SOCKET, LibC.SO_SNDBUF));
        Assert.Equal(2 * 32768, Option(socket, LibC.SOL_SOCKET, LibC.SO_RCVBUF));
        Assert.Equal(0, Option(socket, LibC.IPPROTO_TCP, LibC.TCP_DEFER_ACCEPT));
    }

    [Fact]
    public void A_deferred_accept_waits_30_seconds_for_data_as_httpds_accept_filter()
    {
        using ListenSocket socket = ListenSocket.Open(new ListenAddress("127.0.0.1", 0), Plain(8) with { DeferAccept = true });
        // The kernel keeps whole SYN-ACK retransmissions (1+2+4+8+16 s) and reports their sum.
        Assert.InRange(Option(socket, LibC.IPPROTO_TCP, LibC.TCP_DEFER_ACCEPT), 30, 31);
    }

    [Fact]
    public void A_second_socket_on_a_listening_address_fails_to_bind()
    {
        using ListenSocket first = ListenSocket.Open(new ListenAddress("127.0.0.1", 0), Plain(8));
        var e = Assert.Throws<System.Net.Sockets.SocketException>(() => ListenSocket.Open(new ListenAddress("127.0.0.1", first.BoundPort), Plain(8)));
        Assert.Equal(System.Net.Sockets.SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        Assert.Equal(0, Option(first, LibC.SOL_SOCKET, LibC.SO_REUSEPORT));
    }
}
