using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace EventMpm.EndToEnd.Tests;

/// <summary>
/// A container image's content, run without a container engine: rootfs.sh lays out what the
/// FROM scratch image holds, and the binary runs from a chroot into it with only what a
/// container runtime adds (/proc mounted, /dev/stderr). Needs root, as a container runtime does.
/// </summary>
public sealed class ChrootServer : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly Task<string> _stderr;
    private readonly string _proc;

    /// <param name="rootfsScript">The script that lays out the image: <c>SCRIPT PUBLISHED_DIR ROOTFS_DIR [NAME]</c>, printing the files.</param>
    /// <param name="name">The binary's name; the image holds it as /app/NAME.</param>
    /// <param name="mountProc">False for a runtime that does not mount /proc: the error log then stays in the image.</param>
    /// <param name="passName">False to leave the binary's name to the script's default.</param>
    /// <param name="prepare">Adds to the image before the server starts (what a volume or a secret mounts), given its root.</param>
    /// <param name="extraArguments">More of the command line, after the plain Listen.</param>
    public ChrootServer(string rootfsScript, string published, string name, bool mountProc = true, bool passName = true,
        Action<string>? prepare = null, string extraArguments = "")
    {
        Assert.True(Environment.UserName == "root", "chroot and mounting /proc need root, as a container runtime has");
        Root = Path.Combine(Path.GetTempPath(), "eventmpm-rootfs-" + Guid.NewGuid().ToString("N")[..8]);
        // Run as a user types it, so a script that lost its execute bit fails here as it would for them.
        Tool.Result layout = Tool.Run(rootfsScript, $"{published} {Root}" + (passName ? " " + name : ""));
        Assert.True(layout.ExitCode == 0, layout.All);
        Files = layout.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        _proc = mountProc ? Path.Combine(Root, "proc") : "";
        if (mountProc)
        {
            Assert.Equal(0, Tool.Run("mount", $"-t proc proc {_proc}").ExitCode);
            Directory.CreateDirectory(Path.Combine(Root, "dev"));
            File.CreateSymbolicLink(Path.Combine(Root, "dev", "stderr"), "/proc/self/fd/2");
        }
        prepare?.Invoke(Root);
        Port = MpmServer.FreePort();
        string log = mountProc ? " -C \"ErrorLog /dev/stderr\"" : "";
        var start = new System.Diagnostics.ProcessStartInfo("chroot", $"{Root} /app/{name} -C \"Listen 127.0.0.1:{Port}\"{log} {extraArguments}")
        {
            RedirectStandardError = true,
        };
        _process = System.Diagnostics.Process.Start(start)!;
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    public string Root { get; }

    /// <summary>The files the image holds, as paths inside it.</summary>
    public string[] Files { get; }

    public int Port { get; }

    /// <summary>
    /// The files outside /app are the loader and the C library's parts, and with
    /// <paramref name="openSsl"/> OpenSSL's two libraries (opened at run time, so ldd does not list
    /// them), which must then be there: nothing else.
    /// </summary>
    public void AssertOnlyTheLibrariesLddLists(bool openSsl = false)
    {
        string more = openSsl ? "|libssl|libcrypto" : "";
        Assert.All(Files.Where(f => !f.StartsWith("/app/", StringComparison.Ordinal)), f => Assert.Matches($@"^/lib(64|/[^/]+)?/(ld-linux[^/]*|lib[cm]{more})\.so\.\d$", f));
        if (!openSsl) return;
        Assert.Contains(Files, f => f.EndsWith("/libssl.so.3", StringComparison.Ordinal));
        Assert.Contains(Files, f => f.EndsWith("/libcrypto.so.3", StringComparison.Ordinal));
    }

    /// <summary>curl's answer (head and body) once the server answers with the status, within 5 s.</summary>
    public string Curl(string path, string expectStatus = "200", string options = "")
    {
        Tool.Result page = default!;
        for (int i = 0; i < 100; i++)
        {
            page = Tool.Run("curl", $"-s -i {options} http://127.0.0.1:{Port}{path}", timeoutSeconds: 10);
            if (page.Output.StartsWith("HTTP/1.1 " + expectStatus, StringComparison.Ordinal)) break;
            System.Threading.Thread.Sleep(50);
        }
        return page.Output;
    }

    /// <summary>docker stop: the image's STOPSIGNAL (SIGWINCH, 28), then the exit code and what the server wrote to stderr.</summary>
    public async Task<(int ExitCode, string Stderr)> Stop(int signal = 28)
    {
        Assert.Equal(0, MpmServer.Kill(_process.Id, signal));
        Assert.True(_process.WaitForExit(15_000), "the server did not stop within 15 s of SIGTERM");
        return (_process.ExitCode, await _stderr);
    }

    /// <summary>The exit code and stderr of a server that ends by itself within <paramref name="milliseconds"/>; null if it runs on.</summary>
    public async Task<(int ExitCode, string Stderr)?> Ended(int milliseconds)
    {
        if (!_process.WaitForExit(milliseconds)) return null;
        return (_process.ExitCode, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        if (_proc.Length != 0) Tool.Run("umount", _proc);
        Directory.Delete(Root, recursive: true);
    }
}
