using System;
using System.Globalization;
using System.IO;
using EventMpm.Configuration;

namespace EventMpm.Logging;

/// <summary>
/// The error log, in httpd's line format so operators' greps and log tools work unchanged:
/// <c>[Fri Nov 27 08:34:48.123456 2026] [mpm_event:notice] [pid 123:tid 456] AH00489: text</c>.
/// Lines less severe than <see cref="Level"/> (LogLevel) are dropped, notices excepted. One process-wide log, as httpd's.
/// </summary>
public static class ErrorLog
{
    private static readonly object s_lock = new();
    private static TextWriter s_writer = Console.Error;
    private static int s_fd = -1;

    public static LogLevel Level { get; set; } = LogLevel.Warn;

    /// <summary>
    /// Whether the server is still starting. Until it serves, its errors are said on stderr as well
    /// as in the log, as httpd prints its start-up failures (main.c: AH00015 "Unable to open logs"
    /// and the like) to the terminal; a fatal line (emerg, alert, crit) always is. Neither happens
    /// when stderr is the log file itself, as for a server started with <c>-k start</c>.
    /// </summary>
    public static bool Starting { get; set; } = true;

    private static bool s_stderrIsLog;

    /// <summary>Where lines go until the server opens its ErrorLog file (stderr; tests may set another).</summary>
    public static TextWriter Writer
    {
        get => s_writer;
        set { lock (s_lock) s_writer = value; }
    }

    /// <summary>Notices are written whatever LogLevel says, as httpd writes them (its start and stop lines).</summary>
    public static bool Enabled(LogLevel level) => level <= Level || level == LogLevel.Notice;

    /// <summary>Writes one line: <paramref name="code"/> is httpd's AH number where httpd has one for the event, else empty.</summary>
    public static void Write(LogLevel level, string module, string code, string message)
    {
        if (!Enabled(level)) return;
        DateTime now = DateTime.Now;
        string line = "[" + now.ToString("ddd MMM dd HH:mm:ss", CultureInfo.InvariantCulture)
            + "." + (now.Ticks / 10 % 1_000_000).ToString("D6", CultureInfo.InvariantCulture)
            + " " + now.Year.ToString(CultureInfo.InvariantCulture)
            + "] [" + module + ":" + Name(level) + "] [pid " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
            + ":tid " + Native.Sys.ThreadId.ToString(CultureInfo.InvariantCulture) + "] "
            + (code.Length == 0 ? "" : code + ": ") + message;
        lock (s_lock)
        {
            if (s_fd >= 0)
            {
                Native.Files.WriteAll(s_fd, System.Text.Encoding.UTF8.GetBytes(line + "\n")); // one write: a whole line
                if (!s_stderrIsLog && (level <= LogLevel.Crit || (Starting && level <= LogLevel.Error)))
                {
                    Console.Error.WriteLine(line);
                    Console.Error.Flush();
                }
                return;
            }
            s_writer.WriteLine(line);
            s_writer.Flush();
        }
    }

    /// <summary>
    /// From now on lines go to the ErrorLog file, appended (O_APPEND: the control process and its
    /// children share it, each line one write). Null on success, else why it cannot be opened.
    /// </summary>
    public static string? OpenFile(string path)
    {
        try
        {
            string? directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
        int fd = Native.Files.OpenAppend(path);
        if (fd < 0) return Native.Sys.Describe(Native.Sys.Errno);
        lock (s_lock)
        {
            if (s_fd >= 0) Native.Sys.Close(s_fd);
            s_fd = fd;
            s_stderrIsLog = Native.Files.SameFile(2, fd);
        }
        return null;
    }


    /// <summary>A line for the person who started the server in the foreground (on stderr, unless stderr is the log).</summary>
    public static void SayOnTerminal(string line)
    {
        if (s_stderrIsLog) return;
        Console.Error.WriteLine(line);
        Console.Error.Flush();
    }

    public static void Notice(string module, string code, string message) => Write(LogLevel.Notice, module, code, message);

    public static void Error(string module, string code, string message) => Write(LogLevel.Error, module, code, message);

    public static void Warn(string module, string code, string message) => Write(LogLevel.Warn, module, code, message);

    public static void Info(string module, string code, string message) => Write(LogLevel.Info, module, code, message);

    public static void Debug(string module, string code, string message) => Write(LogLevel.Debug, module, code, message);

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Emerg => "emerg",
        LogLevel.Alert => "alert",
        LogLevel.Crit => "crit",
        LogLevel.Error => "error",
        LogLevel.Warn => "warn",
        LogLevel.Notice => "notice",
        LogLevel.Info => "info",
        LogLevel.Debug => "debug",
        _ => "trace" + ((int)level - (int)LogLevel.Trace1 + 1).ToString(CultureInfo.InvariantCulture),
    };
}
