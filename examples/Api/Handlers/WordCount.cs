using System;
using System.Text.Json;
using EventMpm.Handlers;

namespace Api.Handlers;

/// <summary>
/// POST /api/wordcount: counts the bytes, lines and words of the body, read as a stream 8 KiB at
/// a time (bounded by LimitRequestBody). It runs once the body has come, with no worker held while
/// the client sends it: a body over 16 KiB waits in a temporary file, not in memory.
/// </summary>
public sealed class WordCount : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        if (request.Method != "POST")
        {
            response.Status = 405;
            response.SetHeader("Allow", "POST");
            return;
        }
        long bytes = 0, lines = 0, words = 0;
        bool inWord = false;
        Span<byte> buffer = stackalloc byte[8192];
        int n;
        while ((n = request.Body.Read(buffer)) > 0)
        {
            bytes += n;
            foreach (byte b in buffer[..n])
            {
                if (b == (byte)'\n') lines++;
                bool space = b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
                if (!space && !inWord) words++;
                inWord = !space;
            }
        }
        response.ContentType = "application/json";
        using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteNumber("bytes", bytes);
        json.WriteNumber("lines", lines);
        json.WriteNumber("words", words);
        json.WriteEndObject();
    }
}
