using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace EventMpm.EndToEnd.Tests.Conformance;

/// <summary>What a server did with one case, and whether that is what the case expects.</summary>
public sealed record CaseOutcome(CorpusCase Case, bool Passed, bool Waiting, string Outcome, string Why)
{
    public override string ToString() => $"{Case.Id} ({Case.Name}): {Outcome}; {Why}";
}

/// <summary>
/// Sends a corpus case's bytes on a fresh connection, collects every byte the server answers until
/// it closes or stays silent for a second, reads the answers as a strict client, and judges them.
/// </summary>
public static class CorpusReplay
{
    /// <summary>Follows a case on its connection; a file that does not exist, so its answer is a 404 the case cannot have asked for.</summary>
    private static readonly byte[] FollowUp = Encoding.ASCII.GetBytes("GET /__follow-up__ HTTP/1.1\r\nHost: localhost\r\n\r\n");

    // Statuses that refuse a request's syntax or framing (RFC 9110 §15.5, §15.6.6); 501 refuses
    // framing only for a Transfer-Encoding the server does not know, otherwise it answers a method.
    private static readonly HashSet<int> Refusals = [400, 408, 411, 413, 414, 417, 431, 505];

    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1), Total = TimeSpan.FromSeconds(8), Pause = TimeSpan.FromMilliseconds(300);

    /// <param name="tls">Over TLS: the case's bytes are the plaintext of records, as a browser's would be.</param>
    public static async Task<CaseOutcome> RunAsync(int port, CorpusCase c, bool tls = false)
    {
        bool followUp = c.WantsFollowUp;
        (byte[] data, bool closed) = tls ? await ExchangeOverTlsAsync(port, c, followUp) : Exchange(port, c, followUp);
        return Judge(c, data, closed, followUp);
    }

    private static (byte[] Data, bool Closed) Exchange(int port, CorpusCase c, bool followUp)
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.Connect("127.0.0.1", port);
        var data = new MemoryStream();
        bool closed = false;
        try
        {
            s.Send(c.Bytes);
            if (followUp)
            {
                // Whatever the case's bytes bring first, then the follow-up in a segment of its own.
                closed = Collect(s, data, Pause, Pause);
                if (!closed) s.Send(FollowUp);
            }
            if (c.HalfClose) s.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            closed = true; // the server reset the connection while we sent
        }
        if (!closed) closed = Collect(s, data, Idle, Total);
        return (data.ToArray(), closed);
    }

    /// <summary>
    /// The same exchange inside TLS: a half close is close_notify and then the TCP FIN, and the
    /// server's close is its close_notify or its FIN. Asynchronous all through: SslStream's reads
    /// complete on the thread pool, and cases that blocked pool threads waiting for them starved
    /// the very continuations they waited for (answers the server had sent, judged missing). One
    /// read is kept pending across waits (a read abandoned at a timeout leaves the stream unusable).
    /// </summary>
    private static async Task<(byte[] Data, bool Closed)> ExchangeOverTlsAsync(int port, CorpusCase c, bool followUp)
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync("127.0.0.1", port);
        using var tls = new System.Net.Security.SslStream(new NetworkStream(s, ownsSocket: false), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        var data = new MemoryStream();
        var buffer = new byte[65536];
        Task<int>? pending = null;
        async Task<bool> Collect(TimeSpan idle, TimeSpan total)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < total)
            {
                pending ??= tls.ReadAsync(buffer, 0, buffer.Length);
                if (await Task.WhenAny(pending, Task.Delay(idle)) != pending) return false;
                int n;
                try
                {
                    n = await pending;
                }
                catch (Exception e) when (e is IOException or SocketException)
                {
                    return true; // reset, or a broken record: closed
                }
                finally
                {
                    pending = null;
                }
                if (n == 0) return true;
                data.Write(buffer, 0, n);
            }
            return false;
        }
        bool closed = false;
        try
        {
            await tls.WriteAsync(c.Bytes);
            if (followUp)
            {
                closed = await Collect(Pause, Pause);
                if (!closed) await tls.WriteAsync(FollowUp);
            }
            if (c.HalfClose)
            {
                await tls.ShutdownAsync();
                s.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            closed = true; // the server closed or reset the connection while we sent
        }
        if (!closed) closed = await Collect(Idle, Total);
        s.Close(); // ends a read still pending
        try { if (pending is not null) await pending; } catch (Exception) { } // however the closed socket ends it: the answer is in
        return (data.ToArray(), closed);
    }

    /// <summary>Reads until the server closes (true), is silent for <paramref name="idle"/>, or <paramref name="total"/> passes.</summary>
    private static bool Collect(Socket s, MemoryStream data, TimeSpan idle, TimeSpan total)
    {
        var clock = Stopwatch.StartNew();
        var buffer = new byte[65536];
        while (clock.Elapsed < total)
        {
            if (!s.Poll(idle, SelectMode.SelectRead)) return false;
            int n;
            try
            {
                n = s.Receive(buffer);
            }
            catch (SocketException)
            {
                return true; // reset
            }
            if (n == 0) return true;
            data.Write(buffer, 0, n);
        }
        return false;
    }

    public static CaseOutcome Judge(CorpusCase c, byte[] data, bool closed, bool followUp)
    {
        var statuses = new List<int>();
        string? fault = null;
        var methods = new Queue<string>(c.Methods);
        var reader = new ResponseReader(new MemoryStream(data));
        if (data.Length > 0 && !data.AsSpan().StartsWith("HTTP/"u8))
        {
            // HTTP/0.9's answer is a bare body; to anything else, bytes that are no response are a fault.
            if (!c.IsHttp09) fault = "answered with bytes that are not a response: " + Show(data);
        }
        else
        {
            try
            {
                while (!reader.AtEnd)
                {
                    HttpResponse r = reader.Read(methods.Count > 0 ? methods.Dequeue() : "GET");
                    statuses.Add(r.Status);
                }
            }
            catch (ProtocolViolation e)
            {
                fault = "a malformed answer: " + e.Message;
            }
        }
        bool te = c.HasField("transfer-encoding");
        bool Refuses(int status) => Refusals.Contains(status) || (status == 501 && te);
        int accepted = statuses.Count(s => !Refuses(s)), refused = statuses.Count(Refuses);
        string outcome = (statuses.Count == 0 ? "-" : string.Join(",", statuses)) + (closed ? "|closed" : "|open");
        int followed = followUp ? 1 : 0;

        if (fault is not null) return new CaseOutcome(c, false, false, outcome, fault);
        switch (c.Expect)
        {
            case Expectation.Accept:
            {
                int want = Math.Max(c.Complete, 1);
                // When the follow-up is answered it must be its own 404: an answer that is not shows the
                // server read the follow-up as part of the case (a body it should not have seen, or the reverse).
                bool followUpRight = accepted <= want || statuses[^1] == 404;
                bool ok = refused == 0 && accepted >= want && accepted <= want + followed && followUpRight;
                return new CaseOutcome(c, ok, false, outcome, $"want {want} accepting answer(s)" + (followUp ? " and the follow-up's 404 unless closed" : ""));
            }
            case Expectation.Reject:
            {
                int before = c.Complete;
                string why = $"want a refusal or a close after {before} accepted";
                if (accepted <= before && (refused >= 1 || closed)) return new CaseOutcome(c, true, false, outcome, why);
                // Still waiting for bytes that would complete the fault: not scored.
                if (accepted == before && refused == 0 && !closed) return new CaseOutcome(c, true, true, outcome, why);
                // Answered before reading a body it then refused (a 404 or 405 at once), then refused
                // to go on: closed, refused, or left the follow-up unanswered.
                if (c.HasBody && followUp && accepted == before + 1) return new CaseOutcome(c, true, false, outcome, why);
                return new CaseOutcome(c, false, false, outcome, why);
            }
            case Expectation.AcceptThenClose:
            {
                int want = Math.Max(c.Complete, 1);
                return new CaseOutcome(c, refused == 0 && accepted == want && closed, false, outcome, $"want {want} accepting answer(s), then a close");
            }
            case Expectation.IncompleteBody:
            case Expectation.IncompleteHeaders:
            {
                int want = c.Complete;
                // A server may answer a request whose body is still coming (and then discard the body).
                int most = want + (c.Expect == Expectation.IncompleteBody ? 1 : 0);
                return new CaseOutcome(c, refused == 0 && accepted >= want && accepted <= most, false, outcome, $"want {want} answer(s), then waiting");
            }
            default:
                return new CaseOutcome(c, true, false, outcome, "not scored: a well-formed answer or a close is enough");
        }
    }

    private static string Show(byte[] data) => "'" + Encoding.Latin1.GetString(data, 0, Math.Min(data.Length, 40)).Replace("\r", "\\r").Replace("\n", "\\n") + "'";

    /// <summary>Runs every case, eight connections at a time, and returns their outcomes in corpus order.</summary>
    public static IReadOnlyList<CaseOutcome> RunAll(int port, IReadOnlyList<CorpusCase> cases, bool tls = false)
    {
        var outcomes = new CaseOutcome[cases.Count];
        Parallel.ForEachAsync(Enumerable.Range(0, cases.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => outcomes[i] = await RunAsync(port, cases[i], tls)).GetAwaiter().GetResult();
        return outcomes;
    }
}
