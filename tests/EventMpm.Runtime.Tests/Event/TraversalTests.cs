using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>
/// A path-traversal corpus against a running server with a secret beside its DocumentRoot:
/// encoded dots, double encoding, overlong UTF-8, backslashes, NUL, absolute-form targets and
/// symbolic links. Whatever the status, the secret is never in a response.
/// </summary>
public sealed class TraversalTests
{
    private const string Secret = "TOP-SECRET-7f3a";

    public static TheoryData<string> Targets() => new()
    {
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt",
        "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/%2e%2e%5csecret.txt",
        "/%252e%252e/secret.txt", "/%25%32%65%25%32%65/secret.txt", "/%c0%ae%c0%ae/secret.txt", "/%e0%80%ae%e0%80%ae/secret.txt",
        "/%c0%af../secret.txt", "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/sub/..%2f..%2fsecret.txt",
        "//../secret.txt", "/./../secret.txt", "/.../secret.txt", "/....//secret.txt", "/..;/secret.txt",
        "/secret.txt%00.html", "/..%00/secret.txt", "/%00../secret.txt", "/abs-link.txt", "/rel-link.txt", "/sub/rel-link.txt",
        "http://localhost/../secret.txt", "http://localhost/%2e%2e/secret.txt", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%252fsecret.txt", "/%u002e%u002e/secret.txt", "/..%c0%afsecret.txt", "/%ef%bc%8e%ef%bc%8e/secret.txt",
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void Nothing_outside_DocumentRoot_is_ever_served(string target)
    {
        using var server = new TestServer<QuickConfig>();
        string secret = Path.Combine(Path.GetDirectoryName(server.Root)!, "secret.txt");
        bool created = !File.Exists(secret);
        if (created) File.WriteAllText(secret, Secret);
        try
        {
            string abs = Path.Combine(server.Root, "abs-link.txt");
            if (!File.Exists(abs)) File.CreateSymbolicLink(abs, secret);
            File.CreateSymbolicLink(Path.Combine(server.Root, "rel-link.txt"), "../secret.txt");
            File.CreateSymbolicLink(Path.Combine(server.Root, "sub", "rel-link.txt"), "../../secret.txt");

            using Socket s = server.Connect();
            s.Send(Encoding.Latin1.GetBytes("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
            var response = new MemoryStream();
            var buffer = new byte[65536];
            int n;
            while ((n = s.Receive(buffer)) > 0) response.Write(buffer, 0, n);
            string text = Encoding.Latin1.GetString(response.ToArray());
            Assert.StartsWith("HTTP/1.1 ", text);
            Assert.DoesNotContain(Secret, text);
            Assert.DoesNotContain("root:", text); // /etc/passwd
            Assert.DoesNotMatch("^HTTP/1.1 200", text);
        }
        finally
        {
            if (created) File.Delete(secret);
        }
    }
}
