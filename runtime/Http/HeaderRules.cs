using System;
using System.Collections.Generic;
using System.Text;
using EventMpm.Configuration;

namespace EventMpm.Http;

/// <summary>
/// The mod_headers rules of one place (the top level's, then a &lt;Location&gt;'s, as httpd merges
/// them), applied in the order written to a head's fields ("Name: value\r\n" each): Header to a
/// response's, RequestHeader to what a backend is sent. Names compare without case; a rule's new
/// field goes after the others. Onsuccess rules act on every answer but the server's own errors,
/// always rules on those too (mod_headers' headers_out and err_headers_out).
/// </summary>
public sealed class HeaderRules
{
    private sealed class Rule(HeaderRule rule, int index)
    {
        public readonly HeaderAction Action = rule.Action;
        public readonly bool Always = rule.Always;
        public readonly byte[] Name = Encoding.ASCII.GetBytes(rule.Name);
        public readonly byte[] Value = Encoding.Latin1.GetBytes(rule.Value);

        /// <summary>The rule's place in the configuration's list, by which the compiled edit code knows it.</summary>
        public readonly int Index = index;
    }

    /// <summary>One field while the rules run: a place in the head it came from, or bytes a rule made.</summary>
    private struct Field
    {
        public int NameStart, NameLength, ValueStart, ValueLength;
        public byte[]? Name, Value;
        public bool Removed;
    }

    private readonly Rule[] _response, _request;
    private readonly Func<int, string, string> _edit;

    [ThreadStatic] private static Field[]? t_fields;
    [ThreadStatic] private static byte[]? t_copy;

    /// <param name="rules">The rules with their places in the configuration's list.</param>
    /// <param name="edit">
    /// An edit or edit* rule's replacement, by the rule's place: the generator compiles each
    /// pattern into the configuration's code (IServerConfig.EditHeader).
    /// </param>
    public HeaderRules(IEnumerable<(HeaderRule Rule, int Index)> rules, Func<int, string, string> edit)
    {
        _edit = edit;
        var response = new List<Rule>();
        var request = new List<Rule>();
        foreach (var (r, index) in rules) (r.Request ? request : response).Add(new Rule(r, index));
        _response = response.ToArray();
        _request = request.ToArray();
    }

    public bool HasResponse => _response.Length != 0;

    public bool HasRequest => _request.Length != 0;

    /// <summary>
    /// Applies the Header rules to the fields in <paramref name="head"/>[<paramref name="start"/>..<paramref name="end"/>),
    /// rewriting them in place; the new end, or <paramref name="end"/> unchanged when the result
    /// would not fit before <paramref name="limit"/>. <paramref name="error"/>: the server's own
    /// error answer, which only always rules change.
    /// </summary>
    public int Response(Span<byte> head, int start, int end, int limit, bool error) => Rewrite(_response, head, start, end, limit, error);

    /// <summary>Applies the RequestHeader rules, as <see cref="Response"/> does.</summary>
    public int Request(Span<byte> head, int start, int end, int limit) => Rewrite(_request, head, start, end, limit, error: false);

    private int Rewrite(Rule[] rules, Span<byte> head, int start, int end, int limit, bool error)
    {
        if (rules.Length == 0) return end;
        int length = end - start;
        byte[] copy = t_copy is { } c && c.Length >= length ? c : t_copy = new byte[Math.Max(length, 16 * 1024)];
        head.Slice(start, length).CopyTo(copy);
        ReadOnlySpan<byte> fields = copy.AsSpan(0, length);
        int count = Parse(fields);
        Field[] list = t_fields!;
        foreach (Rule rule in rules)
        {
            if (error && !rule.Always) continue;
            Apply(rule, fields, ref list, ref count, _edit);
        }
        t_fields = list;
        int at = start;
        for (int i = 0; i < count; i++)
        {
            ref Field f = ref list[i];
            if (f.Removed) continue;
            ReadOnlySpan<byte> name = f.Name ?? fields.Slice(f.NameStart, f.NameLength);
            ReadOnlySpan<byte> value = f.Value ?? fields.Slice(f.ValueStart, f.ValueLength);
            if (at + name.Length + value.Length + 4 > limit)
            {
                fields.CopyTo(head.Slice(start)); // it does not fit: the head stays as it was
                return end;
            }
            name.CopyTo(head.Slice(at));
            at += name.Length;
            head[at++] = (byte)':';
            head[at++] = (byte)' ';
            value.CopyTo(head.Slice(at));
            at += value.Length;
            head[at++] = (byte)'\r';
            head[at++] = (byte)'\n';
        }
        return at;
    }

    /// <summary>Splits the fields into the thread's list; returns how many.</summary>
    private static int Parse(ReadOnlySpan<byte> fields)
    {
        Field[] list = t_fields ??= new Field[32];
        int count = 0;
        for (int at = 0; at < fields.Length;)
        {
            int eol = fields.Slice(at).IndexOf("\r\n"u8);
            int lineEnd = eol < 0 ? fields.Length : at + eol;
            ReadOnlySpan<byte> line = fields.Slice(at, lineEnd - at);
            int colon = line.IndexOf((byte)':');
            if (colon > 0)
            {
                int valueStart = colon + 1;
                while (valueStart < line.Length && line[valueStart] is (byte)' ' or (byte)'\t') valueStart++;
                if (count == list.Length) Array.Resize(ref list, list.Length * 2);
                list[count++] = new Field { NameStart = at, NameLength = colon, ValueStart = at + valueStart, ValueLength = line.Length - valueStart };
            }
            at = lineEnd + 2;
        }
        t_fields = list;
        return count;
    }

    private static void Apply(Rule rule, ReadOnlySpan<byte> fields, ref Field[] list, ref int count, Func<int, string, string> edit)
    {
        int first = -1;
        for (int i = 0; i < count; i++)
        {
            if (list[i].Removed || !Ascii.EqualsIgnoreCase(NameOf(list[i], fields), rule.Name)) continue;
            if (first < 0) first = i;
            switch (rule.Action)
            {
                case HeaderAction.Set:
                case HeaderAction.Unset:
                    list[i].Removed = true;
                    break;
                case HeaderAction.Edit:
                case HeaderAction.EditAll:
                    string before = Encoding.Latin1.GetString(ValueOf(list[i], fields));
                    string after = edit(rule.Index, before);
                    if (after != before) list[i].Value = Encoding.Latin1.GetBytes(after);
                    break;
            }
        }
        switch (rule.Action)
        {
            case HeaderAction.Set:
                Add(ref list, ref count, rule.Name, rule.Value);
                break;
            case HeaderAction.SetIfEmpty:
                if (first < 0) Add(ref list, ref count, rule.Name, rule.Value);
                break;
            case HeaderAction.Add:
                Add(ref list, ref count, rule.Name, rule.Value);
                break;
            case HeaderAction.Append:
            case HeaderAction.Merge:
                if (first < 0)
                {
                    Add(ref list, ref count, rule.Name, rule.Value);
                    break;
                }
                ReadOnlySpan<byte> old = ValueOf(list[first], fields);
                if (rule.Action == HeaderAction.Merge && Lists(old, rule.Value)) break;
                list[first].Value = [.. old, .. ", "u8, .. rule.Value];
                break;
        }
    }

    private static void Add(ref Field[] list, ref int count, byte[] name, byte[] value)
    {
        if (count == list.Length) Array.Resize(ref list, list.Length * 2);
        list[count++] = new Field { Name = name, Value = value };
    }

    private static ReadOnlySpan<byte> NameOf(in Field f, ReadOnlySpan<byte> fields) => f.Name ?? fields.Slice(f.NameStart, f.NameLength);

    private static ReadOnlySpan<byte> ValueOf(in Field f, ReadOnlySpan<byte> fields) => f.Value ?? fields.Slice(f.ValueStart, f.ValueLength);

    /// <summary>Whether <paramref name="value"/> is one of the comma-separated values of <paramref name="list"/> already (mod_headers' merge; a quoted comma does not separate).</summary>
    private static bool Lists(ReadOnlySpan<byte> list, ReadOnlySpan<byte> value)
    {
        int start = 0;
        bool quoted = false;
        for (int i = 0; i <= list.Length; i++)
        {
            if (i < list.Length)
            {
                if (list[i] == (byte)'"') quoted = !quoted;
                if (list[i] != (byte)',' || quoted) continue;
            }
            if (list.Slice(start, i - start).Trim(" \t"u8).SequenceEqual(value)) return true;
            start = i + 1;
        }
        return false;
    }
}
