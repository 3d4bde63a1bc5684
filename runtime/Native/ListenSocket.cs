using System;
using System.Net;
using System.Net.Sockets;
using EventMpm.Configuration;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>What the configuration sets on every listening socket (httpd's make_sock and its accept filter).</summary>
internal readonly record struct ListenOptions(int Backlog, int SendBufferSize, int ReceiveBufferSize, bool DeferAccept);

/// <summary>
/// One listening socket per <c>Listen</c>: bound with .NET's Socket (which handles address
/// families and errors well), then driven by raw non-blocking accept4 for speed.
/// </summary>
internal sealed unsafe class ListenSocket : IDisposable
{
    /// <summary>The seconds httpd gives TCP_DEFER_ACCEPT for any accept filter but none (listen.c: ap_apply_accept_filter()).</summary>
    private const int DeferAcceptSeconds = 30;

    private readonly Socket _socket;

    private ListenSocket(Socket socket)
    {
        _socket = socket;
        Fd = (int)socket.Handle;
        int flags = LibC.fcntl(Fd, LibC.F_GETFL);
        LibC.fcntl(Fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK);
    }

    public int Fd { get; }

    /// <summary>The port actually bound (differs from the configuration when it asked for port 0 in tests).</summary>
    public int BoundPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>
    /// Binds <paramref name="address"/>. An empty host listens on every address, IPv6 and IPv4
    /// together, as httpd's <c>Listen 80</c> does on Linux.
    /// </summary>
    public static ListenSocket Open(ListenAddress address, ListenOptions options)
    {
        IPAddress ip = address.Host.Length == 0 ? IPAddress.IPv6Any
            : IPAddress.TryParse(address.Host, out IPAddress? literal) ? literal
            : Dns.GetHostAddresses(address.Host)[0];
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            // SO_REUSEADDR alone, as httpd sets it: a restarted server binds past the old
            // connections in TIME_WAIT, but a second server on the same address fails to bind.
            // .NET's ReuseAddress option also sets SO_REUSEPORT on Linux, which let a second
            // instance bind the port and take half the connections without a word.
            if (Sys.SetInt((int)socket.Handle, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1) != 0) throw new SocketException(Sys.Errno);
            // Accepted sockets inherit the buffer sizes (httpd sets them here too).
            if (options.SendBufferSize > 0) socket.SendBufferSize = options.SendBufferSize;
            if (options.ReceiveBufferSize > 0) socket.ReceiveBufferSize = options.ReceiveBufferSize;
            socket.Bind(new IPEndPoint(ip, address.Port));
            socket.Listen(options.Backlog);
            // The kernel completes the handshake but reports the connection only once its first
            // bytes arrive, so a silent one costs no accept and no connection state here; after
            // the 30 s it is reported anyway and RequestReadTimeout takes over (listen.c: ap_apply_accept_filter()).
            if (options.DeferAccept && Sys.SetInt((int)socket.Handle, LibC.IPPROTO_TCP, LibC.TCP_DEFER_ACCEPT, DeferAcceptSeconds) != 0)
            {
                throw new SocketException(Sys.Errno);
            }
            return new ListenSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A listening socket inherited from the control process (its descriptor number was handed down).</summary>
    public static ListenSocket Adopt(int fd)
    {
        var socket = new Socket(new SafeSocketHandle((IntPtr)fd, ownsHandle: true));
        // Inherited descriptors stay open across exec; ours close on it again from here.
        LibC.fcntl(fd, LibC.F_SETFD, LibC.fcntl(fd, LibC.F_GETFD) | LibC.FD_CLOEXEC);
        return new ListenSocket(socket);
    }

    /// <summary>A new non-blocking connection, or -1 with the errno (EAGAIN when none is waiting).</summary>
    public int Accept(out int errno)
    {
        int fd = LibC.accept4(Fd, null, null, LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
        errno = fd < 0 ? Sys.Errno : 0;
        return fd;
    }

    public void Dispose() => _socket.Dispose();
}
