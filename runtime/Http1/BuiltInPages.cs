using System;
using EventMpm.Event;
using EventMpm.Http;
using EventMpm.Native;
using EventMpm.Site;

namespace EventMpm.Http1;

/// <summary>
/// What the &lt;Location&gt; sections route elsewhere than to files: Require's refusal, mod_status's
/// page, the OpenMetrics page, and the C# handlers (run in HandlerExchange.cs).
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig>
{
    /// <summary>
    /// What the <c>&lt;Location&gt;</c> sections say of a (decoded) path: 403 when Require does not
    /// grant the client's address, the status or metrics page, a C# handler to run
    /// (<see cref="ResponsePlan.CodeHandler"/>), else null (files).
    /// </summary>
    private ResponsePlan? Located(Connection c, HttpRequest r, ReadOnlySpan<byte> path, ReadOnlySpan<byte> query)
    {
        Route route = _site.Routes.Find(path);
        _place = route;
        if (route.Rules is not null && !route.Rules.Allows(c.Peer ??= Sys.PeerAddress16(c.Fd))) return ErrorPlan(c, r, 403);
        if (route.Handler is LocationHandler.ServerStatus or LocationHandler.Metrics && r.Method is not (HttpMethod.Get or HttpMethod.Head)) return ErrorPlan(c, r, 405);
        switch (route.Handler)
        {
            case LocationHandler.ServerStatus: return StatusPlan(c, r, query);
            case LocationHandler.Metrics: return MetricsPlan(c, r);
            case LocationHandler.Code:
                _route = route;
                _routePath = System.Text.Encoding.UTF8.GetString(path);
                return new ResponsePlan(ResponsePlan.CodeHandler);
            default: return null;
        }
    }

    /// <summary>mod_status's page for this request's query (?auto, ?refresh=N, ?notable).</summary>
    private ResponsePlan StatusPlan(Connection c, HttpRequest r, ReadOnlySpan<byte> query)
    {
        StatusQuery options = StatusQuery.Parse(query);
        StatusSnapshot snapshot = Snapshot(out ProcessTimes cpu);
        string name = _site.ServerName.Length != 0 ? _site.ServerName
            : r.HostStart >= 0 ? HostName(_in.AsSpan(r.HostStart, r.HostLength)) : "localhost";
        string text = options.Auto ? StatusPage.Auto(snapshot, _site.Status, name, cpu, ProcFs.LoadAverage())
            : StatusPage.Html(snapshot, _site.Status, name, cpu, ProcFs.LoadAverage(), options.NoTable);
        return PagePlan(c, r, System.Text.Encoding.Latin1.GetBytes(text), options.Auto ? StatusPage.TextType : StatusPage.HtmlType, options.Refresh);
    }

    /// <summary>The metrics handler's page: the same counts in the OpenMetrics format.</summary>
    private ResponsePlan MetricsPlan(Connection c, HttpRequest r)
    {
        StatusSnapshot snapshot = Snapshot(out ProcessTimes cpu);
        return PagePlan(c, r, System.Text.Encoding.UTF8.GetBytes(MetricsPage.Render(snapshot, _site.Status, cpu)), MetricsPage.ContentType, refresh: 0);
    }

    private StatusSnapshot Snapshot(out ProcessTimes cpu)
    {
        StatusSnapshot snapshot = StatusSnapshot.Take(_worker.Board, _site.Status.MaxRequestWorkers / _site.Status.ThreadsPerChild, _site.Status.ThreadsPerChild);
        cpu = _site.Status.ExtendedStatus ? ProcessTimes.Read(snapshot, ProcFs.CpuSeconds) : default;
        return snapshot;
    }

    /// <summary>A generated page as a 200 response (a HEAD gets the head alone).</summary>
    private ResponsePlan PagePlan(Connection c, HttpRequest r, byte[] body, string contentType, int refresh)
    {
        var plan = new ResponsePlan(200);
        plan.KeepAlive = KeepsAlive(c, r, 200, out int left);
        HeadWriter w = ResponseHead<TConfig>.Begin(_out, 200, _site.ServerHeader);
        if (refresh > 0) w.Field("Refresh"u8, refresh);
        w.Field("Content-Length"u8, body.Length);
        w.Field("Content-Type"u8, contentType);
        ApplyHeaders(ref w, error: false);
        ResponseHead<TConfig>.End(ref w, r, plan.KeepAlive, left);
        plan.Length = w.Length;
        if (r.Method == HttpMethod.Get)
        {
            plan.Body = body;
            plan.BodyLength = body.Length;
        }
        return plan;
    }

    /// <summary>The host part of a Host field: without the port, brackets kept for IPv6.</summary>
    private static string HostName(ReadOnlySpan<byte> host)
    {
        int colon = host.LastIndexOf((byte)':');
        if (colon > 0 && host.IndexOf((byte)']') < colon) host = host.Slice(0, colon);
        return System.Text.Encoding.ASCII.GetString(host);
    }
}
