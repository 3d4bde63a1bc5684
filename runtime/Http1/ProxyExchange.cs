using System;
using System.Buffers;
using EventMpm.Http;
using EventMpm.Proxy;

namespace EventMpm.Http1;

/// <summary>Where a proxied request is.</summary>
internal enum ProxyStep : byte
{
    /// <summary>Taking a pooled connection, or connecting (a connect in progress waits for the backend socket to be writable).</summary>
    Connecting,
    /// <summary>Sending the request head and the body bytes that came with it.</summary>
    SendingRequest,
    /// <summary>Relaying the rest of the request body from the client.</summary>
    StreamingBody,
    /// <summary>Waiting for the response head.</summary>
    ReadingHead,
    /// <summary>Relaying the response body to the client.</summary>
    Relaying,
    /// <summary>The backend is done; the last bytes may still be in write completion.</summary>
    Done,
    /// <summary>After 101 Switching Protocols: bytes relayed both ways as they come, until either side closes or timeout passes idle.</summary>
    Tunnel,
}

/// <summary>
/// One proxied request between the turns it takes on workers (mod_proxy_http's state, kept with
/// the connection so that no worker waits for the backend or the client): the backend and its
/// connection, a relay buffer (64 KiB, rented for the exchange and given back after it), what
/// is left of each body, and what the request said that its answer still needs.
/// </summary>
internal sealed class ProxyExchange : IDisposable
{
    private readonly ProxyRouter _router;
    private bool _disposed;

    public ProxyExchange(ProxyDestination destination, Backend backend, ProxyRouter router)
    {
        Destination = destination;
        Backend = backend;
        System.Threading.Interlocked.Increment(ref backend.Busy);
        _router = router;
        router.Count(1);
    }

    public const int BufferSize = 64 * 1024;

    public readonly ProxyDestination Destination;

    /// <summary>The backend it goes to: the ProxyPass's, or the member its balancer picked (another after a refused connect).</summary>
    public Backend Backend { get; private set; }

    /// <summary>The balancer members this request could not reach (<see cref="Balancer.Pick"/>'s mask), and how many it moved past.</summary>
    public ulong Tried;
    public int Attempts;

    /// <summary>Moves the request to another member of its balancer (before anything was sent).</summary>
    public void MoveTo(Backend next)
    {
        System.Threading.Interlocked.Decrement(ref Backend.Busy);
        Backend = next;
        System.Threading.Interlocked.Increment(ref next.Busy);
    }
    public BackendLink? Link;
    public ProxyStep Step;
    public byte[] Buffer = ArrayPool<byte>.Shared.Rent(BufferSize);

    /// <summary>The backend request (head and the body bytes that arrived with it) is Buffer[0..RequestLength), its head Buffer[0..HeadLength); RequestSent of it went.</summary>
    public int RequestLength, RequestSent, HeadLength;

    /// <summary>What the backend head is written from, kept while a balancer may move the request to another member (else null).</summary>
    public byte[]? ClientHead;
    public ProxyRequestFacts Facts;

    /// <summary>The request's place: its Header and RequestHeader rules and ErrorDocuments.</summary>
    public Site.Route Place;

    /// <summary>The client's path after the ProxyPass path, and its query ("?..." or empty), for the backend's target.</summary>
    public string PathRest = "", Query = "";

    /// <summary>Of a Content-Length request body, the bytes still to come from the client; of a chunked one, its framing.</summary>
    public long BodyLeft;
    public bool BodyChunked;
    public ChunkedScanner BodyChunks;
    public bool ExpectContinue;

    /// <summary>Buffer[Sent..Have): bytes read and not yet passed on (request body to the backend, or response body to the client); before the head, Buffer[0..Have) is the head so far.</summary>
    public int Have, Sent;

    /// <summary>Buffer[0..Have) holds response bytes read but not parsed yet (a backend's early answer).</summary>
    public bool Unparsed;

    /// <summary>The client asked to switch to the protocol the route allows (upgrade=): a 101 from the backend opens a tunnel.</summary>
    public string Upgrade = "";

    /// <summary>In a tunnel, the client's bytes for the backend: Buffer[Half + UpSent..Half + UpHave).</summary>
    public int UpHave, UpSent;

    /// <summary>In a tunnel the buffer's first half carries the backend's bytes, the second the client's.</summary>
    public int Half => Buffer.Length / 2;

    /// <summary>An idle tunnel gives its buffer back (10,000 idle tunnels hold no 64 KiB each) and takes one when bytes come.</summary>
    public void ReleaseBuffer()
    {
        if (Buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(Buffer);
        Buffer = Array.Empty<byte>();
    }

    public void TakeBuffer()
    {
        if (Buffer.Length == 0) Buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public readonly BackendResponse Response = new();
    public long ResponseLeft;
    public ChunkedScanner ResponseChunks;
    /// <summary>The backend sent more than its framing said, or framed it so the link cannot carry another response.</summary>
    public bool LinkSpoiled;

    /// <summary>The client has the response head: a failure now can only cut the response short.</summary>
    public bool HeadSent;
    /// <summary>Whether a failure before any response byte may be retried on a fresh connection (an idempotent method, once).</summary>
    public bool Retriable;
    public bool Reused, Retried;

    // What the request said that its answer needs after the worker's request object has moved on.
    public bool ClientHttp11, ClientAskedKeepAlive, MethodHead;
    /// <summary>The client came over TLS (ProxyPassReverse answers with https://).</summary>
    public bool Secure;
    /// <summary>The client's Host, for ProxyPassReverse's absolute URLs.</summary>
    public string ClientHost = "";
    public bool ClientMayKeepAlive;
    public int KeepAliveLeft;
    public bool ClientKeepAlive;
    /// <summary>Bytes the client sent after this request (pipelined), served once this one is answered.</summary>
    public byte[]? Pipelined;

    // For the access log and the scoreboard.
    public byte[] LogHead = Array.Empty<byte>();
    public long Started;
    public long ReceivedBytes;
    public long SentBytes, BodyBytes;

    /// <summary>Trades the buffer for one of at least <paramref name="size"/> bytes (before anything is in it).</summary>
    public void Grow(int size)
    {
        ArrayPool<byte>.Shared.Return(Buffer);
        Buffer = ArrayPool<byte>.Shared.Rent(size);
    }

    public void Dispose()
    {
        Link?.Close(); // a connection still held here is mid-exchange: never pooled
        Link = null;
        if (_disposed) return;
        _disposed = true;
        System.Threading.Interlocked.Decrement(ref Backend.Busy);
        ReleaseBuffer();
        _router.Count(-1);
    }
}
