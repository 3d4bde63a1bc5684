using EventMpm.Configuration.Directives;

namespace EventMpm.Configuration.Validation;

/// <summary>
/// httpd's <c>event_check_config</c> at compile time: the same clamps in the same order, each
/// a warning that states the value the server will use (event.c: event_check_config()), then the adjustments
/// httpd makes silently in <c>event_run</c>, which are warnings here.
/// </summary>
internal static class MpmLimitRules
{
    /// <summary>httpd's MAX_SERVER_LIMIT: the compile-time ceiling of ServerLimit.</summary>
    public const int MaxServerLimit = 20000;

    /// <summary>httpd's MAX_THREAD_LIMIT: the compile-time ceiling of ThreadLimit.</summary>
    public const int MaxThreadLimit = 100000;

    public static void Apply(SettingsBuilder b, DiagnosticBag d, SourceLocation fallback)
    {
        ServerSettings s = b.Settings;
        SourceLocation At(string directive) => b.LastSet.TryGetValue(directive, out var w) ? w.Location : fallback;
        int threads = s.ThreadsPerChild;
        int workers = s.MaxRequestWorkers, start = s.StartServers, minSpare = s.MinSpareThreads, maxSpare = s.MaxSpareThreads;

        int serverLimit = ClampLimit(d, At("ServerLimit"), "ServerLimit", s.ServerLimit, MaxServerLimit, "servers", DiagnosticCatalog.ServerLimitTooHigh, DiagnosticCatalog.ServerLimitTooLow);
        int threadLimit = ClampLimit(d, At("ThreadLimit"), "ThreadLimit", s.ThreadLimit, MaxThreadLimit, "threads", DiagnosticCatalog.ThreadLimitTooHigh, DiagnosticCatalog.ThreadLimitTooLow);
        if (threads > threadLimit)
        {
            d.Report(DiagnosticCatalog.ThreadsPerChildAboveThreadLimit, At("ThreadsPerChild"), $"ThreadsPerChild of {threads} exceeds ThreadLimit of {threadLimit} threads, decreasing to {threadLimit}. To increase, please see the ThreadLimit directive.");
            threads = threadLimit;
        }
        else if (threads < 1)
        {
            d.Report(DiagnosticCatalog.ThreadsPerChildTooLow, At("ThreadsPerChild"), $"ThreadsPerChild of {threads} not allowed, increasing to 1.");
            threads = 1;
        }
        // MaxRequestWorkers keeps httpd's pre-configuration default (400) unless written, so a
        // changed ThreadsPerChild alone can trip the ServerLimit rule below, exactly as in httpd.
        SourceLocation workersAt = b.MaxRequestWorkersWritten ? At("MaxRequestWorkers") : At("ThreadsPerChild");
        if (workers < threads)
        {
            d.Report(DiagnosticCatalog.MaxRequestWorkersBelowThreads, workersAt, $"MaxRequestWorkers of {workers} is less than ThreadsPerChild of {threads}, increasing to {threads}. MaxRequestWorkers must be at least as large as the number of threads in a single server.");
            workers = threads;
        }
        int processes = workers / threads;
        if (workers % threads != 0)
        {
            int rounded = processes * threads;
            d.Report(DiagnosticCatalog.MaxRequestWorkersNotMultiple, workersAt, $"MaxRequestWorkers of {workers} is not an integer multiple of ThreadsPerChild of {threads}, decreasing to nearest multiple {rounded}, for a maximum of {processes} servers.");
            workers = rounded;
        }
        if (processes > serverLimit)
        {
            d.Report(DiagnosticCatalog.MaxRequestWorkersAboveServerLimit, workersAt, $"MaxRequestWorkers of {workers} would require {processes} servers and would exceed ServerLimit of {serverLimit}, decreasing to {serverLimit * threads}. To increase, please see the ServerLimit directive.");
            processes = serverLimit;
            workers = serverLimit * threads;
        }
        if (start < 1)
        {
            d.Report(DiagnosticCatalog.StartServersTooLow, At("StartServers"), $"StartServers of {start} not allowed, increasing to 1.");
            start = 1;
        }
        if (minSpare < 1)
        {
            d.Report(DiagnosticCatalog.MinSpareThreadsTooLow, At("MinSpareThreads"), $"MinSpareThreads of {minSpare} not allowed, increasing to 1 to avoid almost certain server failure. Please read the documentation.");
            minSpare = 1;
        }

        // event_run's silent adjustments (one listener bucket).
        if (start > processes)
        {
            d.Report(DiagnosticCatalog.StartServersCapped, At("StartServers"), $"StartServers of {start} is more than the {processes} processes MaxRequestWorkers allows; {processes} will be started.");
            start = processes;
        }
        int minMaxSpare = minSpare + threads + 1;
        if (maxSpare < minMaxSpare)
        {
            d.Report(DiagnosticCatalog.MaxSpareThreadsRaised, At("MaxSpareThreads"), $"MaxSpareThreads of {maxSpare} is below MinSpareThreads + ThreadsPerChild + 1, increasing to {minMaxSpare} (httpd does this silently).");
            maxSpare = minMaxSpare;
        }

        b.Settings = s with
        {
            ServerLimit = serverLimit, ThreadLimit = threadLimit, ThreadsPerChild = threads, MaxRequestWorkers = workers,
            StartServers = start, MinSpareThreads = minSpare, MaxSpareThreads = maxSpare,
        };
    }

    /// <summary>ServerLimit and ThreadLimit: between 1 and httpd's compile-time ceiling.</summary>
    private static int ClampLimit(DiagnosticBag d, SourceLocation at, string name, int value, int ceiling, string unit, DiagnosticKind tooHigh, DiagnosticKind tooLow)
    {
        if (value > ceiling)
        {
            d.Report(tooHigh, at, $"{name} of {value} exceeds compile-time limit of {ceiling} {unit}, decreasing to {ceiling}.");
            return ceiling;
        }
        if (value < 1)
        {
            d.Report(tooLow, at, $"{name} of {value} not allowed, increasing to 1.");
            return 1;
        }
        return value;
    }

    /// <summary>
    /// The admission check uses a whole factor (httpd stores it ×16 and divides before use, so
    /// 1.5 acts as 1; event.c: connections_above_limit(), observed), and never less than 1.
    /// </summary>
    public static void ApplyWorkerFactor(SettingsBuilder b, DiagnosticBag d)
    {
        if (b.WorkerFactorWritten is not double factor) return;
        int whole = factor < 1 ? 1 : (int)System.Math.Floor(factor);
        if (whole != factor)
        {
            string text = factor.ToString(System.Globalization.CultureInfo.InvariantCulture);
            d.Report(DiagnosticCatalog.WorkerFactorTruncated, b.WorkerFactorLocation,
                $"AsyncRequestWorkerFactor {text} acts as {whole}: the admission check uses whole factors (as httpd, which truncates), at least 1.");
        }
        b.Settings = b.Settings with { AsyncRequestWorkerFactor = whole };
    }
}
