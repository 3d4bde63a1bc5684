using System;
using System.Text.Json;
using EventMpm.Handlers;

namespace Api.Handlers;

/// <summary>GET /api/time: the server's clock and the child process that answered, in JSON.</summary>
public sealed class Time : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            response.Status = 405;
            response.SetHeader("Allow", "GET, HEAD");
            return;
        }
        response.ContentType = "application/json";
        response.SetHeader("Cache-Control", "no-store");
        using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteString("utc", DateTime.UtcNow);
        json.WriteNumber("pid", Environment.ProcessId);
        json.WriteEndObject();
    }
}
