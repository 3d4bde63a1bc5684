using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace EventMpm.Native;

/// <summary>How a child process ended, from waitpid's status word.</summary>
internal readonly record struct ChildExit(int Pid, int Code, int Signal)
{
    public bool Signalled => Signal != 0;
}

/// <summary>
/// Processes without fork: .NET cannot fork safely, so children are started with posix_spawn
/// (glibc's vfork-style clone then execve) of a binary, inheriting the descriptors that are not
/// close-on-exec. Also reaping, signalling, re-executing, and the account lookups of a privilege drop.
/// </summary>
internal static unsafe partial class Processes
{
    private const string Libc = "libc.so.6";

    // glibc x86-64/arm64 object sizes are smaller; these buffers are generous so no layout is assumed.
    private const int SpawnAttrSize = 1024, FileActionsSize = 1024;
    private const short PosixSpawnSetSigDef = 0x04, PosixSpawnSetSigMask = 0x08, PosixSpawnSetSid = 0x80;
    private const int WNOHANG = 1;
    private const int PR_SET_DUMPABLE = 4, PR_SET_NAME = 15;

    [LibraryImport(Libc, EntryPoint = "posix_spawn")]
    private static partial int posix_spawn_(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_init")]
    private static partial int posix_spawnattr_init_(void* attributes);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_destroy")]
    private static partial int posix_spawnattr_destroy_(void* attributes);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setflags")]
    private static partial int posix_spawnattr_setflags_(void* attributes, short flags);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int posix_spawnattr_setsigdefault_(void* attributes, void* signals);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int posix_spawnattr_setsigmask_(void* attributes, void* mask);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int posix_spawn_file_actions_init_(void* actions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int posix_spawn_file_actions_destroy_(void* actions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_addopen")]
    private static partial int posix_spawn_file_actions_addopen_(void* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "waitpid", SetLastError = true)]
    private static partial int waitpid_(int pid, int* status, int options);

    [LibraryImport(Libc, EntryPoint = "execve", SetLastError = true)]
    private static partial int execve_(byte* path, byte** argv, byte** envp);

    [LibraryImport(Libc, EntryPoint = "getpwnam")]
    private static partial Passwd* getpwnam_(byte* name);

    [LibraryImport(Libc, EntryPoint = "getpwuid")]
    private static partial Passwd* getpwuid_(uint uid);

    [LibraryImport(Libc, EntryPoint = "getgrnam")]
    private static partial Group* getgrnam_(byte* name);

    [LibraryImport(Libc, EntryPoint = "initgroups", SetLastError = true)]
    private static partial int initgroups_(byte* user, uint group);

    [LibraryImport(Libc, EntryPoint = "prctl", SetLastError = true)]
    private static partial int prctl_(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint Uid;
        public uint Gid;
        public byte* Gecos;
        public byte* Dir;
        public byte* Shell;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Group
    {
        public byte* Name;
        public byte* Password;
        public uint Gid;
        public byte** Members;
    }

    /// <summary>
    /// Takes back the signals the server is controlled with when this process was started with
    /// them ignored (nohup ignores SIGHUP, a non-interactive shell's &amp; ignores SIGINT): an
    /// ignored disposition survives exec, and .NET leaves an ignored signal ignored, so -k restart
    /// would do nothing. httpd installs its handlers whatever it inherited (event.c: set_signals()); so does this.
    /// </summary>
    public static void StopIgnoring(ReadOnlySpan<int> signals)
    {
        foreach (int signal in signals)
        {
            sigaction current;
            if (LibC.sigaction(signal, null, &current) != 0 || current.sa_handler != LibC.SIG_IGN) continue;
            sigaction defaults = default;
            defaults.sa_handler = LibC.SIG_DFL;
            LibC.sigaction(signal, &defaults, null);
        }
    }

    /// <summary>
    /// Starts <paramref name="path"/> with <paramref name="argv"/> and <paramref name="environment"/>
    /// an empty signal mask and every signal at its default action (an ignored SIGHUP, say from
    /// nohup, would otherwise pass through exec to the server and make -k restart do nothing). With <paramref name="detach"/>, it gets its own session and reads
    /// /dev/null; its output and errors go to <paramref name="outputFile"/> when one is given (to
    /// /dev/null when it is detached without one).
    /// Returns the pid, or throws with the reason.
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, IEnumerable<KeyValuePair<string, string>> environment, bool detach = false, string? outputFile = null)
    {
        byte* attributes = stackalloc byte[SpawnAttrSize];
        byte* actions = stackalloc byte[FileActionsSize];
        byte* emptyMask = stackalloc byte[128]; // sigset_t: 1024 bits
        new Span<byte>(emptyMask, 128).Clear();
        byte* allSignals = stackalloc byte[128];
        LibC.sigfillset((sigset_t*)allSignals);
        posix_spawnattr_init_(attributes);
        posix_spawn_file_actions_init_(actions);
        var pinned = new List<GCHandle>();
        try
        {
            posix_spawnattr_setsigmask_(attributes, emptyMask);
            posix_spawnattr_setsigdefault_(attributes, allSignals);
            posix_spawnattr_setflags_(attributes, (short)(PosixSpawnSetSigMask | PosixSpawnSetSigDef | (detach ? PosixSpawnSetSid : 0)));
            if (detach) posix_spawn_file_actions_addopen_(actions, 0, Pin("/dev/null", pinned), LibC.O_RDONLY, 0);
            if (detach || outputFile is not null)
            {
                posix_spawn_file_actions_addopen_(actions, 1, Pin(outputFile ?? "/dev/null", pinned), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND, 0x1A4);
                posix_spawn_file_actions_addopen_(actions, 2, Pin(outputFile ?? "/dev/null", pinned), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND, 0x1A4);
            }
            byte** args = Strings(argv, pinned);
            var env = new List<string>();
            foreach (var kv in environment) env.Add(kv.Key + "=" + kv.Value);
            byte** envp = Strings(env, pinned);
            int pid;
            int rc = posix_spawn_(&pid, Pin(path, pinned), actions, attributes, args, envp);
            if (rc != 0) throw new InvalidOperationException("cannot start " + path + ": " + Sys.Describe(rc));
            return pid;
        }
        finally
        {
            posix_spawn_file_actions_destroy_(actions);
            posix_spawnattr_destroy_(attributes);
            foreach (GCHandle h in pinned) h.Free();
        }
    }

    /// <summary>Replaces this process's image (same pid, descriptors without close-on-exec kept). Returns only on failure.</summary>
    public static int Exec(string path, IReadOnlyList<string> argv, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var pinned = new List<GCHandle>();
        try
        {
            var env = new List<string>();
            foreach (var kv in environment) env.Add(kv.Key + "=" + kv.Value);
            execve_(Pin(path, pinned), Strings(argv, pinned), Strings(env, pinned));
            return Sys.Errno;
        }
        finally
        {
            foreach (GCHandle h in pinned) h.Free();
        }
    }

    /// <summary>A child that has ended, without waiting; null when none has.</summary>
    public static ChildExit? Reap()
    {
        int status;
        int pid = waitpid_(-1, &status, WNOHANG);
        if (pid <= 0) return null;
        int signal = status & 0x7f;
        return signal == 0 ? new ChildExit(pid, (status >> 8) & 0xff, 0) : new ChildExit(pid, 0, signal);
    }

    /// <summary>Waits for one child to end (for the <c>-t</c> check of a new binary).</summary>
    public static ChildExit WaitFor(int pid)
    {
        int status;
        while (waitpid_(pid, &status, 0) < 0)
        {
            if (Sys.Errno != LibC.EINTR) return new ChildExit(pid, 255, 0);
        }
        int signal = status & 0x7f;
        return signal == 0 ? new ChildExit(pid, (status >> 8) & 0xff, 0) : new ChildExit(pid, 0, signal);
    }

    /// <summary>Sends a signal; false when the process does not exist (or is not ours to signal).</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && LibC.kill(pid, signal) == 0;

    public static bool IsAlive(int pid) => pid > 0 && (LibC.kill(pid, 0) == 0 || Sys.Errno == LibC.EPERM);

    /// <summary>Keeps a descriptor open across exec (a listening socket, the scoreboard, the parent's pipe).</summary>
    public static void Inherit(int fd)
    {
        int flags = LibC.fcntl(fd, LibC.F_GETFD);
        LibC.fcntl(fd, LibC.F_SETFD, flags & ~LibC.FD_CLOEXEC);
    }

    /// <summary>A pipe whose ends close on exec until <see cref="Inherit"/>ed.</summary>
    public static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0) throw new InvalidOperationException("pipe: " + Sys.Describe(Sys.Errno));
        return (fds[0], fds[1]);
    }

    /// <summary>Blocks until the pipe's other end is closed everywhere (the parent died) or data arrives.</summary>
    public static void WaitReadable(int fd)
    {
        byte b;
        while (LibC.read(fd, &b, 1) < 0 && Sys.Errno == LibC.EINTR) { }
    }

    /// <summary>A user by name or "#uid": its uid, primary gid and name; null when unknown.</summary>
    public static (uint Uid, uint Gid, string Name)? FindUser(string user)
    {
        Passwd* p;
        if (user.StartsWith('#'))
        {
            if (!uint.TryParse(user.AsSpan(1), out uint uid)) return null;
            p = getpwuid_(uid);
            return p is null ? (uid, uid, user) : (p->Uid, p->Gid, Marshal.PtrToStringUTF8((nint)p->Name) ?? user);
        }
        fixed (byte* name = Encoding.UTF8.GetBytes(user + "\0")) p = getpwnam_(name);
        return p is null ? null : (p->Uid, p->Gid, user);
    }

    /// <summary>A group by name or "#gid"; null when unknown.</summary>
    public static uint? FindGroup(string group)
    {
        if (group.StartsWith('#')) return uint.TryParse(group.AsSpan(1), out uint gid) ? gid : null;
        Group* g;
        fixed (byte* name = Encoding.UTF8.GetBytes(group + "\0")) g = getgrnam_(name);
        return g is null ? null : g->Gid;
    }

    /// <summary>
    /// httpd's unixd_setup_child: the supplementary groups of the user, then the group, then the
    /// user (in that order: once the uid is dropped the groups can no longer change). Errno 0, or
    /// the call that failed and its errno.
    /// </summary>
    public static (string Step, int Errno) DropPrivileges(string userName, uint uid, uint gid)
    {
        fixed (byte* name = Encoding.UTF8.GetBytes(userName + "\0"))
        {
            if (initgroups_(name, gid) != 0) return ("initgroups", Sys.Errno);
        }
        if (LibC.setgid(gid) != 0) return ("setgid", Sys.Errno);
        if (LibC.setuid(uid) != 0) return ("setuid", Sys.Errno);
        return ("", 0);
    }

    /// <summary>After setuid Linux makes a process undumpable; CoreDumpDirectory turns dumps back on (as httpd does).</summary>
    public static void AllowCoreDumps() => prctl_(PR_SET_DUMPABLE, 1, 0, 0, 0);

    public static uint EffectiveUser => LibC.geteuid();

    /// <summary>
    /// The name ps and top show (at most 15 bytes). A child executed through /proc/self/exe would
    /// otherwise be called "exe"; operators look for the binary's name, as for httpd's children.
    /// </summary>
    public static void SetName(string name)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name.Length > 15 ? name.Substring(0, 15) : name);
        fixed (byte* p = new byte[16])
        {
            bytes.CopyTo(new Span<byte>(p, 16));
            prctl_(PR_SET_NAME, (nuint)p, 0, 0, 0);
        }
    }

    private static byte* Pin(string s, List<GCHandle> pinned)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s + "\0");
        GCHandle h = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        pinned.Add(h);
        return (byte*)h.AddrOfPinnedObject();
    }

    private static byte** Strings(IReadOnlyList<string> values, List<GCHandle> pinned)
    {
        var pointers = new nint[values.Count + 1];
        for (int i = 0; i < values.Count; i++) pointers[i] = (nint)Pin(values[i], pinned);
        GCHandle h = GCHandle.Alloc(pointers, GCHandleType.Pinned);
        pinned.Add(h);
        return (byte**)h.AddrOfPinnedObject();
    }
}
