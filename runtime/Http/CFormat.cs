using System;
using System.Globalization;

namespace EventMpm.Http;

/// <summary>printf's numeric formats that mod_status output uses, so readers parse our numbers as theirs.</summary>
internal static class CFormat
{
    /// <summary>C's <c>%g</c>: 6 significant digits, trailing zeros dropped, exponent form outside 1e-4 .. 1e6.</summary>
    public static string G(double value)
    {
        if (value == 0) return "0";
        if (double.IsNaN(value) || double.IsInfinity(value)) return value.ToString(CultureInfo.InvariantCulture).ToLowerInvariant();
        // The exponent after rounding to 6 significant digits decides the style, as C's does.
        string e = value.ToString("E5", CultureInfo.InvariantCulture);
        int exponent = int.Parse(e.Substring(e.IndexOf('E') + 1), CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= 6)
        {
            string mantissa = TrimZeros(e.Substring(0, e.IndexOf('E')));
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        return TrimZeros(value.ToString("F" + (5 - exponent).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    /// <summary>C's <c>%.Nf</c>.</summary>
    public static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string TrimZeros(string s)
    {
        if (s.IndexOf('.') < 0) return s;
        s = s.TrimEnd('0');
        return s.EndsWith('.') ? s.Substring(0, s.Length - 1) : s;
    }
}
