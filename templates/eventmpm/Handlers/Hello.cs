using System.Text.Json;
using EventMpm.Handlers;

namespace MySite.Handlers;

/// <summary>
/// Answers /hello (httpd.conf's &lt;Location /hello&gt; names it): GET /hello?name=Ada says hello
/// to Ada in JSON; POST /hello says hello to the name in the body. One instance serves every
/// worker thread, so it keeps no per-request state.
/// </summary>
public sealed class Hello : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        string name = request.Method switch
        {
            "GET" or "HEAD" => QueryValue(request.Query, "name") ?? "world",
            "POST" => request.ReadBodyAsText().Trim(),
            _ => "",
        };
        if (name.Length == 0)
        {
            response.Status = request.Method is "POST" ? 400 : 405;
            if (response.Status == 405) response.SetHeader("Allow", "GET, HEAD, POST");
            return;
        }
        response.ContentType = "application/json";
        // Utf8JsonWriter escapes the name and needs no reflection, so it is at home in a native binary.
        using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteString("hello", name);
        json.WriteEndObject();
    }

    private static string? QueryValue(string query, string key)
    {
        foreach (string pair in query.Split('&'))
        {
            int equals = pair.IndexOf('=');
            if (equals > 0 && pair[..equals] == key) return Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }
        return null;
    }
}
