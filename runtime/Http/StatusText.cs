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
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
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

    /// <summary>
    /// The statuses after which httpd drops the connection (ap_status_drops_connection):
    /// the request may not have been read to its end.
    /// </summary>
    public static bool DropsConnection(int status)
        => status is 400 or 408 or 411 or 413 or 414 or 417 or 500 or 501 or 503 or 505;
}
