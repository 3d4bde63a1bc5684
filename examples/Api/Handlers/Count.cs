using EventMpm.Handlers;

namespace Api.Handlers;

/// <summary>
/// GET /api/count?to=N: the numbers 1 to N (at most 100,000), one per line, streamed: each
/// thousand goes out as a chunk as soon as it is written (Response.Flush).
/// </summary>
public sealed class Count : IRequestHandler
{
    public void Handle(Request request, Response response)
    {
        int to = 10;
        foreach (string pair in request.Query.Split('&'))
        {
            if (pair.StartsWith("to=", System.StringComparison.Ordinal) && int.TryParse(pair[3..], out int n)) to = n;
        }
        if (to is < 1 or > 100_000)
        {
            response.Status = 400;
            response.ContentType = "text/plain; charset=utf-8";
            response.Write("to must be from 1 to 100000\n");
            return;
        }
        response.ContentType = "text/plain; charset=utf-8";
        for (int i = 1; i <= to; i++)
        {
            response.Write(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.Write("\n"u8);
            if (i % 1000 == 0) response.Flush();
        }
    }
}
