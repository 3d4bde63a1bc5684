using System;
using System.Net.Sockets;
using System.Text;

namespace EventMpm.EndToEnd.Tests.Conformance;

/// <summary>One connection to the server, whose answers a <see cref="ResponseReader"/> reads strictly.</summary>
public sealed class Client : IDisposable
{
    private readonly NetworkStream _stream;

    public Client(ConformanceServer server)
    {
        Socket = server.Connect();
        _stream = new NetworkStream(Socket, ownsSocket: true);
        Reader = new ResponseReader(_stream);
    }

    public Socket Socket { get; }

    public ResponseReader Reader { get; }

    public void Send(string raw) => Send(Encoding.Latin1.GetBytes(raw));

    public void Send(byte[] raw) => Socket.Send(raw);

    /// <summary>Sends a request with Host (and a Content-Length for a body) and reads its answer.</summary>
    public HttpResponse Request(string method, string target, string headers = "", byte[]? body = null, string version = "HTTP/1.1")
    {
        Send(Head(method, target, headers + (body is null ? "" : $"Content-Length: {body.Length}\r\n"), version));
        if (body is not null) Send(body);
        return Reader.Read(method);
    }

    public HttpResponse Get(string target, string headers = "") => Request("GET", target, headers);

    public static string Head(string method, string target, string headers = "", string version = "HTTP/1.1")
        => $"{method} {target} {version}\r\nHost: localhost\r\n{headers}\r\n";

    /// <summary>Whether the server closes the connection (within the receive timeout) with nothing more to say.</summary>
    public bool ClosedByServer()
    {
        try
        {
            return Reader.AtEnd;
        }
        catch (System.IO.IOException)
        {
            return false; // still open when the receive timeout ran out
        }
    }

    public void Dispose() => _stream.Dispose();
}
