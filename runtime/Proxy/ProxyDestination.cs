using System;
using EventMpm.Configuration;

namespace EventMpm.Proxy;

/// <summary>
/// Where one ProxyPass line sends its requests: a single backend, or a balancer's members; with
/// the path the backend's target starts with (a single backend's URL path; for a balancer, the
/// path written after balancer://name, behind each member's own, as mod_proxy_balancer's rewrite_url()).
/// </summary>
internal sealed class ProxyDestination
{
    private readonly Backend? _single;

    public ProxyDestination(ProxyRoute route, Backend single, string path)
    {
        Route = route;
        _single = single;
        Path = path;
    }

    public ProxyDestination(ProxyRoute route, Balancer balancer, string path)
    {
        Route = route;
        Balancer = balancer;
        Path = path;
    }

    public ProxyRoute Route { get; }

    public Balancer? Balancer { get; }

    public string Path { get; }

    /// <summary>The backend for the next request, or null when it (or every member) is in error.</summary>
    public Backend? Pick(long now, ulong tried = 0)
    {
        if (Balancer is not null) return Balancer.Pick(now, tried);
        return _single!.InError(now) ? null : _single;
    }

    /// <summary>The backend's target path before the rest of the client's path: the member's URL path, then this line's.</summary>
    public string TargetPath(Backend backend)
    {
        if (Balancer is null || backend.Url.Path.Length == 0) return Path;
        if (Path.Length == 0) return backend.Url.Path;
        return backend.Url.Path.TrimEnd('/') + (Path.StartsWith('/') ? Path : "/" + Path);
    }

    public Backend? Single => _single;
}
