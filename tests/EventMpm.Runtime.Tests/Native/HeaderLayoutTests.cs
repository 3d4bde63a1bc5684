using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using EventMpm.Native;
using Tmds.Linux;

namespace EventMpm.Runtime.Tests.Native;

/// <summary>
/// The structs and constants the native layer declares or relies on, checked against the C
/// headers of this machine: a small C program prints sizeof, offsetof and the values, compiled
/// with the system's C compiler (as Tmds.LibC checks its own bindings).
/// </summary>
public sealed unsafe class HeaderLayoutTests
{
    private const string Program = """
        #define _GNU_SOURCE
        #include <stdio.h>
        #include <stddef.h>
        #include <sys/epoll.h>
        #include <sys/uio.h>
        #include <sys/socket.h>
        #include <sys/eventfd.h>
        #include <linux/openat2.h>
        #include <fcntl.h>
        #include <poll.h>
        #include <netinet/in.h>
        #include <netinet/tcp.h>
        int main(void) {
          printf("sizeof_epoll_event %zu\n", sizeof(struct epoll_event));
          printf("offsetof_epoll_event_data %zu\n", offsetof(struct epoll_event, data));
          printf("sizeof_iovec %zu\n", sizeof(struct iovec));
          printf("offsetof_iovec_len %zu\n", offsetof(struct iovec, iov_len));
          printf("sizeof_open_how %zu\n", sizeof(struct open_how));
          printf("offsetof_open_how_resolve %zu\n", offsetof(struct open_how, resolve));
          printf("sizeof_pollfd %zu\n", sizeof(struct pollfd));
          printf("EPOLLIN %u\nEPOLLOUT %u\nEPOLLERR %u\nEPOLLHUP %u\nEPOLLRDHUP %u\nEPOLLONESHOT %u\nEPOLLEXCLUSIVE %u\n",
                 (unsigned)EPOLLIN, (unsigned)EPOLLOUT, (unsigned)EPOLLERR, (unsigned)EPOLLHUP, (unsigned)EPOLLRDHUP, (unsigned)EPOLLONESHOT, (unsigned)EPOLLEXCLUSIVE);
          printf("MSG_MORE %d\nMSG_NOSIGNAL %d\nSOCK_NONBLOCK %d\nSOCK_CLOEXEC %d\nSHUT_WR %d\n", MSG_MORE, MSG_NOSIGNAL, SOCK_NONBLOCK, SOCK_CLOEXEC, SHUT_WR);
          printf("RESOLVE_BENEATH %d\nRESOLVE_NO_MAGICLINKS %d\nO_PATH %d\nO_DIRECTORY %d\nO_CLOEXEC %d\n", (int)RESOLVE_BENEATH, (int)RESOLVE_NO_MAGICLINKS, O_PATH, O_DIRECTORY, O_CLOEXEC);
          printf("EFD_NONBLOCK %d\nTCP_NODELAY %d\nIPPROTO_TCP %d\n", EFD_NONBLOCK, TCP_NODELAY, IPPROTO_TCP);
          return 0;
        }
        """;

    private static unsafe long IovLenOffset()
    {
        // Tmds.LibC exposes the length as a property: find where a value written through it lands.
        iovec v = default;
        v.iov_len = (size_t)0x5A5A5A5A;
        for (int offset = 0; offset + sizeof(nuint) <= sizeof(iovec); offset += sizeof(nuint))
        {
            if (*(nuint*)((byte*)&v + offset) == 0x5A5A5A5A) return offset;
        }
        return -1;
    }

    private static Dictionary<string, long> FromC()
    {
        string dir = Path.Combine(Path.GetTempPath(), "eventmpm-layout-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "layout.c"), Program);
            Run("cc", $"-o {dir}/layout {dir}/layout.c");
            var values = new Dictionary<string, long>();
            foreach (string line in Run(Path.Combine(dir, "layout"), "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Split(' ');
                values[parts[0]] = long.Parse(parts[1]);
            }
            return values;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string file, string arguments)
    {
        using Process p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, file + " failed: " + error);
        return output;
    }

    private static long OffsetOf<T>(string field) => System.Runtime.InteropServices.Marshal.OffsetOf<T>(field).ToInt64();

    [Fact]
    public void Structs_and_constants_match_the_C_headers()
    {
        Dictionary<string, long> c = FromC();
        var ours = new Dictionary<string, long>
        {
            ["sizeof_epoll_event"] = sizeof(epoll_event),
            ["offsetof_epoll_event_data"] = OffsetOf<epoll_event>("data"),
            ["sizeof_iovec"] = sizeof(iovec),
            ["offsetof_iovec_len"] = IovLenOffset(), // Sys.WriteV hands Tmds.LibC's iovec to writev(2)
            ["sizeof_open_how"] = sizeof(open_how),
            ["offsetof_open_how_resolve"] = OffsetOf<open_how>("resolve"),
            ["sizeof_pollfd"] = sizeof(pollfd),
            ["EPOLLIN"] = Epoll.In,
            ["EPOLLOUT"] = Epoll.Out,
            ["EPOLLERR"] = (uint)LibC.EPOLLERR,
            ["EPOLLHUP"] = (uint)LibC.EPOLLHUP,
            ["EPOLLRDHUP"] = Epoll.RdHup,
            ["EPOLLONESHOT"] = Epoll.OneShot,
            ["MSG_MORE"] = LibC.MSG_MORE,
            ["MSG_NOSIGNAL"] = LibC.MSG_NOSIGNAL,
            ["SOCK_NONBLOCK"] = LibC.SOCK_NONBLOCK,
            ["SOCK_CLOEXEC"] = LibC.SOCK_CLOEXEC,
            ["SHUT_WR"] = LibC.SHUT_WR,
            ["RESOLVE_BENEATH"] = (long)LibC.RESOLVE_BENEATH,
            ["RESOLVE_NO_MAGICLINKS"] = (long)LibC.RESOLVE_NO_MAGICLINKS,
            ["O_PATH"] = LibC.O_PATH,
            ["O_DIRECTORY"] = LibC.O_DIRECTORY,
            ["O_CLOEXEC"] = LibC.O_CLOEXEC,
            ["EFD_NONBLOCK"] = LibC.EFD_NONBLOCK,
            ["TCP_NODELAY"] = LibC.TCP_NODELAY,
            ["IPPROTO_TCP"] = LibC.IPPROTO_TCP,
        };
        foreach (var (name, value) in ours)
        {
            Assert.True(c.ContainsKey(name), name + " was not printed by the C program");
            Assert.True(c[name] == value, $"{name}: C says {c[name]}, EventMpm uses {value}");
        }
    }
}
