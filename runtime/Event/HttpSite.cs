using System;
using System.Collections.Generic;
using System.Text;
using EventMpm.Http;
using EventMpm.Native;

namespace EventMpm.Event;

/// <summary>What every worker of a child shares to answer requests: the files, their types, the fixed header values.</summary>
internal sealed class HttpSite : IDisposable
{
    private readonly Dictionary<int, byte[]> _errorBodies = new();

    public HttpSite(DocumentRoot root, MimeTypes types, IReadOnlyList<string> directoryIndex, string serverHeader)
    {
        Root = root;
        Types = types;
        DirectoryIndex = new List<string>(directoryIndex).ToArray();
        ServerHeader = Encoding.ASCII.GetBytes(serverHeader);
        foreach (int status in new[] { 400, 403, 404, 405, 408, 411, 412, 413, 414, 416, 417, 500, 501, 503, 505 })
        {
            _errorBodies[status] = StatusText.ErrorBody(status);
        }
    }

    public DocumentRoot Root { get; }

    public FileCache Cache { get; } = new();

    public MimeTypes Types { get; }

    public string[] DirectoryIndex { get; }

    public byte[] ServerHeader { get; }

    public byte[] ErrorBody(int status) => _errorBodies.TryGetValue(status, out byte[]? body) ? body : _errorBodies[500];

    public void Dispose() => Root.Dispose();
}
