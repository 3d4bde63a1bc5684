using System.Collections.Generic;
using EventMpm.Configuration.Syntax;

namespace EventMpm.Configuration.Directives;

/// <summary>mod_headers' directives: Header (what the client is answered with) and RequestHeader (what a backend is sent).</summary>
public static partial class DirectiveCatalog
{
    /// <summary>Fields the server writes itself and that frame or carry the message: a rule on them would break it, or not act (httpd adds Date and Server after mod_headers runs).</summary>
    private static readonly Dictionary<string, string> s_headerFieldsRefused = new(System.StringComparer.OrdinalIgnoreCase)
    {
        ["Content-Length"] = "it frames the message, and the server writes it from the body it sends",
        ["Transfer-Encoding"] = "it frames the message, and the server writes it from the body it sends",
        ["Connection"] = "it is this connection's (hop-by-hop), and the server writes it from KeepAlive",
        ["Keep-Alive"] = "it is this connection's (hop-by-hop), and the server writes it from KeepAliveTimeout and MaxKeepAliveRequests",
        ["Upgrade"] = "it is this connection's (hop-by-hop): ProxyPass upgrade= passes it on",
        ["Date"] = "the server writes it on every answer (httpd adds it after mod_headers has run, so a rule does not act there either)",
        ["Server"] = "the server writes it on every answer (httpd adds it after mod_headers has run, so a rule does not act there either; ServerTokens is the directive for it)",
    };

    private static IEnumerable<DirectiveDefinition> HeaderRows()
    {
        const DirectiveContexts Both = DirectiveContexts.Server | DirectiveContexts.Location;
        yield return new("Header", Arity.OneOrMore, C, "Changes a response field: Header [always|onsuccess] set|setifempty|append|merge|add|unset|edit|edit* name [value|regex replacement]", "", c => Header(c, request: false), Both, repeatable: true)
            { Show = s => Rules(s, request: false) };
        yield return new("RequestHeader", Arity.OneOrMore, C, "Changes a field of what a backend is sent (ProxyPass): RequestHeader set|setifempty|append|merge|add|unset|edit|edit* name [value|regex replacement]", "", c => Header(c, request: true), Both, repeatable: true)
            { Show = s => Rules(s, request: true) };
    }

    private static string Rules(ServerSettings s, bool request)
    {
        int count = 0;
        foreach (HeaderRule h in s.Headers) if (h.Request == request) count++;
        return count == 0 ? "" : count + (count == 1 ? " rule" : " rules");
    }

    /// <summary>One Header or RequestHeader line (mod_headers.c: header_cmd(), header_inout_cmd()), each word checked at its column.</summary>
    private static void Header(DirectiveCall c, bool request)
    {
        string directive = c.Definition.Name;
        int i = 0;
        bool always = false;
        if (!request && c.Arg(0).ToLowerInvariant() is "always" or "onsuccess")
        {
            always = c.Arg(0).Equals("always", System.StringComparison.OrdinalIgnoreCase);
            i = 1;
        }
        if (i >= c.Args.Count)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, -1, directive + " needs an action and a field name: " + directive + " set X-Name value");
            return;
        }
        HeaderAction? action = c.Arg(i).ToLowerInvariant() switch
        {
            "set" => HeaderAction.Set,
            "setifempty" => HeaderAction.SetIfEmpty,
            "append" => HeaderAction.Append,
            "merge" => HeaderAction.Merge,
            "add" => HeaderAction.Add,
            "unset" => HeaderAction.Unset,
            "edit" => HeaderAction.Edit,
            "edit*" => HeaderAction.EditAll,
            _ => null,
        };
        if (action is not HeaderAction act)
        {
            string word = c.Arg(i).ToLowerInvariant();
            if (word is "echo" or "note")
                c.Error(DiagnosticCatalog.UnsupportedFeature, i, directive + " " + word + " is mod_headers', but EventMpm does not build it: " + (word == "echo"
                    ? "request fields are not copied into the response" : "there are no request notes to copy a field into"));
            else
                c.Error(DiagnosticCatalog.InvalidValue, i, directive + ": '" + c.Arg(i) + "' is not an action; mod_headers' actions are set, setifempty, append, merge, add, unset, edit and edit*"
                    + (request ? "" : ", after an optional always or onsuccess"));
            return;
        }
        int name = i + 1, needed = act switch { HeaderAction.Unset => 0, HeaderAction.Edit or HeaderAction.EditAll => 2, _ => 1 };
        if (name >= c.Args.Count)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, -1, directive + " " + c.Arg(i) + " needs the field's name");
            return;
        }
        if (!IsToken(c.Arg(name)))
        {
            c.Error(DiagnosticCatalog.InvalidValue, name, directive + ": '" + c.Arg(name) + "' is not a field name (letters, digits and !#$%&'*+-.^_`|~)");
            return;
        }
        if (s_headerFieldsRefused.TryGetValue(c.Arg(name), out string? why) && !(request && c.Arg(name).Equals("Date", System.StringComparison.OrdinalIgnoreCase)))
        {
            c.Error(DiagnosticCatalog.InvalidValue, name, directive + " " + c.Arg(i) + " " + c.Arg(name) + " is refused: " + why);
            return;
        }
        int extra = c.Args.Count - name - 1 - needed;
        if (extra < 0)
        {
            c.Error(DiagnosticCatalog.WrongArgumentCount, -1, directive + " " + c.Arg(i) + " needs " + (needed == 1 ? "a value" : "a regular expression and its replacement") + " after the field's name");
            return;
        }
        if (extra > 0)
        {
            int at = name + 1 + needed;
            string word = c.Arg(at).ToLowerInvariant();
            c.Error(word.StartsWith("env=", System.StringComparison.Ordinal) || word.StartsWith("expr=", System.StringComparison.Ordinal) || word == "early" ? DiagnosticCatalog.UnsupportedFeature : DiagnosticCatalog.WrongArgumentCount, at,
                word.StartsWith("env=", System.StringComparison.Ordinal) ? directive + ": env= conditions are not built (nothing sets environment variables: SetEnvIf is not built); the rule applies to every answer of its place"
                : word.StartsWith("expr=", System.StringComparison.Ordinal) ? directive + ": expr= conditions (expressions evaluated for each request) are not built"
                : word == "early" ? directive + ": early rules (before the request is mapped) are not built"
                : directive + " " + c.Arg(i) + " takes " + (needed == 0 ? "nothing" : needed == 1 ? "one value" : "a regular expression and a replacement") + " after the field's name; quote a value with spaces");
            return;
        }
        string value = needed > 0 ? c.Arg(name + 1) : "", replacement = needed > 1 ? c.Arg(name + 2) : "";
        if (needed > 0 && HeaderValueProblem(value, act) is string problem)
        {
            c.Error(problem.StartsWith("expr=", System.StringComparison.Ordinal) || problem.StartsWith("format", System.StringComparison.Ordinal) ? DiagnosticCatalog.UnsupportedFeature : DiagnosticCatalog.InvalidValue,
                name + 1, directive + ": " + problem);
            return;
        }
        if (needed > 1 && HeaderValueProblem(replacement, HeaderAction.Set) is string replacementProblem)
        {
            c.Error(DiagnosticCatalog.InvalidValue, name + 2, directive + ": " + replacementProblem);
            return;
        }
        if (act is HeaderAction.Set or HeaderAction.SetIfEmpty or HeaderAction.Append or HeaderAction.Merge or HeaderAction.Add) value = value.Replace("%%", "%");
        c.Settings.Headers.Add(new HeaderRule(c.Location ?? "", request, always, act, c.Arg(name), value, replacement));
    }

    private static bool IsToken(string name)
    {
        if (name.Length == 0) return false;
        foreach (char ch in name) if (ch > 127 || !HttpToken.IsTokenChar((byte)ch)) return false;
        return true;
    }

    /// <summary>
    /// Why a regular expression does not parse (null when it does): set by the generator, which
    /// checks and compiles the patterns. The server itself never parses one (its edit rules are
    /// compiled code), so a binary without them carries no regular-expression engine.
    /// </summary>
    public static System.Func<string, string?>? PatternProblem { get; set; }

    /// <summary>Why a value (or, for edit, a regular expression) cannot be sent or used; null when it can.</summary>
    private static string? HeaderValueProblem(string value, HeaderAction action)
    {
        if (value.StartsWith("expr=", System.StringComparison.OrdinalIgnoreCase)) return "expr= values (expressions evaluated for each request) are not built; write the value itself";
        foreach (char ch in value)
        {
            if (ch < ' ' && ch != '\t' || ch == 127) return "a field value cannot hold control characters (RFC 9110 §5.5)";
        }
        if (action is HeaderAction.Edit or HeaderAction.EditAll) return PatternProblem?.Invoke(value) is string why ? "'" + value + "' is not a regular expression: " + why : null;
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '%') continue;
            if (i + 1 < value.Length && value[i + 1] == '%')
            {
                i++;
                continue;
            }
            return "format specifiers (%t, %D, %{NAME}e, ...) are not built: the value is sent as written; write %% for a '%'";
        }
        return null;
    }
}
