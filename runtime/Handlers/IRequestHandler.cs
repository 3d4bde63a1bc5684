namespace EventMpm.Handlers;

/// <summary>
/// C# code that answers the requests of a <c>&lt;Location&gt;</c>, named by its full type name:
/// <code>
/// &lt;Location /api/hello&gt;
///     SetHandler MyApp.Handlers.Hello
/// &lt;/Location&gt;
/// </code>
/// The build checks the name: a class with a public parameterless constructor that implements
/// this interface, else an error at the SetHandler line.
/// </summary>
/// <remarks>
/// One instance per child process, made when the child starts (after it has changed to User),
/// called by every worker thread at once: keep it free of per-request state, or guard what it shares.
/// <para>
/// The method is synchronous on purpose. A worker thread is held while a handler runs, as
/// httpd's event MPM holds one for dynamic content, so MaxRequestWorkers bounds the handlers
/// running at once and there is no thread pool behind them. A response written whole and
/// returned is handed to the listener if the client reads slowly, so the worker is free at once;
/// <see cref="Response.Flush"/> streams instead and keeps the worker until the client has it.
/// </para>
/// </remarks>
public interface IRequestHandler
{
    void Handle(Request request, Response response);
}

/// <summary>
/// A handler that reads its request body as it arrives. It runs as soon as the request's head is
/// in, and its worker waits while it reads, within RequestReadTimeout's body time and MinRate, as
/// httpd's handlers do. Any other handler runs once its body is whole: up to 16 KiB held in
/// memory, a larger one received into a temporary file with no name (in TMPDIR, else /tmp),
/// with no worker held while the client sends. Declare it when the body is used as it comes
/// (relayed elsewhere, or too large for the temporary directory).
/// </summary>
public interface IStreamingBodyHandler : IRequestHandler
{
}

/// <summary>A request body that could not be read: the status the server answers with (400, 408, 413).</summary>
public sealed class RequestBodyException : System.IO.IOException
{
    public RequestBodyException(int status, string message) : base(message) => Status = status;

    /// <summary>400 for a malformed chunked body, 408 when it came too slowly, 413 over LimitRequestBody, 0 when the client went away.</summary>
    public int Status { get; }
}

/// <summary>What the server lends a handler to read the body and stream the response (one per worker).</summary>
internal interface IHandlerConnection
{
    /// <summary>Up to <paramref name="destination"/>'s length of decoded body bytes; 0 at its end.</summary>
    int ReadBody(System.Span<byte> destination);

    /// <summary>Sends the head (once) and what the response holds as one chunk, waiting while the socket is full.</summary>
    void Stream(Response response);
}
