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
            throw new Hosting.ServerStartException("AH00100: could not log pid to file " + path + ": " + e.Message);
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

    /// <summary>Removes the file if it still names <paramref name="pid"/> (a newer server may have replaced it).</summary>
    public static void Remove(string path, int pid)
    {
        if (Read(path) == pid) File.Delete(path);
    }
}
