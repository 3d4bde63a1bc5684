using System;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Event;
using EventMpm.Http;

namespace EventMpm.Http1;

/// <summary>mod_alias' Redirect on the HTTP/1.1 session: the status, Location and a short page naming the new place.</summary>
internal sealed unsafe partial class Http1Session<TConfig>
{
    /// <summary>The answer when a Redirect rule matches the request's (decoded) path; null when none does, or the path does not decode.</summary>
    private ResponsePlan? Redirected(Connection c, HttpRequest r, ReadOnlySpan<byte> target, ReadOnlySpan<byte> path, bool plain)
    {
        string decoded;
        if (plain)
        {
            decoded = Encoding.Latin1.GetString(path);
        }
        else
        {
            if (RequestPath.Resolve(target, out string relative, out bool trailingSlash) != 0) return null;
            decoded = "/" + relative + (trailingSlash && relative.Length > 0 ? "/" : "");
        }
        if (_site.Redirects.Find(decoded, out string to) is not RedirectRule rule) return null;
        if (rule.Status is < 300 or >= 400) return ErrorPlan(c, r, rule.Status);

        // mod_alias.c: the client's query when the URL has none; a URL that is a path made
        // absolute on the host the client named.
        var url = new StringBuilder(to.Length + 64);
        if (to.StartsWith('/'))
        {
            url.Append(c.TransportReadyAt != 0 ? "https://" : "http://");
            url.Append(r.HostStart >= 0 ? Encoding.Latin1.GetString(_in.AsSpan(r.HostStart, r.HostLength)) : _site.ServerName.Length > 0 ? _site.ServerName : "localhost");
        }
        url.Append(to);
        int query = target.IndexOf((byte)'?');
        if (query >= 0 && to.IndexOf('?') < 0) url.Append(Encoding.Latin1.GetString(target.Slice(query)));
        string location = url.ToString();

        byte[] body = MovedPage(rule.Status, location);
        var plan = new ResponsePlan(rule.Status);
        plan.KeepAlive = KeepsAlive(c, r, rule.Status, out int left);
        HeadWriter w = ResponseHead<TConfig>.Begin(_out, rule.Status, _site.ServerHeader);
        w.Field("Location"u8, location);
        w.Field("Content-Length"u8, body.Length);
        w.Field("Content-Type"u8, "text/html; charset=utf-8"u8);
        ApplyHeaders(ref w, error: true); // httpd sends a redirect as an error answer: only "Header always" acts on it
        ResponseHead<TConfig>.End(ref w, r, plan.KeepAlive, left);
        if (r.Method != HttpMethod.Head) w.Append(body);
        plan.Length = w.Length;
        return plan;
    }
}
