using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using EventMpm.Serving;
using EventMpm.Contract;
using EventMpm.Configuration;
using EventMpm.Hosting;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>A real server on an ephemeral loopback port, serving a temporary DocumentRoot.</summary>
public sealed class TestServer<TConfig> : IDisposable where TConfig : struct, IServerConfig
{
    /// <param name="adjust">Changes to the deployment settings (a CustomLog, say) before the server opens.</param>
    /// <param name="temporary">Where large request bodies are spooled (the process's temporary directory unless given).</param>
    public TestServer(Func<DeploymentSettings, DeploymentSettings>? adjust = null, string? temporary = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "eventmpm-root-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(Root, "sub"));
        File.WriteAllText(Path.Combine(Root, "hello.txt"), "Hello, world!\n");
        File.WriteAllText(Path.Combine(Root, "sub", "index.html"), "<p>sub</p>\n");
        var big = new byte[BigSize];
        new Random(7).NextBytes(big);
        File.WriteAllBytes(Path.Combine(Root, "big.bin"), big);
        var deployment = new DeploymentSettings { DocumentRoot = Root, Listen = new EquatableArray<ListenAddress>(new[] { new ListenAddress("127.0.0.1", 0) }) };
        if (adjust is not null) deployment = adjust(deployment);
        Server = Server<TConfig>.Open(deployment, new ServerPaths(deployment, Root) { Temporary = temporary ?? Path.GetTempPath() });
        Server.Start();
    }

    /// <summary>Much larger than the socket buffers, so a client that does not read stalls the response.</summary>
    public const int BigSize = 32 * 1024 * 1024;

    public string Root { get; }

    public Server<TConfig> Server { get; }

    public int Port => Server.Ports[0];

    public Socket Connect()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000, SendTimeout = 5000 };
        s.Connect("127.0.0.1", Port);
        return s;
    }

    public void Dispose()
    {
        Server.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>Reads whole HTTP/1.1 responses (Content-Length framed) from a socket.</summary>
public static class Wire
{
    public static void Send(Socket s, string text) => s.Send(Encoding.ASCII.GetBytes(text));

    public static string Get(string path, string extra = "") => "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";

    /// <summary>One response: its status, head and body; null when the server closed first.</summary>
    public static (int Status, string Head, byte[] Body)? Read(Socket s, ref byte[] leftover)
    {
        var chunk = new byte[65536];
        byte[] data = leftover;
        int end;
        while ((end = data.AsSpan().IndexOf("\r\n\r\n"u8)) < 0)
        {
            int n = s.Receive(chunk);
            if (n == 0) return null;
            data = [.. data, .. chunk.AsSpan(0, n)];
        }
        string head = Encoding.ASCII.GetString(data, 0, end);
        int length = 0;
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line[15..].Trim());
        }
        if (head.StartsWith("HTTP/1.1 304", StringComparison.Ordinal)) length = 0;
        var body = new byte[length];
        int have = Math.Min(length, data.Length - end - 4);
        Array.Copy(data, end + 4, body, 0, have);
        leftover = data[(end + 4 + have)..];
        while (have < length)
        {
            int n = s.Receive(body, have, length - have, SocketFlags.None);
            if (n == 0) return null;
            have += n;
        }
        return (int.Parse(head.Substring(9, 3)), head, body);
    }

    /// <summary>Waits (at most 5 s) for the server to reach a state, polling it: no fixed sleeps.</summary>
    public static void WaitFor(Func<bool> condition, string what = "the server")
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.ElapsedMilliseconds > 5000) throw new TimeoutException("timed out waiting for " + what);
            System.Threading.Thread.Sleep(10);
        }
    }

    public static (int Status, string Head, byte[] Body) ReadOne(Socket s)
    {
        byte[] leftover = Array.Empty<byte>();
        return Read(s, ref leftover) ?? throw new InvalidOperationException("the server closed the connection");
    }

    /// <summary>True when the server closes the connection within the time (reading and dropping anything it sends).</summary>
    public static bool ClosesWithin(Socket s, int milliseconds)
    {
        s.ReceiveTimeout = milliseconds;
        var sink = new byte[65536];
        try
        {
            while (s.Receive(sink) > 0) { }
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

}
