using System.Text;

namespace EventMpm.Http;

/// <summary>Reason phrases (RFC 9110 §15) and the small HTML bodies of error responses.</summary>
public static class StatusText
{
    public static string Reason(int status) => status switch
    {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        428 => "Precondition Required", // RFC 6585
        429 => "Too Many Requests", // RFC 6585
        431 => "Request Header Fields Too Large", // RFC 6585
        451 => "Unavailable For Legal Reasons", // RFC 7725
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    };

    /// <summary>A short HTML page naming the status; the bodies are built once per status.</summary>
    public static byte[] ErrorBody(int status)
    {
        string reason = Reason(status);
        return Encoding.ASCII.GetBytes("<!DOCTYPE html>\n<html><head><title>" + status + " " + reason + "</title></head>\n<body><h1>"
            + status + " " + reason + "</h1></body></html>\n");
    }

    /// <summary>The page with ServerSignature's line (core.c: ap_psignature()): the server, the host and the port the client named.</summary>
    public static byte[] SignedErrorBody(int status, string banner, string host, int port)
    {
        string reason = Reason(status);
        return Encoding.UTF8.GetBytes("<!DOCTYPE html>\n<html><head><title>" + status + " " + reason + "</title></head>\n<body><h1>"
            + status + " " + reason + "</h1>\n<hr>\n<address>" + System.Net.WebUtility.HtmlEncode(banner) + " Server at " + System.Net.WebUtility.HtmlEncode(host)
            + " Port " + port + "</address>\n</body></html>\n");
    }

    /// <summary>
    /// The statuses after which httpd drops the connection (ap_status_drops_connection):
    /// the request may not have been read to its end.
    /// </summary>
    public static bool DropsConnection(int status)
        => status is 400 or 408 or 411 or 413 or 414 or 417 or 500 or 501 or 503 or 505;
}
