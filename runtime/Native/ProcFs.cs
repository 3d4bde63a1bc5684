using System;
using System.Globalization;
using System.IO;

namespace EventMpm.Native;

/// <summary>What the server reads of /proc (proc(5)): load, CPU times, which program a pid runs.</summary>
internal static class ProcFs
{
    /// <summary>The 1, 5 and 15 minute load averages; zeros when /proc is not mounted.</summary>
    public static double[] LoadAverage()
    {
        var result = new double[3];
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
            for (int i = 0; i < 3; i++) result[i] = double.Parse(parts[i], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return result;
    }

    /// <summary>utime, stime, cutime, cstime of a process in seconds (/proc/PID/stat fields 14-17, in clock ticks of 1/100 s on Linux); null when it is gone.</summary>
    public static double[]? CpuSeconds(int pid)
    {
        try
        {
            string text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            string[] fields = text.Substring(text.LastIndexOf(')') + 2).Split(' '); // fields from 3 on; the name may hold spaces
            var result = new double[4];
            for (int i = 0; i < 4; i++) result[i] = long.Parse(fields[11 + i], CultureInfo.InvariantCulture) / 100.0;
            return result;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The file a live process runs (/proc/PID/exe), or null when that cannot be read (no /proc, another user's process).</summary>
    public static string? ExecutableOf(int pid)
    {
        try
        {
            return new FileInfo("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
