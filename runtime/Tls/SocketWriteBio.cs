using System;
using System.Runtime.InteropServices;
using EventMpm.Native;

namespace EventMpm.Tls;

/// <summary>
/// The BIO OpenSSL writes a connection's records through: send(2) on the socket, like OpenSSL's
/// own socket BIO, but with MSG_MORE while more of a file's records follow. OpenSSL writes a
/// record per call (16 KiB at most), so a 100 KiB file is seven writes; corked, the kernel packs
/// them into segments as large as the route allows (64 KiB on loopback) and the client takes
/// three or four packets, not eight. The file's last record goes without MSG_MORE, so nothing
/// waits for a write that will not come (a record held back while the socket is full leaves with
/// the next ACK). Reads keep OpenSSL's socket BIO.
/// </summary>
internal static unsafe class SocketWriteBio
{
    private const int TypeSourceSink = 0x0400, TypeDescriptor = 0x0100; // BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR
    private const int CtrlFlush = 11; // BIO_CTRL_FLUSH
    private const int FlagWrite = 0x02, FlagShouldRetry = 0x08, FlagsRetry = 0x0F; // BIO_FLAGS_WRITE, _SHOULD_RETRY, _RWS|_SHOULD_RETRY

    /// <summary>Whether the record being written now has more of the same file after it.</summary>
    [ThreadStatic] private static bool t_moreFollows;

    private static nint s_method;

    /// <summary>Gives the session a write BIO on its descriptor (the session owns and frees it).</summary>
    public static bool Attach(nint ssl, int fd)
    {
        nint method = s_method != 0 ? s_method : CreateMethod();
        nint bio = OpenSsl.BIO_new(method);
        if (bio == 0) return false;
        OpenSsl.BIO_set_data(bio, fd);
        OpenSsl.BIO_set_init(bio, 1);
        OpenSsl.SSL_set0_wbio(ssl, bio);
        return true;
    }

    /// <summary>Marks what SSL_write writes next as followed by more of the same file (or not).</summary>
    public static bool MoreFollows { set => t_moreFollows = value; }

    private static nint CreateMethod()
    {
        nint method;
        fixed (byte* name = "EventMpm socket"u8) method = OpenSsl.BIO_meth_new(OpenSsl.BIO_get_new_index() | TypeSourceSink | TypeDescriptor, name);
        OpenSsl.BIO_meth_set_write(method, &Write);
        OpenSsl.BIO_meth_set_ctrl(method, &Control);
        nint first = System.Threading.Interlocked.CompareExchange(ref s_method, method, 0);
        if (first == 0) return method;
        OpenSsl.BIO_meth_free(method); // another worker's first handshake made it at the same moment
        return first;
    }

    [UnmanagedCallersOnly]
    private static int Write(nint bio, byte* data, int length)
    {
        OpenSsl.BIO_clear_flags(bio, FlagsRetry);
        long n = Sys.Send((int)OpenSsl.BIO_get_data(bio), data, length, t_moreFollows);
        if (n >= 0) return (int)n;
        if (Sys.WouldBlock(Sys.Errno)) OpenSsl.BIO_set_flags(bio, FlagWrite | FlagShouldRetry);
        return -1;
    }

    /// <summary>Only a flush is asked of a sink that holds nothing back; every other control is unsupported (0).</summary>
    [UnmanagedCallersOnly]
    private static long Control(nint bio, int command, long argument, nint pointer) => command == CtrlFlush ? 1 : 0;
}
