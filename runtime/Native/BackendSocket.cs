using System.Net;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>
/// A proxy's connection to a backend: a non-blocking TCP socket whose connect completes in the
/// pollset (EINPROGRESS, then writable and SO_ERROR), with Nagle off as for the clients' sockets.
/// </summary>
internal static unsafe class BackendSocket
{
    /// <summary>Starts connecting to <paramref name="address"/>; the descriptor, or -errno. <paramref name="pending"/> when the connect goes on in the kernel.</summary>
    public static int Connect(IPEndPoint address, bool keepAlive, out bool pending)
    {
        pending = false;
        bool v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        int fd = LibC.socket(v6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) return -Sys.Errno;
        Sys.SetInt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1);
        if (keepAlive) Sys.SetInt(fd, LibC.SOL_SOCKET, LibC.SO_KEEPALIVE, 1); // ProxyPass keepalive=On: TCP keep-alive probes on an idle backend link
        sockaddr_storage storage;
        int length = Write(address, &storage);
        if (LibC.connect(fd, (sockaddr*)&storage, (socklen_t)length) == 0) return fd;
        int errno = Sys.Errno;
        if (errno == LibC.EINPROGRESS)
        {
            pending = true;
            return fd;
        }
        LibC.close(fd);
        return -errno;
    }

    /// <summary>After a pending connect polled writable: 0 when connected, else the errno it failed with.</summary>
    public static int ConnectResult(int fd)
    {
        int error = 0;
        socklen_t length = sizeof(int);
        return LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ERROR, &error, &length) == 0 ? error : Sys.Errno;
    }

    /// <summary>
    /// Whether an idle pooled connection is still fit to send on: nothing to read (a backend
    /// that closed, or sent bytes nobody asked for, makes it unusable), checked without blocking.
    /// </summary>
    public static bool IdleAndOpen(int fd)
    {
        byte b;
        long n = LibC.recv(fd, &b, 1, LibC.MSG_PEEK | LibC.MSG_DONTWAIT);
        return n < 0 && Sys.WouldBlock(Sys.Errno);
    }

    /// <summary>Whether the backend has sent something (1), closed (0), or neither yet (-1), without taking anything.</summary>
    public static int Pending(int fd)
    {
        byte b;
        long n = LibC.recv(fd, &b, 1, LibC.MSG_PEEK | LibC.MSG_DONTWAIT);
        return n > 0 ? 1 : n == 0 ? 0 : Sys.WouldBlock(Sys.Errno) ? -1 : 0;
    }

    private static int Write(IPEndPoint address, sockaddr_storage* storage)
    {
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var a = (sockaddr_in6*)storage;
            *a = default;
            a->sin6_family = LibC.AF_INET6;
            a->sin6_port = (ushort)IPAddress.HostToNetworkOrder((short)address.Port);
            address.Address.TryWriteBytes(new System.Span<byte>(&a->sin6_addr, 16), out _);
            a->sin6_scope_id = (uint)address.Address.ScopeId;
            return sizeof(sockaddr_in6);
        }
        var v4 = (sockaddr_in*)storage;
        *v4 = default;
        v4->sin_family = LibC.AF_INET;
        v4->sin_port = (ushort)IPAddress.HostToNetworkOrder((short)address.Port);
        address.Address.TryWriteBytes(new System.Span<byte>(&v4->sin_addr, 4), out _);
        return sizeof(sockaddr_in);
    }
}
