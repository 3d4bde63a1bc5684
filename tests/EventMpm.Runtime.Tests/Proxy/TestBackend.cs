using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace EventMpm.Runtime.Tests.Proxy;

/// <summary>A request as the backend received it: the head as text and the body, de-chunked.</summary>
public sealed record BackendRequest(string Head, byte[] Body, int Connection)
{
    public string RequestLine => Head.Substring(0, Head.IndexOf("\r\n", StringComparison.Ordinal));

    /// <summary>A field's value, or null (the first one, case-insensitive name).</summary>
    public string? Field(string name)
    {
        foreach (string line in Head.Split("\r\n"))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line.Substring(0, colon).Equals(name, StringComparison.OrdinalIgnoreCase)) return line.Substring(colon + 1).Trim();
        }
        return null;
    }
}

/// <summary>
/// A real HTTP/1.1 backend on a loopback socket, a thread per connection, whose answers a test
/// scripts: bytes to write (the test decides their framing, or their garbage), or null to close
/// without answering. It records every request and counts its connections.
/// </summary>
public sealed class TestBackend : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _open = new();
    private int _connections;
    private volatile bool _stopped;

    /// <param name="port">A port of the test's choosing (0: any free one).</param>
    public TestBackend(Func<BackendRequest, byte[]?> answer, int port = 0)
    {
        Answer = answer;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(512);
        new Thread(AcceptLoop) { IsBackground = true, Name = "test backend" }.Start();
    }

    public Func<BackendRequest, byte[]?> Answer { get; set; }

    /// <summary>Answers from the head alone, before the body is read (then closes), when it gives bytes.</summary>
    public Func<BackendRequest, byte[]?>? BeforeBody { get; set; }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections that have ended, from either side.</summary>
    public int Closed => Volatile.Read(ref _closed);

    private int _closed;

    public ConcurrentQueue<BackendRequest> Requests { get; } = new();

    /// <summary>Closes every connection the backend holds (as a backend's keep-alive timeout does).</summary>
    public void CloseIdleConnections()
    {
        lock (_open)
        {
            foreach (Socket s in _open) s.Dispose();
            _open.Clear();
        }
    }

    public static byte[] Response(int status, string body, string extra = "")
        => Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Whatever\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{extra}\r\n{body}");

    private void AcceptLoop()
    {
        while (!_stopped)
        {
            Socket s;
            try
            {
                s = _listener.Accept();
            }
            catch (Exception) when (_stopped)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            int number = Interlocked.Increment(ref _connections);
            lock (_open) _open.Add(s);
            new Thread(() => Serve(s, number)) { IsBackground = true }.Start();
        }
    }

    private void Serve(Socket s, int number)
    {
        byte[] data = Array.Empty<byte>();
        var chunk = new byte[65536];
        try
        {
            while (true)
            {
                int end;
                while ((end = data.AsSpan().IndexOf("\r\n\r\n"u8)) < 0)
                {
                    int n = s.Receive(chunk);
                    if (n == 0) return;
                    data = [.. data, .. chunk.AsSpan(0, n)];
                }
                string head = Encoding.Latin1.GetString(data, 0, end + 4);
                data = data[(end + 4)..];
                var request = new BackendRequest(head, Array.Empty<byte>(), number);
                if (BeforeBody?.Invoke(request) is byte[] early)
                {
                    Requests.Enqueue(request);
                    s.Send(early);
                    s.Shutdown(SocketShutdown.Send);
                    return;
                }
                byte[] body;
                if (request.Field("Transfer-Encoding") is string te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    body = ReadChunked(s, ref data, chunk);
                }
                else
                {
                    int length = int.Parse(request.Field("Content-Length") ?? "0");
                    while (data.Length < length)
                    {
                        int n = s.Receive(chunk);
                        if (n == 0) return;
                        data = [.. data, .. chunk.AsSpan(0, n)];
                    }
                    body = data[..length];
                    data = data[length..];
                }
                request = request with { Body = body };
                Requests.Enqueue(request);
                byte[]? answer = Answer(request);
                if (answer is null) return;
                s.Send(answer);
                if (Encoding.Latin1.GetString(answer).StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    // Switched: a tunnel that echoes what it gets until the other side closes.
                    if (data.Length > 0) s.Send(data);
                    for (int n; (n = s.Receive(chunk)) > 0;) s.Send(chunk, n, SocketFlags.None);
                    return;
                }
                if (Encoding.Latin1.GetString(answer).Contains("Connection: close", StringComparison.OrdinalIgnoreCase)) return;
            }
        }
        catch (SocketException)
        {
            // the proxy or the test closed the connection
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            lock (_open) _open.Remove(s);
            s.Dispose();
            Interlocked.Increment(ref _closed);
        }
    }

    private static byte[] ReadChunked(Socket s, ref byte[] data, byte[] chunk)
    {
        var body = new List<byte>();
        while (true)
        {
            int line;
            while ((line = data.AsSpan().IndexOf("\r\n"u8)) < 0) data = More(s, data, chunk);
            string size = Encoding.ASCII.GetString(data, 0, line).Split(';')[0];
            int n = Convert.ToInt32(size, 16);
            data = data[(line + 2)..];
            if (n == 0)
            {
                while (data.AsSpan().IndexOf("\r\n"u8) != 0)
                {
                    int trailer;
                    while ((trailer = data.AsSpan().IndexOf("\r\n"u8)) < 0) data = More(s, data, chunk);
                    data = data[(trailer + 2)..];
                    if (data.Length < 2) data = More(s, data, chunk);
                }
                data = data[2..];
                return body.ToArray();
            }
            while (data.Length < n + 2) data = More(s, data, chunk);
            body.AddRange(data[..n]);
            data = data[(n + 2)..];
        }
    }

    private static byte[] More(Socket s, byte[] data, byte[] chunk)
    {
        int n = s.Receive(chunk);
        if (n == 0) throw new SocketException((int)SocketError.ConnectionReset);
        return [.. data, .. chunk.AsSpan(0, n)];
    }

    public void Dispose()
    {
        _stopped = true;
        _listener.Dispose();
        CloseIdleConnections();
    }
}
