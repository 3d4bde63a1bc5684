using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace EventMpm.EndToEnd.Tests;

/// <summary>tests/MpmSite published natively once, as configured (KeepAliveTimeout 2).</summary>
public sealed class PublishedMpmSite : IDisposable
{
    public PublishedMpmSite()
    {
        string root = Path.Combine(Path.GetTempPath(), "eventmpm-mpm-" + Guid.NewGuid().ToString("N")[..8]);
        First = Path.Combine(root, "first");
        Root = root;
        Tool.Result publish = Tool.Dotnet($"publish {Tool.Repo("tests/MpmSite")} -c Release -o {First}");
        if (publish.ExitCode != 0) throw new InvalidOperationException("publishing MpmSite failed:\n" + publish.All);
        Tool.RequireCommand("wrk", "wrk");
    }

    public string Root { get; }

    /// <summary>The published folder of the binary as configured.</summary>
    public string First { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>
/// One MpmSite server in its own folder (its own logs/ and PidFile), started as an operator starts
/// it (<c>-k start</c>) on a free loopback port; disposing stops it and, should it not stop,
/// kills the control process and its children by pid.
/// </summary>
public sealed class MpmServer : IDisposable
{
    private readonly List<int> _seen = new();

    public MpmServer(PublishedMpmSite site, string extraArguments = "", bool start = true)
    {
        Folder = Path.Combine(site.Root, "run-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        File.Copy(Path.Combine(site.First, "MpmSite"), Binary);
        Docroot = Path.Combine(Folder, "htdocs");
        Directory.CreateDirectory(Docroot);
        Temporary = Path.Combine(Folder, "tmp");
        Directory.CreateDirectory(Temporary);
        File.WriteAllText(Path.Combine(Docroot, "index.html"), "<p>MpmSite</p>\n");
        var big = new byte[BigSize];
        new Random(3).NextBytes(big);
        File.WriteAllBytes(Path.Combine(Docroot, "big.bin"), big);
        Port = FreePort();
        Arguments = $"-C \"Listen 127.0.0.1:{Port}\" -C \"DocumentRoot {Docroot}\" {extraArguments}";
        if (start) Start();
    }

    /// <summary>Larger than the socket buffers, so a slow reader keeps it in flight for seconds.</summary>
    public const int BigSize = 16 * 1024 * 1024;

    public string Folder { get; }

    public string Binary => Path.Combine(Folder, "MpmSite");

    /// <summary>The server's TMPDIR, where it spools request bodies: its own, so a test can count what is in it.</summary>
    public string Temporary { get; }

    public string Docroot { get; }

    public int Port { get; }

    public string Arguments { get; }

    public string PidFile => Path.Combine(Folder, "logs", "httpd.pid");

    public string ErrorLog => Path.Combine(Folder, "logs", "error_log");

    public string Log => File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog) : "";

    public int ControlPid { get; private set; }

    public Tool.Result Command(string arguments) => Tool.Run(Binary, arguments, Folder, timeoutSeconds: 60, ServerEnvironment);

    private Dictionary<string, string?> ServerEnvironment => new() { ["TMPDIR"] = Temporary };

    public void Start()
    {
        Tool.Result started = StartOnly();
        if (started.ExitCode != 0) throw new InvalidOperationException("-k start failed:\n" + started.All + Log);
        WaitFor(() => TryAuto() is not null, 10, "the server to answer");
    }

    /// <summary>Runs -k start (through <paramref name="via"/>, such as nohup, when given) and notes the control process's pid, without waiting for it to serve.</summary>
    public Tool.Result StartOnly(string? via = null)
    {
        Tool.Result started = via is null ? Command(Arguments + " -k start") : Tool.Run(via, Binary + " " + Arguments + " -k start", Folder, timeoutSeconds: 60, ServerEnvironment);
        // A server that gave up at once may have removed its PidFile already.
        ControlPid = File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), out int pid) ? pid : 0;
        return started;
    }

    /// <summary>The control process's children, from /proc.</summary>
    public List<int> Children()
    {
        string path = $"/proc/{ControlPid}/task/{ControlPid}/children";
        List<int> pids = File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList()
            : new List<int>();
        lock (_seen) _seen.AddRange(pids.Except(_seen));
        return pids;
    }

    public bool ControlAlive => ControlPid > 0 && Directory.Exists("/proc/" + ControlPid) && !IsZombie(ControlPid);

    /// <summary>mod_status's ?auto as key/value pairs.</summary>
    public Dictionary<string, string> Auto() => TryAuto() ?? throw new InvalidOperationException("no answer from /server-status?auto\n" + Log);

    public Dictionary<string, string>? TryAuto()
    {
        string? response = Get("/server-status?auto", out _);
        if (response is null) return null;
        return response.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(l => l.Contains(": "))
            .Select(l => l.Split(": ", 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }

    /// <summary>One request on a fresh connection; the body, or null when the server did not answer within 5 s.</summary>
    public string? Get(string path, out string head, string extraHeaders = "")
    {
        head = "";
        try
        {
            using var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000, SendTimeout = 5000 };
            s.Connect("127.0.0.1", Port);
            s.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extraHeaders}\r\n"));
            var data = new MemoryStream();
            var buffer = new byte[65536];
            int n;
            while ((n = s.Receive(buffer)) > 0) data.Write(buffer, 0, n);
            string text = Encoding.Latin1.GetString(data.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) return null;
            head = text[..end];
            return text[(end + 4)..];
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>As <see cref="WaitFor"/>, with the end of this server's error log in the failure, to say why.</summary>
    public void Await(Func<bool> condition, int seconds, string what)
    {
        try
        {
            WaitFor(condition, seconds, what);
        }
        catch (TimeoutException e)
        {
            string[] lines = Log.Split('\n');
            throw new TimeoutException(e.Message + "; the error log ends:\n" + string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 40))), e);
        }
    }

    public static void WaitFor(Func<bool> condition, int seconds, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds) throw new TimeoutException("waited " + seconds + " s for " + what);
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        if (ControlAlive)
        {
            Kill(ControlPid, 15);
            try
            {
                WaitFor(() => !ControlAlive, 15, "the server to stop");
            }
            catch (TimeoutException)
            {
            }
        }
        // Whatever we started and is still there goes, by pid.
        if (ControlAlive) Kill(ControlPid, 9);
        lock (_seen)
        {
            foreach (int pid in _seen)
            {
                if (Directory.Exists("/proc/" + pid) && File.ReadAllText($"/proc/{pid}/cmdline").Contains(Folder)) Kill(pid, 9);
            }
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Whether something accepts connections on the loopback port now.</summary>
    public static bool Listening(int port)
    {
        try
        {
            using var c = new System.Net.Sockets.TcpClient("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill")]
    public static extern int Kill(int pid, int signal);
}
