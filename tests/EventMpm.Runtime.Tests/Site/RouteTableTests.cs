using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Site;
using Xunit;

using EventMpm.Runtime.Tests.Event;

namespace EventMpm.Runtime.Tests.Site;

/// <summary>The compiled lookup gives what httpd's in-order merge of every covering section gives.</summary>
public sealed class RouteTableTests
{
    private static readonly LocationSpec[] Sections =
    {
        new("/", "", "all granted"),
        new("/a", "server-status"),
        new("/a/b", "metrics", "local"),
        new("/a/b/c/", "default-handler"),
        new("/a", "", "all denied"), // a later section for the same path: its Require replaces, its handler is inherited
        new("/x/y", "metrics"),
        new("/é", "server-status"),
    };

    /// <summary>httpd's rule, written the plain way: every section whose path covers the request's, in order.</summary>
    private static (LocationHandler Handler, string? Require) Reference(string path)
    {
        LocationHandler handler = LocationHandler.Files;
        string? require = null;
        foreach (LocationSpec l in Sections)
        {
            string prefix = l.Path.TrimEnd('/');
            if (prefix.Length != 0 && !(path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/'))) continue;
            if (l.Handler.Length != 0) handler = l.Handler switch { "server-status" => LocationHandler.ServerStatus, "metrics" => LocationHandler.Metrics, _ => LocationHandler.Files };
            if (l.Require.Length != 0) require = l.Require;
        }
        return (handler, require);
    }

    private static readonly byte[] Loopback = System.Net.IPAddress.Parse("127.0.0.1").MapToIPv6().GetAddressBytes();
    private static readonly byte[] Remote = System.Net.IPAddress.Parse("10.0.0.1").MapToIPv6().GetAddressBytes();

    [Fact]
    public void Every_path_resolves_as_the_in_order_merge_does()
    {
        var table = new RouteTable(Sections);
        var segments = new[] { "a", "b", "c", "x", "y", "ab", "é", "" };
        var paths = new List<string> { "/" };
        foreach (string s1 in segments)
        {
            foreach (string s2 in segments)
            {
                foreach (string s3 in segments) paths.Add("/" + s1 + "/" + s2 + "/" + s3);
                paths.Add("/" + s1 + "/" + s2);
            }
            paths.Add("/" + s1);
        }
        foreach (string path in paths.Distinct())
        {
            Route route = table.Find(Encoding.UTF8.GetBytes(path));
            var (handler, require) = Reference(path);
            Assert.True(handler == route.Handler, path + ": " + route.Handler + " instead of " + handler);
            Assert.True((require is null) == (route.Rules is null), path + ": rules");
            if (require is null) continue;
            // The three rule sets differ on these two clients.
            Assert.True(route.Rules!.Allows(Loopback) == (require != "all denied"), path + ": " + require + " for 127.0.0.1");
            Assert.True(route.Rules.Allows(Remote) == (require == "all granted"), path + ": " + require + " for 10.0.0.1");
        }
    }

    [Fact]
    public void A_code_handler_is_made_once_however_many_sections_name_it()
    {
        int made = 0;
        var sections = new[] { new LocationSpec("/api", "App.Api"), new LocationSpec("/api/v2", "App.Api"), new LocationSpec("/api/v2/x", "", "local") };
        var table = new RouteTable(sections);
        Assert.True(table.HasCode);
        Assert.Throws<InvalidOperationException>(() => table.CreateHandlers(_ => null)); // a name the configuration does not know
        table.CreateHandlers(name => { made++; return new HelloHandler(); });
        table.CreateHandlers(name => { made++; return new HelloHandler(); }); // made once, however often asked
        Assert.Equal(1, made);
        Route deep = table.Find("/api/v2/x/y"u8);
        Assert.Equal(LocationHandler.Code, deep.Handler);
        Assert.Same(table.Find("/api"u8).Code!.Instance, deep.Code!.Instance);
        Assert.IsType<HelloHandler>(deep.Code.Instance);
    }
}
