using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using EventMpm.Logging;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>Access log lines: the formats' fields, and the file a running server writes.</summary>
public sealed class AccessLogTests
{
    private static string Line(string format, string head, int status = 200, long body = 1234, bool keepAlive = true)
    {
        var buffer = new LineBuffer(256);
        var facts = new RequestFacts
        {
            Head = Encoding.ASCII.GetBytes(head),
            Client = "192.0.2.7"u8,
            Status = status,
            BodyBytes = body,
            SentBytes = body + 200,
            ReceivedBytes = head.Length,
            Microseconds = 2_345_678,
            KeepAlive = keepAlive,
            KeepAliveCount = 3,
            ServerName = "www.example.org"u8,
        };
        AccessLogFormat.Compile(format).Append(buffer, facts);
        return Encoding.ASCII.GetString(buffer.Written);
    }

    private const string Head = "GET /a/b.html?x=1 HTTP/1.1\r\nHost: www.example.org\r\nReferer: http://r.example/\r\nuser-agent: curl/8.5\r\n\r\n";

    [Fact]
    public void Combined_is_the_common_log_format_with_referer_and_user_agent()
    {
        string line = Line(LogFormatParser.Predefined[1].Format, Head);
        Assert.Matches(@"^192\.0\.2\.7 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] ""GET /a/b.html\?x=1 HTTP/1.1"" 200 1234 ""http://r.example/"" ""curl/8.5""\n$", line);
    }

    [Theory]
    [InlineData("%b", "-")]            // no body: CLF's dash
    [InlineData("%B", "0")]
    [InlineData("%D %T %{ms}T", "2345678 2 2345")]
    [InlineData("%m %U %q %H", "GET /a/b.html ?x=1 HTTP/1.1")]
    [InlineData("%{Host}i %{X-None}i", "www.example.org -")]
    [InlineData("%>s %k %X %v", "304 3 + www.example.org")]
    [InlineData("100%% %{FOO}e %f", "100% - -")]
    [InlineData("%I %O", "103 200")]
    public void Fields_are_mod_log_configs(string format, string expected)
        => Assert.Equal(expected + "\n", Line(format, Head, status: 304, body: 0));

    [Fact]
    public void A_running_server_writes_one_line_per_request_to_the_file()
    {
        string log = Path.Combine(Path.GetTempPath(), "eventmpm-access-" + Guid.NewGuid().ToString("N")[..8] + ".log");
        try
        {
            using (var server = new TestServer<QuickConfig>(d => d with { CustomLog = new EquatableArray<CustomLogSpec>(new[] { new CustomLogSpec(log, LogFormatParser.Common) }) }))
            {
                using Socket s = server.Connect();
                for (int i = 0; i < 50; i++)
                {
                    Wire.Send(s, Wire.Get("/hello.txt"));
                    Assert.Equal(200, Wire.ReadOne(s).Status);
                }
                Wire.Send(s, Wire.Get("/nope"));
                Assert.Equal(404, Wire.ReadOne(s).Status);
                Wire.Send(s, "GET /x HTTP/1.1\r\nBad Header\r\n\r\n");
                Assert.Equal(400, Wire.ReadOne(s).Status);
            }
            // Each worker hands over its own lines, so lines of different workers need not be in
            // the order the requests were answered (as with httpd's BufferedLogs).
            string[] lines = File.ReadAllLines(log);
            Assert.Equal(52, lines.Length);
            Assert.Equal(50, lines.Count(l => l.EndsWith("\"GET /hello.txt HTTP/1.1\" 200 14")));
            Assert.Single(lines, l => l.Contains("\"GET /nope HTTP/1.1\" 404 "));
            Assert.Single(lines, l => l.Contains("\"-\" 400 ")); // a head that could not be read has no request line
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public void A_handler_that_reads_a_body_is_logged_with_its_request_line()
    {
        string log = Path.Combine(Path.GetTempPath(), "eventmpm-access-" + Guid.NewGuid().ToString("N")[..8] + ".log");
        try
        {
            using (var server = new TestServer<HandlerConfig>(d => d with { CustomLog = new EquatableArray<CustomLogSpec>(new[] { new CustomLogSpec(log, LogFormatParser.Common) }) }))
            {
                using Socket s = server.Connect();
                // A body that arrives in two parts: reading the second moves the receive buffer over the head.
                string body = new string('b', 900);
                Wire.Send(s, "POST /api/echo?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n384\r\n" + body[..400]);
                System.Threading.Thread.Sleep(100); // the handler reads these, then waits: the buffer is compacted over the head
                Wire.Send(s, body[400..] + "\r\n0\r\n\r\n");
                Assert.Equal(201, Wire.ReadOne(s).Status);
            }
            string[] lines = File.ReadAllLines(log);
            Assert.Single(lines);
            Assert.Contains("\"POST /api/echo?x=1 HTTP/1.1\" 201 ", lines[0]);
        }
        finally
        {
            File.Delete(log);
        }
    }
}
