using System;
using System.Globalization;
using System.IO;

namespace EventMpm.Mpm;

/// <summary>httpd's PidFile: the control process's pid, which <c>-k</c> reads to signal it.</summary>
internal static class PidFile
{
    /// <summary>Writes the pid (creating the directory, so a fresh publish folder works without a logs/ made by hand).</summary>
    public static void Write(string path, int pid)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string temporary = path + ".new";
            File.WriteAllText(temporary, pid.ToString(CultureInfo.InvariantCulture) + "\n");
            File.Move(temporary, path, overwrite: true); // a reader never sees a half-written file
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Serving.ServerStartException("AH00100: could not log pid to file " + path + ": " + e.Message);
        }
    }

    /// <summary>The pid in the file, or null when there is no file or it holds no number.</summary>
    public static int? Read(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The pid in the file when it names another live process of this program: a second server
    /// started with the same PidFile must not take it over (and later delete it) while the first
    /// serves. Null for no file, a stale pid, or a pid the kernel has given to another program.
    /// </summary>
    public static int? OtherServer(string path)
    {
        if (Read(path) is not int pid || pid == Environment.ProcessId || !Native.Processes.IsAlive(pid)) return null;
        string? running = Native.ProcFs.ExecutableOf(pid);
        if (running is null) return pid; // cannot tell (no /proc): a live pid is taken to be the server
        // A server restarted onto a rebuilt binary runs a file that was replaced: " (deleted)".
        const string Deleted = " (deleted)";
        if (running.EndsWith(Deleted, StringComparison.Ordinal)) running = running[..^Deleted.Length];
        return Path.GetFileName(running) == Path.GetFileName(Environment.ProcessPath) ? pid : null;
    }

    /// <summary>Removes the file if it still names <paramref name="pid"/> (a newer server may have replaced it).</summary>
    public static void Remove(string path, int pid)
    {
        if (Read(path) == pid) File.Delete(path);
    }
}
