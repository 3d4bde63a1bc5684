using System;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Event;
using EventMpm.Http;
using EventMpm.Native;
using EventMpm.Site;

namespace EventMpm.Http1;

/// <summary>
/// The server's own error answers (http_protocol.c: ap_send_error_response()): the status's page,
/// or the ErrorDocument of the request's place: a local file under DocumentRoot (through the file
/// cache, up to its in-memory size) sent with the error's status, a message, or a 302 to a URL.
/// Only "Header always" rules act on them.
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig>
{
    private static ReadOnlySpan<byte> HtmlUtf8 => "text/html; charset=utf-8"u8;

    /// <summary>httpd sends an ErrorDocument message as HTML in ISO-8859-1, the bytes as written.</summary>
    private static ReadOnlySpan<byte> HtmlLatin1 => "text/html; charset=iso-8859-1"u8;

    /// <summary>
    /// The head of an error answer up to its connection fields, and its body; <paramref name="status"/>
    /// becomes 302 for an ErrorDocument URL. <paramref name="host"/>: the Host the client named
    /// (empty when unknown), for ServerSignature's line.
    /// </summary>
    private HeadWriter ErrorHead(Connection c, ref int status, out byte[] body, string host)
    {
        body = TConfig.ServerSignature ? Signed(c, status, host) : _site.ErrorBody(status);
        ReadOnlySpan<byte> contentType = HtmlUtf8;
        string? location = null;
        if (_place.Errors?.Find(status, out byte[] bytes) is ErrorDocumentRule document)
        {
            if (document.IsUrl)
            {
                status = 302;
                location = document.Document;
                body = MovedPage(302, location);
            }
            else if (!document.IsLocal)
            {
                body = bytes;
                contentType = HtmlLatin1;
            }
            else if (ErrorFile(bytes, document.Document) is CachedFile file)
            {
                body = file.Body;
                contentType = file.ContentType ?? "application/octet-stream"u8;
            }
        }
        HeadWriter w = ResponseHead<TConfig>.Begin(_out, status, _site.ServerHeader);
        if (status == 405) w.Field("Allow"u8, "GET, HEAD"u8);
        if (location is not null) w.Field("Location"u8, location);
        w.Field("Content-Length"u8, body.Length);
        w.Field("Content-Type"u8, contentType);
        ApplyHeaders(ref w, error: true);
        return w;
    }

    /// <summary>The page with ServerSignature's line: the Host's name and port (UseCanonicalName Off), else ServerName and the scheme's port.</summary>
    private byte[] Signed(Connection c, int status, string host)
    {
        int port = c.TransportReadyAt != 0 ? 443 : 80;
        string name = host;
        int colon = host.LastIndexOf(':');
        if (colon > 0 && host.IndexOf(']', colon) < 0 && int.TryParse(host.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int given))
        {
            name = host.Substring(0, colon);
            port = given;
        }
        if (name.Length == 0) name = _site.ServerName.Length > 0 ? _site.ServerName : "localhost";
        return StatusText.SignedErrorBody(status, Encoding.Latin1.GetString(_site.ServerHeader), name, port);
    }

    /// <summary>An ErrorDocument's local file, from the file cache or opened and cached now; null when it is missing or too large to be held in memory.</summary>
    private CachedFile? ErrorFile(ReadOnlySpan<byte> path, string text)
    {
        CachedFile? file = _site.Cache.Find(path);
        if (file is null)
        {
            string relative = text.TrimStart('/');
            if (_site.Root.Open(relative, out OpenedFile opened) != 0) return null;
            if (opened.IsRegular) file = _site.Cache.Add(text, _site.Root, relative, opened, _site.Types.For(relative));
            Sys.Close(opened.Fd);
        }
        return file is { HasDescriptor: false } ? file : null;
    }

    /// <summary>A redirect's page: the status and a link to where the document went (what httpd's redirects say).</summary>
    private static byte[] MovedPage(int status, string location)
        => Encoding.UTF8.GetBytes("<!DOCTYPE html>\n<html><head><title>" + status + " " + StatusText.Reason(status) + "</title></head>\n<body><h1>"
            + StatusText.Reason(status) + "</h1>\n<p>The document has moved <a href=\"" + System.Net.WebUtility.HtmlEncode(location) + "\">here</a>.</p></body></html>\n");
}
