namespace EventMpm.Configuration.Syntax;

/// <summary>
/// HTTP's token (RFC 9110 §5.6.2): method names, field names, chunk extensions. At the bottom so
/// that the request parser, a handler's Response and the directive compiler (linked into the
/// generator, which will check the field names a configuration sets) share one rule.
/// </summary>
public static class HttpToken
{
    /// <summary>tchar: a letter, a digit, or one of <c>!#$%&amp;'*+-.^_`|~</c>.</summary>
    public static bool IsTokenChar(byte b)
        => (b >= (byte)'a' && b <= (byte)'z') || (b >= (byte)'A' && b <= (byte)'Z') || (b >= (byte)'0' && b <= (byte)'9')
        || b == '!' || b == '#' || b == '$' || b == '%' || b == '&' || b == '\'' || b == '*' || b == '+'
        || b == '-' || b == '.' || b == '^' || b == '_' || b == '`' || b == '|' || b == '~';
}
