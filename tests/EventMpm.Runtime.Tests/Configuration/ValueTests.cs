using System.Linq;
using EventMpm.Configuration;

namespace EventMpm.Runtime.Tests.Configuration;

/// <summary>Directive values: what is read, what is refused, and httpd's defaults.</summary>
public sealed class ValueTests
{
    private static ServerSettings Clean(string conf)
    {
        ConfigResult result = MemoryFileSource.Compile("Listen 80\n" + conf);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Settings;
    }

    private static ConfigDiagnostic Error(string conf)
        => Assert.Single(MemoryFileSource.Compile("Listen 80\n" + conf).Diagnostics, d => d.Level == DiagnosticLevel.Error);

    [Fact]
    public void Defaults_are_httpds()
    {
        ServerSettings s = Clean("");
        Assert.Equal((3, 75, 250, 16, 64, 25, 400, 2), (s.StartServers, s.MinSpareThreads, s.MaxSpareThreads, s.ServerLimit, s.ThreadLimit, s.ThreadsPerChild, s.MaxRequestWorkers, s.AsyncRequestWorkerFactor));
        Assert.Equal((511, 0, 2048, 0, 0, 0), (s.ListenBacklog, s.MaxConnectionsPerChild, s.MaxMemFree, s.SendBufferSize, s.ReceiveBufferSize, s.ThreadStackSize));
        Assert.True(s.DeferAccept); // AcceptFilter http data, httpd's default on Linux
        Assert.Equal((true, 5_000, 100, 60_000, 0), (s.KeepAlive, s.KeepAliveTimeoutMilliseconds, s.MaxKeepAliveRequests, s.TimeoutMilliseconds, s.GracefulShutdownTimeout));
        Assert.Equal((8190, 8190, 100, 1073741824L), (s.LimitRequestLine, s.LimitRequestFieldSize, s.LimitRequestFields, s.LimitRequestBody));
        Assert.Equal((0, 20, 40, 500, 20, 0, 500), (s.RequestReadHandshakeTimeout, s.RequestReadHeaderTimeout, s.RequestReadHeaderMaxTimeout, s.RequestReadHeaderMinRate, s.RequestReadBodyTimeout, s.RequestReadBodyMaxTimeout, s.RequestReadBodyMinRate));
        Assert.Equal(LogLevel.Warn, s.LogLevel);
        Assert.Equal(new[] { "index.html" }, s.DirectoryIndex);
        Assert.Equal(("htdocs", "logs/httpd.pid", "logs/error_log"), (s.Deployment.DocumentRoot, s.Deployment.PidFile, s.Deployment.ErrorLog));
    }

    [Theory]
    [InlineData("5", 5_000)]
    [InlineData("100ms", 100)]
    [InlineData("3s", 3_000)]
    [InlineData("2mi", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0", 0)]
    public void Timeouts_take_httpds_units(string text, int milliseconds)
        => Assert.Equal(milliseconds, Clean("KeepAliveTimeout " + text + "\n").KeepAliveTimeoutMilliseconds);

    [Theory]
    [InlineData("5x", "unknown unit 'x'")]
    [InlineData("-1", "must not be negative")]
    [InlineData("ms", "is not a duration")]
    public void Bad_timeouts_are_refused(string text, string message)
        => Assert.Contains(message, Error("Timeout " + text + "\n").Message);

    [Theory]
    [InlineData("8080", "", 8080)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("*:8080", "", 8080)]
    [InlineData("[::1]:8443", "::1", 8443)]
    [InlineData("web.example:80", "web.example", 80)]
    public void Listen_reads_httpds_address_forms(string text, string host, int port)
        => Assert.Equal(new ListenAddress(host, port), MemoryFileSource.Compile("Listen " + text + "\n").Settings.Deployment.Listen.Single());

    [Theory]
    [InlineData("Listen 0", "EMPM004")]
    [InlineData("Listen ::1:80", "EMPM005")]
    [InlineData("Listen 300.1.1.1:80", "EMPM005")]
    [InlineData("Listen 8080 ftp", "EMPM017")]
    [InlineData("Listen 8080 https", "EMPM045")]
    [InlineData("ListenBacklog 0", "EMPM004")]
    [InlineData("SendBufferSize 100", "EMPM004")]
    [InlineData("ReceiveBufferSize 511", "EMPM004")]
    [InlineData("ReceiveBufferSize -1", "EMPM004")]
    [InlineData("AcceptFilter http", "EMPM002")]
    [InlineData("ListenCoresBucketsRatio 0", "EMPM004")]
    [InlineData("ListenCoresBucketsRatio 2", "EMPM017")]
    [InlineData("LimitRequestBody 3000000000", "EMPM004")]
    [InlineData("ThreadStackSize -1", "EMPM004")]
    [InlineData("AsyncRequestWorkerFactor 0", "EMPM004")]
    [InlineData("AsyncRequestWorkerFactor two", "EMPM003")]
    [InlineData("User \"a b\"", "EMPM005")]
    [InlineData("Group #x", "EMPM005")]
    [InlineData("ServerName http://", "EMPM005")]
    [InlineData("LogLevel loud", "EMPM005")]
    [InlineData("LogLevel ssl:debug", "EMPM024")]
    [InlineData("LogFormat \"%h %Z\" broken", "EMPM005")]
    [InlineData("CustomLog logs/a \"%h\" env=!nolog", "EMPM017")]
    [InlineData("AddType textplain .txt", "EMPM005")]
    [InlineData("DirectoryIndex index.html disabled", "EMPM005")]
    [InlineData("RequestReadTimeout header=10-20", "EMPM005")]
    [InlineData("RequestReadTimeout header=20-10,MinRate=5", "EMPM005")]
    [InlineData("RequestReadTimeout handshake=1 trailer=5", "EMPM005")]
    [InlineData("SetHandler server-status", "EMPM015")]
    [InlineData("<Location /x>\nSetHandler cgi-script\n</Location>", "EMPM005")]
    [InlineData("<Location relative>\n</Location>", "EMPM005")]
    [InlineData("Define a:b 1", "EMPM005")]
    public void Bad_values_are_errors(string conf, string id)
        => Assert.Equal(id, Error(conf + "\n").Id);

    [Fact]
    public void Values_httpd_accepts()
    {
        ServerSettings s = Clean("SendBufferSize 512\nUser #1000\nGroup www-data\nServerName https://www.example.org:8443\nLogLevel info core:debug\n"
            + "AddType text/x-foo .foo BAR\nDirectoryIndex disabled\nRequestReadTimeout header=10-20,MinRate=100 body=5\n");
        Assert.Equal(512, s.SendBufferSize);
        Assert.Equal(("#1000", "www-data"), (s.Deployment.User, s.Deployment.Group));
        Assert.Equal(LogLevel.Info, s.LogLevel);
        Assert.Equal(new[] { new MimeMapping("foo", "text/x-foo"), new MimeMapping("bar", "text/x-foo") }, s.AddType);
        Assert.Empty(s.DirectoryIndex);
        // body=5 without MinRate: mod_reqtimeout gives that stage no rate extension.
        Assert.Equal((10, 20, 100, 5, 0, 0), (s.RequestReadHeaderTimeout, s.RequestReadHeaderMaxTimeout, s.RequestReadHeaderMinRate, s.RequestReadBodyTimeout, s.RequestReadBodyMaxTimeout, s.RequestReadBodyMinRate));
    }

    [Theory]
    [InlineData("AcceptFilter http none", false)]
    [InlineData("AcceptFilter HTTP None", false)]
    [InlineData("AcceptFilter http data", true)]
    [InlineData("AcceptFilter http httpready", true)] // on Linux any filter but none is TCP_DEFER_ACCEPT
    [InlineData("AcceptFilter http none\nAcceptFilter http data", true)]
    public void AcceptFilter_for_http_turns_deferred_accept_on_or_off(string conf, bool deferred)
        => Assert.Equal(deferred, Clean(conf + "\n").DeferAccept);

    [Fact]
    public void AcceptFilter_for_another_protocol_is_read_and_said_to_change_nothing()
    {
        ConfigResult result = MemoryFileSource.Compile("Listen 80\nAcceptFilter https none\n");
        Assert.False(result.HasErrors);
        Assert.True(result.Settings.DeferAccept);
        ConfigDiagnostic said = Assert.Single(result.Diagnostics, d => d.Id == "EMPM034");
        Assert.Equal(2, said.Location.Line);
        Assert.Contains("plain http only", said.Message);
    }

    [Fact]
    public void ReceiveBufferSize_is_read_as_SendBufferSize_is()
        => Assert.Equal((4096, 0), (Clean("ReceiveBufferSize 4096\nSendBufferSize 0\n").ReceiveBufferSize, Clean("ReceiveBufferSize 0\n").ReceiveBufferSize));

    [Fact]
    public void CustomLog_resolves_nicknames_including_httpds_shipped_ones()
    {
        ServerSettings s = Clean("LogFormat \"%h %>s %D\" timing\nCustomLog logs/t timing\nCustomLog logs/c combined\nCustomLog logs/i \"%h %{User-Agent}i\"\n");
        Assert.Equal(new[] { "%h %>s %D", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"", "%h %{User-Agent}i" }, s.Deployment.CustomLog.Select(c => c.Format));
    }

    [Fact]
    public void The_worker_factor_is_whole_as_httpd_uses_it()
    {
        ConfigResult result = MemoryFileSource.Compile("Listen 80\nAsyncRequestWorkerFactor 2.7\n");
        Assert.Equal(2, result.Settings.AsyncRequestWorkerFactor);
        Assert.Contains(result.Diagnostics, d => d.Id == "EMPM063" && d.Message.Contains("2.7 acts as 2"));
        Assert.Equal(1, MemoryFileSource.Compile("Listen 80\nAsyncRequestWorkerFactor 0.5\n").Settings.AsyncRequestWorkerFactor);
    }

    [Fact]
    public void Httpds_clamps_run_in_httpds_order()
    {
        // An observed httpd -t run (event.c: event_check_config()): AH00497, AH00507, AH00513, AH00517, AH00519.
        ConfigResult result = MemoryFileSource.Compile("Listen 80\nThreadLimit 64\nThreadsPerChild 100\nMaxRequestWorkers 401\nServerLimit 30000\nStartServers 0\nMinSpareThreads 0\n");
        Assert.Equal(new[] { "EMPM050", "EMPM054", "EMPM057", "EMPM059", "EMPM060" },
            result.Diagnostics.Where(d => d.Level == DiagnosticLevel.Warning).Select(d => d.Id));
        Assert.Contains("decreasing to nearest multiple 384, for a maximum of 6 servers.", result.Diagnostics.Single(d => d.Id == "EMPM057").Message);
        ServerSettings s = result.Settings;
        Assert.Equal((20000, 64, 384, 1, 1), (s.ServerLimit, s.ThreadsPerChild, s.MaxRequestWorkers, s.StartServers, s.MinSpareThreads));
    }

    [Fact]
    public void Capacity_is_the_seeds_arithmetic()
    {
        ServerSettings s = Clean("ThreadsPerChild 25\nMaxRequestWorkers 150\nAsyncRequestWorkerFactor 3\n");
        Assert.Equal((6, 600L), (s.MaxProcesses, s.MaxConnections));
    }

    [Theory]
    [InlineData("", TlsVersions.Tls12, TlsVersions.Tls13)]
    [InlineData("SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1", TlsVersions.Tls12, TlsVersions.Tls13)]
    [InlineData("SSLProtocol -all +TLSv1.3", TlsVersions.Tls13, TlsVersions.Tls13)]
    [InlineData("SSLProtocol TLSv1.2", TlsVersions.Tls12, TlsVersions.Tls12)]
    [InlineData("SSLProtocol TLSv1.1 +TLSv1.2", TlsVersions.Tls11, TlsVersions.Tls12)]
    [InlineData("SSLProtocol tlsv1.2 TLSV1.3", TlsVersions.Tls13, TlsVersions.Tls13)] // a bare word replaces, as mod_ssl reads it
    public void SSLProtocol_is_read_as_mod_ssl_reads_it(string line, int min, int max)
    {
        ServerSettings s = MemoryFileSource.Compile("Listen 80\n" + line + "\n").Settings;
        Assert.Equal((min, max), (s.SSLProtocolMin, s.SSLProtocolMax));
    }

    [Fact]
    public void The_TLS_policy_directives_set_what_the_context_is_made_from()
    {
        ServerSettings s = Clean("SSLCipherSuite ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE+CHACHA20:!aNULL:@STRENGTH\nSSLCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256\n"
            + "SSLHonorCipherOrder off\nSSLSessionTickets off\nSSLSessionCacheTimeout 600\nSSLCompression off\nProtocols http/1.1\n"
            + "SSLOpenSSLConfCmd Groups X25519:P-256\nSSLOpenSSLConfCmd Options -SessionTicket\n");
        Assert.Equal(("ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE+CHACHA20:!aNULL:@STRENGTH", "TLS_CHACHA20_POLY1305_SHA256"), (s.SSLCipherSuite, s.SSLCipherSuiteTls13));
        Assert.Equal((false, false, 600), (s.SSLHonorCipherOrder, s.SSLSessionTickets, s.SSLSessionCacheTimeout));
        Assert.Equal("Groups X25519:P-256\nOptions -SessionTicket\n", s.SSLOpenSSLConfCmd);
        Assert.Equal(("", "ECDHE+AESGCM:ECDHE+CHACHA20", true, true, 300), (Clean("").SSLCipherSuiteTls13, Clean("").SSLCipherSuite, Clean("").SSLHonorCipherOrder, Clean("").SSLSessionTickets, Clean("").SSLSessionCacheTimeout));
    }

    [Theory]
    [InlineData("SSLCipherSuite HIGH:!aNULL:!MD5:!RC4:!3DES:!EXPORT")] // old Mozilla lists: exclusions of what OpenSSL 3 no longer has
    [InlineData("SSLCipherSuite SSL DEFAULT@SECLEVEL=2")]
    [InlineData("SSLCipherSuite EECDH+AESGCM:EDH+AESGCM")]
    [InlineData("SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384")]
    public void Cipher_strings_people_write_are_accepted(string line)
    {
        ConfigResult result = MemoryFileSource.Compile("Listen 80\n" + line + "\n");
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
    }
}
