using System.Diagnostics;
using System.Text.RegularExpressions;
using EventMpm.Configuration;
using EventMpm.Native;
using Tmds.Linux;

namespace EventMpm.Runtime.Tests.Native;

/// <summary>ListenBacklog and SendBufferSize reach the kernel, as the kernel itself reports them; an address in use is refused.</summary>
public sealed unsafe class ListenSocketTests
{
    [Fact]
    public void ListenBacklog_is_the_backlog_ss_reports_and_SendBufferSize_the_socket_buffer()
    {
        using ListenSocket socket = ListenSocket.Open(new ListenAddress("127.0.0.1", 0), backlog: 37, sendBufferSize: 65536);
        // ss shows a listening socket's backlog as its Send-Q.
        var ss = Process.Start(new ProcessStartInfo("ss", $"-ltnH sport = :{socket.BoundPort}") { RedirectStandardOutput = true })!;
        string line = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        Assert.Matches(new Regex(@"^LISTEN\s+\d+\s+37\s"), line);

        int value;
        socklen_t length = (socklen_t)sizeof(int);
        Assert.Equal(0, LibC.getsockopt(socket.Fd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, &value, &length));
        Assert.Equal(2 * 65536, value); // the kernel doubles what it is given, for its bookkeeping (socket(7))
    }

    [Fact]
    public void A_second_socket_on_a_listening_address_fails_to_bind()
    {
        using ListenSocket first = ListenSocket.Open(new ListenAddress("127.0.0.1", 0), backlog: 8, sendBufferSize: 0);
        var e = Assert.Throws<System.Net.Sockets.SocketException>(() => ListenSocket.Open(new ListenAddress("127.0.0.1", first.BoundPort), backlog: 8, sendBufferSize: 0));
        Assert.Equal(System.Net.Sockets.SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        int reusePort;
        socklen_t length = (socklen_t)sizeof(int);
        Assert.Equal(0, LibC.getsockopt(first.Fd, LibC.SOL_SOCKET, LibC.SO_REUSEPORT, &reusePort, &length));
        Assert.Equal(0, reusePort);
    }
}
