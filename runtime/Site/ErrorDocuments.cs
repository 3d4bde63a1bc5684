using System.Collections.Generic;
using EventMpm.Configuration;

namespace EventMpm.Site;

/// <summary>
/// The ErrorDocument lines of one place: the top level's, then those of each &lt;Location&gt; that
/// covers it, a later one for a status replacing an earlier one (httpd merges a section's
/// response_code_strings over its parent's).
/// </summary>
internal sealed class ErrorDocuments
{
    private readonly Dictionary<int, (ErrorDocumentRule Rule, byte[] Bytes)> _byStatus = new();

    public ErrorDocuments(IEnumerable<ErrorDocumentRule> rules)
    {
        foreach (ErrorDocumentRule rule in rules) _byStatus[rule.Status] = (rule, System.Text.Encoding.Latin1.GetBytes(rule.Document));
    }

    /// <summary>The document for a status, with its text as bytes (a local path's, or the message to send); null when none.</summary>
    public ErrorDocumentRule? Find(int status, out byte[] bytes)
    {
        if (_byStatus.TryGetValue(status, out var found))
        {
            bytes = found.Bytes;
            return found.Rule;
        }
        bytes = System.Array.Empty<byte>();
        return null;
    }
}
