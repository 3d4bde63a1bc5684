using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace EventMpm.EndToEnd.Tests;

/// <summary>Starting as an operator does: what the terminal says, what -t checks, whose PidFile it is.</summary>
public sealed partial class ProcessTests
{
    [Fact]
    public void A_foreground_start_that_fails_says_why_on_the_terminal()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int taken = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var server = new MpmServer(site, start: false);

        Tool.Result busy = server.Command($"-C \"Listen 127.0.0.1:{taken}\" -C \"DocumentRoot {server.Docroot}\"");
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains($"AH00072: make_sock: could not bind to address 127.0.0.1:{taken}", busy.Error);

        Tool.Result noRoot = server.Command(server.Arguments + " -C \"DocumentRoot /no/such/dir\"");
        Assert.Equal(1, noRoot.ExitCode);
        Assert.Contains("DocumentRoot '/no/such/dir' is not a directory, or is not readable", noRoot.Error);

        Tool.Result badUser = server.Command(server.Arguments + " -C \"User no-such-user\"");
        Assert.Equal(1, badUser.ExitCode);
        Assert.Contains("AH00543: bad user name no-such-user", badUser.Error);
        Assert.Contains("AH00543: bad user name no-such-user", server.Log); // and in the log, in its format
    }

    [Fact]
    public async System.Threading.Tasks.Task A_foreground_start_says_once_where_it_listens_and_logs()
    {
        using var server = new MpmServer(site, start: false);
        var start = new ProcessStartInfo(server.Binary) { WorkingDirectory = server.Folder, RedirectStandardError = true };
        foreach (string arg in new[] { "-C", $"Listen 127.0.0.1:{server.Port}", "-C", $"DocumentRoot {server.Docroot}" }) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        try
        {
            string? line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal($"MpmSite: serving on 127.0.0.1:{server.Port} (pid {process.Id}); logging to {server.ErrorLog}", line);
            Assert.Equal("<p>MpmSite</p>\n", server.Get("/", out _)); // it said so once it serves
        }
        finally
        {
            MpmServer.Kill(process.Id, 15);
            Assert.True(process.WaitForExit(15_000));
        }
        Assert.Equal("", await process.StandardError.ReadToEndAsync()); // nothing more: the rest is in the log
    }

    [Theory]
    [InlineData("User no-such-user", "AH00543: bad user name no-such-user")]
    [InlineData("Group no-such-group", "AH00544: bad group name no-such-group")]
    [InlineData("DocumentRoot /no/such/dir", "DocumentRoot '/no/such/dir' is not a directory, or is not readable")]
    [InlineData("CoreDumpDirectory /no/such/dir", "CoreDumpDirectory /no/such/dir does not exist")]
    [InlineData("ErrorLog {FILE}/error_log", "AH00091: could not open error log file {FILE}/error_log: {FILE} is not a directory")]
    [InlineData("CustomLog {FILE}/access_log common", "AH00649: could not open transfer log file {FILE}/access_log: {FILE} is not a directory")]
    [InlineData("PidFile {FILE}/httpd.pid", "AH00100: could not log pid to file {FILE}/httpd.pid: {FILE} is not a directory")]
    public void Dash_t_refuses_what_a_start_would_refuse(string directive, string message)
    {
        using var server = new MpmServer(site, start: false);
        string file = Path.Combine(server.Folder, "a-file");
        File.WriteAllText(file, "not a directory\n");
        directive = directive.Replace("{FILE}", file);
        message = message.Replace("{FILE}", file);

        Tool.Result test = server.Command(server.Arguments + $" -C \"{directive}\" -t");
        Assert.Equal(1, test.ExitCode);
        Assert.Contains("MpmSite: " + message, test.Error);
        Assert.DoesNotContain("Syntax OK", test.All);

        Tool.Result start = server.Command(server.Arguments + $" -C \"{directive}\" -k start");
        Assert.Equal(1, start.ExitCode);
        Assert.Contains(message, start.Error);
        Assert.False(MpmServer.Listening(server.Port));

        Assert.Equal("Syntax OK\n", server.Command(server.Arguments + " -t").Error); // the same without it
    }

    [Fact]
    public void A_second_server_with_the_same_PidFile_is_refused_and_the_first_keeps_its_PidFile()
    {
        using var first = new MpmServer(site);
        int otherPort = MpmServer.FreePort();
        Tool.Result second = first.Command($"-C \"Listen 127.0.0.1:{otherPort}\" -C \"DocumentRoot {first.Docroot}\" -X");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"MpmSite (pid {first.ControlPid}) already running with PidFile {first.PidFile}", second.Error);
        Assert.False(MpmServer.Listening(otherPort));
        Assert.Equal(first.ControlPid.ToString() + "\n", File.ReadAllText(first.PidFile));

        Assert.Equal(0, first.Command(first.Arguments + " -k stop").ExitCode);
        MpmServer.WaitFor(() => !first.ControlAlive, 15, "the first server to stop");
    }
}
