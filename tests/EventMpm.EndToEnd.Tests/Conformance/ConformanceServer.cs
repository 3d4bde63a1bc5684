using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;

namespace EventMpm.EndToEnd.Tests.Conformance;

/// <summary>
/// examples/BenchSite published natively and started as an operator starts it in the foreground
/// (a control process and its children), on a free loopback port, serving a document root made
/// for the conformance checks: <c>/index.html</c>, <c>/hello.txt</c> (14 bytes), <c>/big.txt</c>
/// (about 135 KB, larger than the socket buffers) and <c>/sub/index.html</c>.
/// </summary>
public sealed class ConformanceServer : IDisposable
{
    private readonly Process _process;

    public ConformanceServer()
    {
        Folder = Path.Combine(Path.GetTempPath(), "eventmpm-conformance-" + Guid.NewGuid().ToString("N")[..8]);
        string bin = Path.Combine(Folder, "bin");
        Tool.Result publish = Tool.Dotnet($"publish {Tool.Repo("examples/BenchSite")} -c Release -o {bin}");
        if (publish.ExitCode != 0) throw new InvalidOperationException("publishing BenchSite failed:\n" + publish.All);

        Docroot = Path.Combine(Folder, "docroot");
        Directory.CreateDirectory(Path.Combine(Docroot, "sub"));
        File.WriteAllText(Path.Combine(Docroot, "index.html"), "<html><body>hello</body></html>\n");
        File.WriteAllText(Path.Combine(Docroot, "hello.txt"), "Hello, world!\n");
        var random = new byte[100_000];
        new Random(7).NextBytes(random);
        // base64 in lines of 76, as a text file of about 135 KB.
        string text = Convert.ToBase64String(random, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n") + "\n";
        File.WriteAllText(Path.Combine(Docroot, "big.txt"), text);
        File.WriteAllText(Path.Combine(Docroot, "sub", "index.html"), "sub\n");
        BigText = Encoding.ASCII.GetBytes(text);

        Port = MpmServer.FreePort();
        TlsPort = MpmServer.FreePort();
        var (certificate, key) = EventMpm.Tests.TestCertificate.WriteTo(Folder);
        var start = new ProcessStartInfo(Path.Combine(bin, "BenchSite")) { WorkingDirectory = bin, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { "-C", $"Listen 127.0.0.1:{Port}", "-C", $"Listen 127.0.0.1:{TlsPort} https", "-C", $"DocumentRoot {Docroot}",
            "-C", $"SSLCertificateFile {certificate}", "-C", $"SSLCertificateKeyFile {key}" }) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        MpmServer.WaitFor(() => (MpmServer.Listening(Port) && MpmServer.Listening(TlsPort)) || _process.HasExited, 10, "BenchSite to listen");
        if (_process.HasExited) throw new InvalidOperationException("BenchSite exited at start:\n" + ErrorLog);
    }

    public string Folder { get; }

    public string Docroot { get; }

    public int Port { get; }

    /// <summary>BenchSite's https listener, beside the plain one.</summary>
    public int TlsPort { get; }

    /// <summary>The content of /big.txt.</summary>
    public byte[] BigText { get; }

    public string Url => "http://127.0.0.1:" + Port;

    public bool Alive => !_process.HasExited;

    public string ErrorLog
    {
        get
        {
            string path = Path.Combine(Folder, "bin", "logs", "error_log");
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
    }

    /// <summary>A fresh connection to the server.</summary>
    public Socket Connect(int timeoutMilliseconds = 5000)
    {
        var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = timeoutMilliseconds, SendTimeout = timeoutMilliseconds, NoDelay = true };
        s.Connect("127.0.0.1", Port);
        return s;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            MpmServer.Kill(_process.Id, 15); // SIGTERM: the control process stops its children
            if (!_process.WaitForExit(15_000)) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
