using System.Text.Json;
using EventMpm.Handlers;

namespace Api.Handlers;

/// <summary>Any other /api path: the request as a handler sees it, in JSON (method, path, query, fields, body size).</summary>
public sealed class Echo : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        long body = 0;
        var buffer = new byte[8192];
        int n;
        while ((n = request.Body.Read(buffer)) > 0) body += n;

        response.ContentType = "application/json";
        using var json = new Utf8JsonWriter(response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("method", request.Method);
        json.WriteString("path", request.Path);
        json.WriteString("query", request.Query);
        json.WriteString("protocol", request.Protocol);
        json.WriteString("client", request.RemoteAddress);
        json.WriteStartObject("headers");
        foreach (var (name, value) in request.Headers) json.WriteString(name, value);
        json.WriteEndObject();
        json.WriteNumber("bodyBytes", body);
        json.WriteEndObject();
    }
}
