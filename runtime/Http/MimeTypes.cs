using System;
using System.Collections.Generic;
using System.IO;
using EventMpm.Configuration;

namespace EventMpm.Http;

/// <summary>
/// Extension to media type, as mod_mime: the built-in table (or the TypesConfig file), then AddType.
/// A file with no known extension gets no Content-Type, as httpd without DefaultType.
/// </summary>
public sealed class MimeTypes
{
    private readonly Dictionary<string, byte[]> _types = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The common types, for when no TypesConfig file is given.</summary>
    private static readonly (string Type, string Extensions)[] s_builtIn =
    {
        ("text/html", "html htm"), ("text/plain", "txt text conf log"), ("text/css", "css"), ("text/csv", "csv"),
        ("text/javascript", "js mjs"), ("application/json", "json map"), ("application/xml", "xml xsl"),
        ("image/png", "png"), ("image/jpeg", "jpg jpeg jpe"), ("image/gif", "gif"), ("image/svg+xml", "svg svgz"),
        ("image/webp", "webp"), ("image/avif", "avif"), ("image/x-icon", "ico"), ("font/woff", "woff"), ("font/woff2", "woff2"),
        ("font/ttf", "ttf"), ("font/otf", "otf"), ("application/pdf", "pdf"), ("application/zip", "zip"), ("application/gzip", "gz"),
        ("application/x-tar", "tar"), ("application/wasm", "wasm"), ("application/octet-stream", "bin exe dll iso img"),
        ("audio/mpeg", "mp3"), ("audio/ogg", "oga ogg"), ("video/mp4", "mp4"), ("video/webm", "webm"), ("application/rss+xml", "rss"),
        ("application/atom+xml", "atom"), ("application/xhtml+xml", "xhtml xht"), ("text/markdown", "md markdown"),
    };

    /// <param name="typesConfig">The TypesConfig file's lines (read by the caller), or null for the built-in table.</param>
    public MimeTypes(IEnumerable<string>? typesConfig, IEnumerable<MimeMapping> addType)
    {
        if (typesConfig is null)
        {
            foreach (var (type, extensions) in s_builtIn) Add(type, extensions.Split(' '));
        }
        else
        {
            // mime.types: "type ext ext ..." per line, '#' comments (httpd reads it at start, as here).
            foreach (string line in typesConfig)
            {
                string trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed[0] == '#') continue;
                string[] words = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                Add(words[0], words.AsSpan(1).ToArray());
            }
        }
        foreach (MimeMapping m in addType) _types[m.Extension] = System.Text.Encoding.ASCII.GetBytes(m.MediaType);
    }

    private void Add(string type, string[] extensions)
    {
        byte[] value = System.Text.Encoding.ASCII.GetBytes(type);
        foreach (string e in extensions) _types[e] = value;
    }

    /// <summary>The media type for a file name, or null. Text types are served without a charset, as httpd's default.</summary>
    public byte[]? For(string fileName)
    {
        int dot = fileName.LastIndexOf('.');
        if (dot < 0 || dot == fileName.Length - 1) return null;
        return _types.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(fileName.AsSpan(dot + 1), out byte[]? type) ? type : null;
    }
}
