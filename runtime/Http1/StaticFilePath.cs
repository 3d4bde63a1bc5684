using System;
using EventMpm.Event;
using EventMpm.Http;
using EventMpm.Native;
using EventMpm.Site;

namespace EventMpm.Http1;

/// <summary>
/// The static-file path (httpd's default handler with mod_dir and mod_mime): a request's path is
/// looked up in the file cache, else resolved under DocumentRoot (openat2, no escape), a directory
/// answered by its DirectoryIndex or a redirect to its slash, and the file's response planned:
/// conditions and Range decided, the head written, the body from memory, a prepared response or
/// sendfile. <see cref="MakePlan"/> first asks the &lt;Location&gt; sections (BuiltInPages.cs).
/// </summary>
internal sealed unsafe partial class Http1Session<TConfig>
{
    private ResponsePlan MakePlan(Connection c, HttpRequest r)
    {
        if (r.Method == HttpMethod.Unknown) return ErrorPlan(c, r, 501);
        if (r.Method == HttpMethod.Trace && !TConfig.TraceEnable) return ErrorPlan(c, r, 405); // TraceEnable Off: for handlers too
        bool readOnly = r.Method is HttpMethod.Get or HttpMethod.Head;
        ReadOnlySpan<byte> target = _in.AsSpan(r.TargetStart, r.TargetLength);
        int queryAt = target.IndexOf((byte)'?');
        ReadOnlySpan<byte> path = queryAt < 0 ? target : target.Slice(0, queryAt);
        bool plain = path.Length > 0 && path[0] == (byte)'/' && RequestPath.IsPlain(path);
        if (!_site.Redirects.IsEmpty && Redirected(c, r, target, path, plain) is ResponsePlan moved) return moved; // any method, as mod_alias
        if (!readOnly && !_site.Routes.HasCode) return ErrorPlan(c, r, 405); // only C# handlers take other methods

        ReadOnlySpan<byte> query = queryAt < 0 ? default : target.Slice(queryAt + 1);
        if (plain)
        {
            if (!_site.Routes.IsEmpty && Located(c, r, path, query) is ResponsePlan located) return located;
            if (!readOnly) return ErrorPlan(c, r, 405);
            if (_site.Cache.Find(path) is CachedFile cached) return CachedPlan(c, r, cached);
        }

        int status = RequestPath.Resolve(target, out string relative, out bool trailingSlash);
        if (status != 0) return ErrorPlan(c, r, status);
        if (!plain && !_site.Routes.IsEmpty && Located(c, r, System.Text.Encoding.UTF8.GetBytes("/" + relative), query) is ResponsePlan decoded) return decoded;
        if (!readOnly) return ErrorPlan(c, r, 405);
        DocumentRoot root = _site.Root;
        if (!_site.Aliases.IsEmpty && _site.Aliases.Map("/" + relative + (trailingSlash && relative.Length > 0 ? "/" : ""), out DocumentRoot aliased, out string? beneath))
        {
            if (beneath is null) return ErrorPlan(c, r, 404);
            root = aliased;
            relative = beneath.TrimEnd('/');
        }
        status = root.Open(relative, out OpenedFile file);
        if (status != 0) return ErrorPlan(c, r, status);
        if (file.IsDirectory)
        {
            Sys.Close(file.Fd);
            if (!trailingSlash) return RedirectToDirectory(c, r, target);
            status = 403; // httpd without Options Indexes
            foreach (string index in _site.DirectoryIndex)
            {
                string candidate = relative.Length == 0 ? index : relative + "/" + index;
                if (root.Open(candidate, out OpenedFile indexFile) != 0) continue;
                if (indexFile.IsRegular)
                {
                    file = indexFile;
                    relative = candidate;
                    status = 0;
                    break;
                }
                Sys.Close(indexFile.Fd);
            }
            if (status != 0) return ErrorPlan(c, r, status);
        }
        else if (!file.IsRegular)
        {
            Sys.Close(file.Fd);
            return ErrorPlan(c, r, 403);
        }
        if (plain && file.Size <= FileCache.MaxFileSize
            && _site.Cache.Add(System.Text.Encoding.ASCII.GetString(path), root, relative, file, _site.Types.For(relative)) is CachedFile added)
        {
            Sys.Close(file.Fd);
            return CachedPlan(c, r, added);
        }
        return FilePlan(c, r, file, relative);
    }

    private ResponsePlan CachedPlan(Connection c, HttpRequest r, CachedFile file)
    {
        ResponsePlan plan = FileHead(c, r, file.Facts, file.Validators.ETag, file.Validators.LastModified, file.ContentType, out FileAnswer answer, file, -1);
        if (r.Method == HttpMethod.Get && answer.Status is 200 or 206 && answer.Length > 0 && answer.Ranges is null)
        {
            if (!file.HasDescriptor)
            {
                plan.Body = file.Body;
                plan.BodyOffset = (int)answer.Offset;
                plan.BodyLength = (int)answer.Length;
            }
            else if (answer.Status == 200 && file.AcquirePrepared(_out.AsSpan(0, plan.Length), out int preparedFd) is PreparedResponse prepared)
            {
                plan.File = preparedFd; // held until the response has been sent
                plan.FileOwner = prepared;
                plan.FileOffset = 0;
                plan.FileLength = answer.Length;
                plan.HeadInFile = true;
            }
            else if (file.TryAcquire(out int fd))
            {
                plan.File = fd; // held until the response has been sent
                plan.FileOwner = file;
                plan.FileOffset = answer.Offset;
                plan.FileLength = answer.Length;
            }
            else
            {
                // The entry was replaced between the lookup and now (the file changed): open it again.
                int status = (file.Root ?? _site.Root).Open(file.Relative, out OpenedFile opened);
                if (status != 0) return ErrorPlan(c, r, status);
                if (opened.IsRegular) return FilePlan(c, r, opened, file.Relative);
                Sys.Close(opened.Fd);
                return ErrorPlan(c, r, 403);
            }
        }
        return plan;
    }

    private ResponsePlan FilePlan(Connection c, HttpRequest r, OpenedFile file, string relative)
    {
        var facts = new FileFacts(file.Size, file.ModifiedSeconds, file.ModifiedMicroseconds);
        var validators = new FileValidators(facts, TConfig.FileETag); // a file served uncached already costs an open and a stat
        ResponsePlan plan = FileHead(c, r, facts, validators.ETag, validators.LastModified, _site.Types.For(relative), out FileAnswer answer, null, file.Fd);
        if (r.Method == HttpMethod.Get && answer.Status is 200 or 206 && answer.Length > 0 && answer.Ranges is null)
        {
            plan.File = file.Fd;
            plan.FileOffset = answer.Offset;
            plan.FileLength = answer.Length;
        }
        else
        {
            Sys.Close(file.Fd);
        }
        return plan;
    }

    /// <summary>
    /// The head of a file's response, after its conditions and Range are decided; for several
    /// ranges, the multipart/byteranges body too, read from the cache entry or else the descriptor.
    /// </summary>
    private ResponsePlan FileHead(Connection c, HttpRequest r, in FileFacts facts, ReadOnlySpan<byte> etag, ReadOnlySpan<byte> lastModified,
                          byte[]? contentType, out FileAnswer answer, CachedFile? cached, int fd)
    {
        answer = FileRules.Decide(_in, r, facts, etag);
        if (answer.Ranges is not null) return MultipartPlan(c, r, facts, etag, lastModified, contentType, answer.Ranges, cached, fd);
        var plan = new ResponsePlan(answer.Status);
        plan.KeepAlive = KeepsAlive(c, r, answer.Status, out int left);
        HeadWriter w = ResponseHead<TConfig>.Begin(_out, answer.Status, _site.ServerHeader);
        if (answer.Status != 412)
        {
            w.Field("Last-Modified"u8, lastModified);
            if (etag.Length > 0) w.Field("ETag"u8, etag); // none with FileETag None
        }
        if (answer.Status is 200 or 206)
        {
            w.Field("Accept-Ranges"u8, "bytes"u8);
            w.Field("Content-Length"u8, answer.Length);
            if (contentType is not null) w.Field("Content-Type"u8, contentType);
            if (answer.Status == 206) w.ContentRange(answer.Offset, answer.Length, facts.Size);
        }
        else if (answer.Status == 416)
        {
            w.ContentRange(0, 0, facts.Size);
            w.Field("Content-Length"u8, 0);
        }
        else if (answer.Status == 412)
        {
            w.Field("Content-Length"u8, 0);
        }
        ApplyHeaders(ref w, error: answer.Status >= 400);
        ResponseHead<TConfig>.End(ref w, r, plan.KeepAlive, left);
        plan.Length = w.Length;
        return plan;
    }

    /// <summary>A 206 of several ranges: the parts in memory, one Content-Range each (RFC 9110 §14.6).</summary>
    private ResponsePlan MultipartPlan(Connection c, HttpRequest r, in FileFacts facts, ReadOnlySpan<byte> etag, ReadOnlySpan<byte> lastModified,
                                      byte[]? contentType, ByteRange[] ranges, CachedFile? cached, int fd)
    {
        byte[]? body = MultipartByteranges.Build(ranges, facts.Size, contentType, (offset, into) =>
        {
            if (cached is { HasDescriptor: false })
            {
                cached.Body.AsSpan((int)offset, into.Length).CopyTo(into);
                return true;
            }
            if (cached is null) return Files.ReadAllAt(fd, into, offset);
            if (!cached.TryAcquire(out int shared)) return false;
            try
            {
                return Files.ReadAllAt(shared, into, offset);
            }
            finally
            {
                cached.Release();
            }
        });
        if (body is null) return ErrorPlan(c, r, 500); // the file shrank while its ranges were read
        var plan = new ResponsePlan(206) { Body = body, BodyLength = body.Length };
        plan.KeepAlive = KeepsAlive(c, r, 206, out int left);
        HeadWriter w = ResponseHead<TConfig>.Begin(_out, 206, _site.ServerHeader);
        w.Field("Last-Modified"u8, lastModified);
        if (etag.Length > 0) w.Field("ETag"u8, etag); // none with FileETag None
        w.Field("Accept-Ranges"u8, "bytes"u8);
        w.Field("Content-Length"u8, body.Length);
        w.Field("Content-Type"u8, MultipartByteranges.ContentType);
        ApplyHeaders(ref w, error: false);
        ResponseHead<TConfig>.End(ref w, r, plan.KeepAlive, left);
        plan.Length = w.Length;
        return plan;
    }

    /// <summary>mod_dir's redirect of "/dir" to "/dir/", keeping the query.</summary>
    private ResponsePlan RedirectToDirectory(Connection c, HttpRequest r, ReadOnlySpan<byte> target)
    {
        var plan = new ResponsePlan(301);
        plan.KeepAlive = KeepsAlive(c, r, 301, out int left);
        int query = target.IndexOf((byte)'?');
        ReadOnlySpan<byte> path = query < 0 ? target : target.Slice(0, query);
        if (path.Length > 0 && path[0] != (byte)'/')
        {
            int scheme = path.IndexOf("://"u8);
            int slash = scheme < 0 ? -1 : path.Slice(scheme + 3).IndexOf((byte)'/');
            path = slash < 0 ? "/"u8 : path.Slice(scheme + 3 + slash);
        }
        HeadWriter w = ResponseHead<TConfig>.Begin(_out, 301, _site.ServerHeader);
        w.Append("Location: "u8);
        w.Append(path);
        w.Append("/"u8);
        if (query >= 0) w.Append(target.Slice(query));
        w.Append("\r\n"u8);
        w.Field("Content-Length"u8, 0);
        ApplyHeaders(ref w, error: true); // httpd sends mod_dir's redirect as an error answer
        ResponseHead<TConfig>.End(ref w, r, plan.KeepAlive, left);
        plan.Length = w.Length;
        return plan;
    }
}
