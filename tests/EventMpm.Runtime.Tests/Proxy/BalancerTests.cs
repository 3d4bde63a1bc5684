using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using EventMpm.Configuration;
using EventMpm.Runtime.Tests.Event;
using Xunit;

namespace EventMpm.Runtime.Tests.Proxy;

/// <summary>
/// balancer:// over real sockets: byrequests shares the requests by loadfactor, bybusyness sends
/// them to the member with the fewest in progress, a member that refuses a connection is passed
/// over (the request fails over to another, and later ones skip it for retry= seconds), and a
/// balancer with every member down answers 503.
/// </summary>
public sealed class BalancerTests : IDisposable
{
    private readonly TestBackend _a = new(_ => TestBackend.Response(200, "a"));
    private readonly TestBackend _b = new(_ => TestBackend.Response(200, "b"));
    private readonly TestServer<ProxyConfig> _proxy;

    public BalancerTests()
    {
        string a = "http://127.0.0.1:" + _a.Port, b = "http://127.0.0.1:" + _b.Port;
        string dead = "http://127.0.0.1:" + DeadPort(), deadToo = "http://127.0.0.1:" + DeadPort();
        _proxy = new TestServer<ProxyConfig>(d => d with
        {
            ProxyPass = new EquatableArray<ProxyRoute>([new("/rr", "balancer://rr/base"), new("/failover", "balancer://failover"),
                new("/none", "balancer://none"), new("/busy", "balancer://busy")]),
            BalancerMember = new EquatableArray<BalancerMember>([
                new("balancer://rr", a + "/m", LoadFactor: 1), new("balancer://rr", b, LoadFactor: 3),
                new("balancer://failover", dead), new("balancer://failover", a),
                new("balancer://none", dead), new("balancer://none", deadToo),
                new("balancer://busy", a, Timeout: 10_000), new("balancer://busy", b, Timeout: 10_000)]),
            ProxySet = new EquatableArray<BalancerSet>([new("balancer://busy", LbMethod: "bybusyness")]),
            ProxyPassReverse = new EquatableArray<ProxyReverse>([new("/rr", "balancer://rr/base")]),
        });
    }

    /// <summary>A port nobody listens on once the socket that had it is closed.</summary>
    private static int DeadPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        _proxy.Dispose();
        _a.Dispose();
        _b.Dispose();
    }

    private (int Status, string Body) Get(string path)
    {
        using Socket s = _proxy.Connect();
        Wire.Send(s, Wire.Get(path));
        var r = Wire.ReadOne(s);
        return (r.Status, Encoding.ASCII.GetString(r.Body));
    }

    [Fact]
    public void Byrequests_shares_requests_by_loadfactor_with_each_members_path_before_the_balancers()
    {
        string[] answers = Enumerable.Range(0, 8).Select(i => Get("/rr/x" + i)).Select(r => r.Status + r.Body).ToArray();

        // Weighted round robin, 1:3, spread out rather than in runs: b b a b, b b a b.
        Assert.Equal(new[] { "200b", "200a", "200b", "200b", "200b", "200a", "200b", "200b" }, answers);
        Assert.Equal(new[] { "GET /m/base/x1 HTTP/1.1", "GET /m/base/x5 HTTP/1.1" }, _a.Requests.Select(r => r.RequestLine).ToArray());
        Assert.Equal("GET /base/x0 HTTP/1.1", _b.Requests.First().RequestLine);
        Assert.Equal("127.0.0.1:" + _a.Port, _a.Requests.First().Field("Host")); // the member's own address
    }

    [Fact]
    public void ProxyPassReverse_on_a_balancer_rewrites_a_members_redirect()
    {
        _b.Answer = _ => TestBackend.Response(302, "", "Location: http://127.0.0.1:" + _b.Port + "/base/elsewhere\r\n");
        using Socket s = _proxy.Connect();
        Wire.Send(s, Wire.Get("/rr/x"));
        var r = Wire.ReadOne(s); // byrequests gives the first request to b (loadfactor 3)
        Assert.Equal(302, r.Status);
        Assert.Contains("Location: http://localhost/rr/elsewhere\r\n", r.Head + "\r\n");
    }

    [Fact]
    public void A_member_that_refuses_is_failed_over_at_once_and_skipped_afterwards()
    {
        for (int i = 0; i < 4; i++) Assert.Equal((200, "a"), Get("/failover/" + i));

        Assert.Equal(4, _a.Requests.Count);
        Assert.Equal("/0", _a.Requests.First().RequestLine.Split(' ')[1]);
    }

    [Fact]
    public void A_balancer_whose_members_all_refuse_answers_503_and_the_server_goes_on()
    {
        Assert.Equal(503, Get("/none/x").Status);
        Assert.Equal(503, Get("/none/y").Status); // both in error now: refused without a connect
        Assert.Equal((200, "a"), Get("/failover/after"));
    }

    [Fact]
    public void Bybusyness_sends_a_request_to_the_member_with_fewer_in_progress()
    {
        using var release = new ManualResetEventSlim();
        _a.Answer = r =>
        {
            if (r.RequestLine.Contains("/slow")) release.Wait(TimeSpan.FromSeconds(10));
            return TestBackend.Response(200, "a");
        };
        using Socket slow = _proxy.Connect();
        Wire.Send(slow, Wire.Get("/busy/slow")); // a tie: the first member, a, takes it and keeps it
        Assert.True(SpinWait.SpinUntil(() => _a.Requests.Any(), 5_000));

        // While a holds one, b has none: bybusyness gives b every request (byrequests would alternate).
        Assert.Equal((200, "b"), Get("/busy/1"));
        Assert.Equal((200, "b"), Get("/busy/2"));
        Assert.Equal((200, "b"), Get("/busy/3"));

        release.Set();
        Assert.Equal(200, Wire.ReadOne(slow).Status);
    }
}
