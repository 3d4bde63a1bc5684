using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using EventMpm.Configuration;
using EventMpm.Event;
using EventMpm.Http;
using EventMpm.Native;

namespace EventMpm.Hosting;

/// <summary>A server could not start; the message is what the operator reads.</summary>
public sealed class ServerStartException(string message) : Exception(message);

/// <summary>
/// One running server process (one child, in the multi-process model to come): its listening
/// sockets, DocumentRoot and engine. The command line starts one in the foreground; tests start
/// them in the background on ephemeral ports.
/// </summary>
public sealed class Server<TConfig> : IDisposable where TConfig : struct, IServerConfig
{
    private readonly ChildEngine<TConfig> _engine;
    private readonly ListenSocket[] _listeners;
    private readonly HttpSite _site;
    private Thread? _thread;

    private Server(ListenSocket[] listeners, HttpSite site)
    {
        _listeners = listeners;
        _site = site;
        _engine = new ChildEngine<TConfig>(listeners, site);
    }

    /// <summary>Binds every Listen address and opens DocumentRoot, as httpd's parent does before serving.</summary>
    public static Server<TConfig> Open(DeploymentSettings deployment, ServerPaths paths)
    {
        if (deployment.Listen.Count == 0) throw new ServerStartException("no listening sockets available, shutting down");
        DocumentRoot root;
        try
        {
            root = new DocumentRoot(paths.DocumentRoot);
        }
        catch (InvalidOperationException e)
        {
            throw new ServerStartException("DocumentRoot '" + paths.DocumentRoot + "' is not a directory, or is not readable: " + e.Message);
        }
        var types = new MimeTypes(TConfig.TypesConfig.Length == 0 ? "" : paths.Resolve(TConfig.TypesConfig), TConfig.AddType);
        var listeners = new List<ListenSocket>();
        try
        {
            foreach (ListenAddress address in deployment.Listen)
            {
                try
                {
                    listeners.Add(ListenSocket.Open(address, TConfig.ListenBacklog, TConfig.SendBufferSize));
                }
                catch (SocketException e)
                {
                    throw new ServerStartException("(" + e.ErrorCode + ")" + e.Message + ": could not bind to address " + address);
                }
            }
        }
        catch
        {
            foreach (ListenSocket l in listeners) l.Dispose();
            root.Dispose();
            throw;
        }
        return new Server<TConfig>(listeners.ToArray(), new HttpSite(root, types, TConfig.DirectoryIndex, ConfigReport.ServerSoftware));
    }

    /// <summary>The ports bound, in Listen order (a test that asked for port 0 learns its port here).</summary>
    public IReadOnlyList<int> Ports => Array.ConvertAll(_listeners, l => l.BoundPort);

    public int OpenConnections => _engine.OpenConnections;

    public int IdleWorkers => _engine.IdleWorkers;

    /// <summary>False while admission control keeps new connections in the kernel backlog.</summary>
    public bool Accepting => _engine.Accepting;

    /// <summary>Serves on the calling thread until <see cref="Stop"/>.</summary>
    public void Run() => _engine.Run();

    public void Start()
    {
        _thread = new Thread(Run) { Name = "listener", IsBackground = true };
        _thread.Start();
    }

    public void Stop() => _engine.Stop();

    /// <summary>Stops and waits for the engine to finish.</summary>
    public void Dispose()
    {
        _engine.Stop();
        _thread?.Join();
        _engine.Dispose();
        _site.Dispose();
    }
}
