using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using EventMpm.Contract;
using EventMpm.Configuration;
using EventMpm.Event;
using EventMpm.Http;
using EventMpm.Native;
using EventMpm.Scoreboard;
using EventMpm.Site;

namespace EventMpm.Serving;

/// <summary>
/// One serving process's engine: its listening sockets, DocumentRoot and scoreboard row. A child
/// of the control process serves the sockets it inherited in the slot it was given; a single
/// process (<c>-X</c>, and the tests) binds its own and reports to a private scoreboard.
/// </summary>
public sealed class Server<TConfig> : IDisposable where TConfig : struct, IServerConfig
{
    private readonly ChildEngine<TConfig> _engine;
    private readonly ListenSocket[] _listeners;
    private readonly HttpSite _site;
    private readonly ScoreboardImage? _ownBoard;
    private readonly TemporaryDirectory? _temporary;
    private readonly Tls.TlsContext? _tls;
    private readonly Tls.TicketKeys? _ownTickets;
    private Thread? _thread;

    /// <param name="tickets">The ticket keys the control process shares; null makes this process's own when TLS needs them.</param>
    private Server(ListenSocket[] listeners, HttpSite site, ScoreboardImage board, int slot, bool ownsBoard, DeploymentSettings deployment, ServerPaths paths, Tls.TicketKeys? tickets)
    {
        _listeners = listeners;
        _site = site;
        _ownBoard = ownsBoard ? board : null;
        if (tickets is null && UsesTicketKeys(deployment)) tickets = _ownTickets = Tls.TicketKeys.Create(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        ITransport[] transports = OpenTransports(listeners, deployment, paths, tickets, out _tls);
        _temporary = OpenTemporary(paths);
        _engine = new ChildEngine<TConfig>(listeners, new Http1.Http1Protocol<TConfig>(site, _temporary), board, slot, transports);
    }

    /// <summary>
    /// The TLS context's makings: the compiled mod_ssl policy and the deployment's files (a key
    /// in the certificate's file when SSLCertificateKeyFile is unset); null without a certificate.
    /// </summary>
    public static Tls.TlsSettings? TlsSettings(DeploymentSettings deployment, ServerPaths paths)
    {
        if (deployment.SSLCertificateFile.Count == 0) return null;
        var pairs = deployment.CertificatePairs().Select(p => (paths.Resolve(p.Certificate), paths.Resolve(p.Key))).ToArray();
        string chain = deployment.SSLCertificateChainFile;
        return new Tls.TlsSettings(pairs, chain.Length == 0 ? "" : paths.Resolve(chain),
            TConfig.SSLProtocolMin, TConfig.SSLProtocolMax, TConfig.SSLCipherSuite, TConfig.SSLCipherSuiteTls13, TConfig.SSLHonorCipherOrder,
            TConfig.SSLSessionTickets, TConfig.SSLSessionCacheTimeout, TConfig.SSLOpenSSLConfCmd,
            TConfig.SSLVerifyClient, TConfig.SSLVerifyDepth, deployment.SSLCACertificateFile.Length == 0 ? "" : paths.Resolve(deployment.SSLCACertificateFile));
    }

    /// <summary>Whether this server speaks TLS: SSLEngine on and an https listener.</summary>
    public static bool ServesTls(DeploymentSettings deployment) => TConfig.SSLEngine && deployment.Listen.Any(l => l.IsHttps);

    /// <summary>Whether this server seals session tickets: it speaks TLS, with SSLSessionTickets on.</summary>
    internal static bool UsesTicketKeys(DeploymentSettings deployment) => TConfig.SSLSessionTickets && ServesTls(deployment);

    /// <summary>
    /// Each listener's transport: TLS for the https ones when SSLEngine is on (the listeners come
    /// in Listen's order; sockets a service manager passed are plain), else the socket itself.
    /// </summary>
    /// <exception cref="ServerStartException">The certificate or its key cannot be used, or OpenSSL is missing.</exception>
    private static ITransport[] OpenTransports(ListenSocket[] listeners, DeploymentSettings deployment, ServerPaths paths, Tls.TicketKeys? tickets, out Tls.TlsContext? tls)
    {
        var transports = Array.ConvertAll(listeners, _ => (ITransport)SocketTransport.Instance);
        tls = null;
        if (!ServesTls(deployment)) return transports;
        if (listeners.Length != deployment.Listen.Count)
        {
            Logging.ErrorLog.Warn("eventmpm", "", "the listening sockets came from the service manager, which does not say which are https: all serve plain HTTP");
            return transports;
        }
        Tls.TlsSettings settings = TlsSettings(deployment, paths)
            ?? throw new ServerStartException("AH02572: Failed to configure at least one certificate and key: SSLEngine on needs SSLCertificateFile");
        try
        {
            tls = Tls.TlsContext.Create(settings, tickets);
        }
        catch (InvalidOperationException e)
        {
            throw new ServerStartException(e.Message);
        }
        var transport = new Tls.TlsTransport(tls);
        for (int i = 0; i < listeners.Length; i++) if (deployment.Listen[i].IsHttps) transports[i] = transport;
        return transports;
    }

    /// <summary>The directory large request bodies are spooled to; without one, handlers read their bodies as they arrive (a worker waits), and the error log says why.</summary>
    private static TemporaryDirectory? OpenTemporary(ServerPaths paths)
    {
        TemporaryDirectory? directory = TemporaryDirectory.Open(paths.Temporary, out int errno);
        if (directory is null)
        {
            Logging.ErrorLog.Warn("eventmpm", "", "request bodies over " + Http1.Http1Session<TConfig>.HeldBodyLimit / 1024
                + " KiB cannot be spooled to " + paths.Temporary + " (" + Sys.Describe(errno) + "): handlers will read them as they arrive, holding a worker; set TMPDIR to a writable directory");
        }
        return directory;
    }

    /// <summary>Binds every Listen address and opens DocumentRoot: one process serving alone (<c>-X</c>).</summary>
    public static Server<TConfig> Open(DeploymentSettings deployment, ServerPaths paths)
    {
        ListenSocket[] listeners = OpenListeners(deployment);
        Server<TConfig> server;
        try
        {
            HttpSite site = OpenSite(deployment, paths);
            ScoreboardImage board = ScoreboardImage.Create(1, Math.Max(TConfig.ThreadLimit, TConfig.ThreadsPerChild));
            board.Process(0).Pid = Environment.ProcessId;
            server = new Server<TConfig>(listeners, site, board, 0, ownsBoard: true, deployment, paths, tickets: null);
        }
        catch
        {
            foreach (ListenSocket l in listeners) l.Dispose();
            throw;
        }
        try
        {
            server.CreateHandlers();
        }
        catch
        {
            server.Dispose(); // the engine closes the listening sockets
            throw;
        }
        return server;
    }

    /// <summary>A child's engine on the sockets and scoreboard its control process handed down.</summary>
    internal static Server<TConfig> OpenChild(ListenSocket[] listeners, ScoreboardImage board, int slot, DeploymentSettings deployment, ServerPaths paths, Tls.TicketKeys? tickets)
        => new(listeners, OpenSite(deployment, paths), board, slot, ownsBoard: false, deployment, paths, tickets);

    /// <summary>What the compiled configuration sets on every listening socket.</summary>
    internal static ListenOptions ListenOptions => new(TConfig.ListenBacklog, TConfig.SendBufferSize, TConfig.ReceiveBufferSize, TConfig.DeferAccept);

    /// <summary>One socket per Listen, as httpd's parent opens them before it forks.</summary>
    internal static ListenSocket[] OpenListeners(DeploymentSettings deployment)
    {
        if (deployment.Listen.Count == 0) throw new ServerStartException("no listening sockets available, shutting down");
        var listeners = new List<ListenSocket>();
        foreach (ListenAddress address in deployment.Listen)
        {
            try
            {
                listeners.Add(ListenSocket.Open(address, ListenOptions));
            }
            catch (SocketException e)
            {
                foreach (ListenSocket l in listeners) l.Dispose();
                throw new ServerStartException("(" + e.ErrorCode + ")" + e.Message + ": AH00072: make_sock: could not bind to address " + address);
            }
        }
        return listeners.ToArray();
    }

    private static HttpSite OpenSite(DeploymentSettings deployment, ServerPaths paths)
    {
        DocumentRoot root;
        try
        {
            root = new DocumentRoot(paths.DocumentRoot);
        }
        catch (InvalidOperationException e)
        {
            throw new ServerStartException("DocumentRoot '" + paths.DocumentRoot + "' is not a directory, or is not readable: " + e.Message);
        }
        var types = new MimeTypes(TConfig.TypesConfig.Length == 0 ? null : System.IO.File.ReadAllLines(paths.Resolve(TConfig.TypesConfig)), TConfig.AddType);
        var status = new StatusIdentity(ServerIdentity.ServerSoftware, ServerIdentity.Built, TConfig.MaxRequestWorkers, TConfig.ThreadsPerChild, TConfig.ExtendedStatus,
            CompiledSettings.Read<TConfig>().Capacity, Proxy: deployment.ProxyPass.Count > 0 && TConfig.ProxyStatus);
        var logs = new List<Logging.AccessLog>();
        Proxy.ProxyRouter? proxy = null;
        AliasTable aliases;
        try
        {
            aliases = new AliasTable(TConfig.Aliases, paths.Resolve, TConfig.AliasTo);
        }
        catch (InvalidOperationException e)
        {
            root.Dispose();
            throw new ServerStartException(e.Message);
        }
        try
        {
            foreach (CustomLogSpec log in deployment.CustomLog) logs.Add(new Logging.AccessLog(paths.Resolve(log.Path), log.Format));
            if (deployment.ProxyPass.Count > 0)
            {
                proxy = new Proxy.ProxyRouter(deployment,
                    TConfig.ProxyTimeoutMilliseconds > 0 ? TConfig.ProxyTimeoutMilliseconds : TConfig.TimeoutMilliseconds, TConfig.ProxyTo);
            }
        }
        catch (InvalidOperationException e)
        {
            foreach (Logging.AccessLog l in logs) l.Dispose();
            root.Dispose();
            aliases.Dispose();
            throw new ServerStartException(e.Message);
        }
        return new HttpSite(root, types, TConfig.DirectoryIndex, ServerIdentity.Banner(TConfig.ServerTokens), TConfig.Locations, deployment.ServerName, status, logs.ToArray(), proxy, TConfig.Headers, TConfig.Redirects, TConfig.ErrorDocuments, TConfig.EditHeader, TConfig.Expires, aliases, TConfig.RedirectTo, TConfig.FileETag);
    }

    /// <summary>
    /// Makes the C# handlers SetHandler names, one instance each. A child calls it once it runs as
    /// User (so a handler's constructor never runs as root); <see cref="Open"/> calls it itself.
    /// </summary>
    /// <exception cref="ServerStartException">A handler's constructor failed.</exception>
    public void CreateHandlers()
    {
        try
        {
            _site.Routes.CreateHandlers(TConfig.CreateHandler);
        }
        catch (Exception e)
        {
            throw new ServerStartException("a handler could not be made: " + e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>The ports bound, in Listen order (a test that asked for port 0 learns its port here).</summary>
    public IReadOnlyList<int> Ports => Array.ConvertAll(_listeners, l => l.BoundPort);

    public int OpenConnections => _engine.OpenConnections;

    public int IdleWorkers => _engine.IdleWorkers;

    /// <summary>This child's share of the cores (workers that may run at once), following the scoreboard.</summary>
    internal int RunningTurns => _engine.Turns;

    /// <summary>Connections whose response waits in the pollset for the client to read (write completion).</summary>
    internal int WaitingToWrite => _engine.WaitingToWrite;

    /// <summary>False while admission control keeps new connections in the kernel backlog.</summary>
    public bool Accepting => _engine.Accepting;

    /// <summary>Serves on the calling thread until <see cref="Stop"/>.</summary>
    public void Run() => _engine.Run();

    public void Start()
    {
        _thread = new Thread(Run) { Name = "listener", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Graceful stop: no new connections, idle ones close, in-flight responses finish.</summary>
    public void Stop() => _engine.Stop();

    /// <summary>Stops and waits for the engine to finish.</summary>
    public void Dispose()
    {
        _engine.Stop();
        _thread?.Join();
        _engine.Dispose();
        _site.Dispose();
        _temporary?.Dispose();
        _tls?.Dispose();
        _ownTickets?.Dispose();
        _ownBoard?.Dispose();
    }
}
