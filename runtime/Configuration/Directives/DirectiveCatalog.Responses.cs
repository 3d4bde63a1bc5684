using System.Collections.Generic;

namespace EventMpm.Configuration.Directives;

/// <summary>The core's directives on what the server's own answers say: ErrorDocument, ServerTokens, ServerSignature, FileETag and TraceEnable.</summary>
public static partial class DirectiveCatalog
{
    private static IEnumerable<DirectiveDefinition> ResponseRows()
    {
        const DirectiveContexts Both = DirectiveContexts.Server | DirectiveContexts.Location;
        yield return new("ErrorDocument", Arity.Two, C, "What the server's own error answer carries: ErrorDocument status /local/path | URL | \"message\" | default", "", ErrorDocument, Both, repeatable: true)
            { Show = s => s.ErrorDocuments.Count == 0 ? "" : s.ErrorDocuments.Count + (s.ErrorDocuments.Count == 1 ? " document" : " documents") };
        yield return new("ServerTokens", Arity.One, C, "How much the Server field says: Prod (EventMpm), Major, Minor, Minimal (EventMpm/1.2.3), OS, Full", "Minimal", ServerTokens)
            { Show = s => s.ServerTokens, Constants = [CompiledConstant.Text("ServerTokens", s => s.ServerTokens)] };
        yield return new("ServerSignature", Arity.One, C, "Whether the server's own error pages end with its name and address: Off or On (EMail needs ServerAdmin, which is not built)", "Off", ServerSignature)
            { Show = s => s.ServerSignature ? "On" : "Off", Constants = [CompiledConstant.Bool("ServerSignature", s => s.ServerSignature)] };
        yield return new("FileETag", Arity.OneOrMore, C, "What a file's ETag is made of: MTime and Size (httpd 2.4's default), either, or None", "MTime Size", FileETag)
            { Show = s => s.FileETag switch { 0 => "None", 1 => "MTime", 2 => "Size", _ => "MTime Size" }, Constants = [CompiledConstant.Int("FileETag", s => s.FileETag)] };
        yield return new("TraceEnable", Arity.One, C, "Whether TRACE reaches C# handlers and backends (On) or is answered 405 everywhere (Off); EventMpm never echoes a request itself", "On", TraceEnable)
            { Show = s => s.TraceEnable ? "On" : "Off", Constants = [CompiledConstant.Bool("TraceEnable", s => s.TraceEnable)] };
    }

    /// <summary>core.c: set_serv_tokens(): the words httpd takes, with its short forms.</summary>
    private static void ServerTokens(DirectiveCall c)
    {
        string? tokens = c.Arg(0).ToLowerInvariant() switch
        {
            "prod" or "productonly" => "Prod",
            "major" => "Major",
            "minor" => "Minor",
            "min" or "minimal" => "Minimal",
            "os" => "OS",
            "full" => "Full",
            _ => null,
        };
        if (tokens is null)
        {
            c.Error(DiagnosticCatalog.InvalidValue, 0, "ServerTokens takes Prod, Major, Minor, Minimal, OS or Full, not '" + c.Arg(0) + "'");
            return;
        }
        c.Settings.Settings = c.Settings.Settings with { ServerTokens = tokens };
    }

    private static void ServerSignature(DirectiveCall c)
    {
        string word = c.Arg(0).ToLowerInvariant();
        if (word == "email")
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "ServerSignature EMail links ServerAdmin, which EventMpm does not have: use On");
            return;
        }
        if (c.Flag() is bool on) c.Settings.Settings = c.Settings.Settings with { ServerSignature = on };
    }

    /// <summary>core.c: set_etag_bits(): the parts, or +/- changes to the default; INode and Digest refused with the reason.</summary>
    private static void FileETag(DirectiveCall c)
    {
        int parts = 3; // MTime Size
        bool relative = c.Arg(0).StartsWith("+", System.StringComparison.Ordinal) || c.Arg(0).StartsWith("-", System.StringComparison.Ordinal);
        if (!relative) parts = 0;
        for (int i = 0; i < c.Args.Count; i++)
        {
            string word = c.Arg(i);
            char sign = word.Length > 0 && word[0] is '+' or '-' ? word[0] : ' ';
            if ((sign != ' ') != relative)
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "FileETag: '" + word + "' mixes a change (+/-) with a list of parts; write one or the other, as httpd requires");
                return;
            }
            string part = sign == ' ' ? word.ToLowerInvariant() : word.Substring(1).ToLowerInvariant();
            int bit = part switch { "mtime" => 1, "size" => 2, _ => -1 };
            if (part == "none" && !relative && c.Args.Count == 1)
            {
                c.Settings.Settings = c.Settings.Settings with { FileETag = 0 };
                return;
            }
            if (part is "inode" or "all" or "digest")
            {
                c.Error(DiagnosticCatalog.UnsupportedFeature, i, "FileETag " + word + " is not built: " + (part == "digest"
                    ? "a digest hashes each file, which EventMpm does not do"
                    : "an inode number differs between the machines behind a load balancer, which is why httpd 2.4 left it out of its default; use MTime Size"));
                return;
            }
            if (bit < 0)
            {
                c.Error(DiagnosticCatalog.InvalidValue, i, "FileETag takes MTime, Size, None (or +/- changes to MTime Size), not '" + word + "'");
                return;
            }
            parts = sign == '-' ? parts & ~bit : parts | bit;
        }
        c.Settings.Settings = c.Settings.Settings with { FileETag = parts };
    }

    private static void TraceEnable(DirectiveCall c)
    {
        if (c.Arg(0).Equals("extended", System.StringComparison.OrdinalIgnoreCase))
        {
            c.Error(DiagnosticCatalog.UnsupportedFeature, 0, "TraceEnable extended (TRACE with a body) is not built: EventMpm never echoes a request itself; On passes TRACE to handlers and backends");
            return;
        }
        if (c.Flag() is bool on) c.Settings.Settings = c.Settings.Settings with { TraceEnable = on };
    }

    /// <summary>core.c: set_error_document(): a status from 400 to 599, then a local path, a URL, a message, or default (the server's own page again).</summary>
    private static void ErrorDocument(DirectiveCall c)
    {
        if (!ValueParsers.TryParseWhole(c.Arg(0), out long status) || status < 400 || status > 599)
        {
            c.Error(DiagnosticCatalog.OutOfRange, 0, "ErrorDocument: '" + c.Arg(0) + "' is not an error status (400-599): the server's own answers with a document are its errors");
            return;
        }
        string document = c.Arg(1), place = c.Location ?? "";
        c.Settings.ErrorDocuments.RemoveAll(e => e.Location == place && e.Status == status);
        if (document == "default") return; // the server's own page again, as httpd's "default"
        if (document.StartsWith("/", System.StringComparison.Ordinal))
        {
            foreach (char ch in document)
            {
                if (ch <= ' ' || ch > '~' || ch is '?' or '#' or '%')
                {
                    c.Error(DiagnosticCatalog.InvalidValue, 1, "ErrorDocument: the local path '" + document + "' must be a plain path under DocumentRoot (printable ASCII, no query, no escapes)");
                    return;
                }
            }
            foreach (string segment in document.Split('/'))
            {
                if (segment is "." or "..")
                {
                    c.Error(DiagnosticCatalog.InvalidValue, 1, "ErrorDocument: the local path '" + document + "' must not hold '.' or '..' segments");
                    return;
                }
            }
        }
        c.Settings.ErrorDocuments.Add(new ErrorDocumentRule(place, (int)status, document));
    }
}
