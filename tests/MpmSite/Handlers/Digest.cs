using System;
using EventMpm.Handlers;

namespace MpmSite.Handlers;

/// <summary>
/// /upload: the body's length and FNV-1a hash, read 64 KiB at a time once the body is whole
/// (a body over 16 KiB waits in a temporary file). The upload tests compare it with what they sent.
/// </summary>
public sealed class Digest : IRequestHandler
{
    public void Handle(Request request, Response response) => Answer(request, response);

    internal static void Answer(Request request, Response response)
    {
        var buffer = new byte[64 * 1024];
        long length = 0;
        ulong hash = 14695981039346656037;
        int n;
        while ((n = request.Body.Read(buffer)) > 0)
        {
            foreach (byte b in buffer.AsSpan(0, n)) hash = (hash ^ b) * 1099511628211;
            length += n;
        }
        response.ContentType = "text/plain";
        response.Write(length + " " + hash.ToString("x16") + "\n");
    }
}

/// <summary>/upload/streaming: the same, reading the body as it arrives (its worker waits for it).</summary>
public sealed class StreamingDigest : IStreamingBodyHandler
{
    public void Handle(Request request, Response response) => Digest.Answer(request, response);
}
