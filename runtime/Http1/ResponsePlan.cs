using EventMpm.Event;

namespace EventMpm.Http1;

/// <summary>A response ready to go: its head (and small body) in the session's send buffer, maybe a body or a file range after it.</summary>
internal struct ResponsePlan
{
    /// <summary>The status <see cref="Http1Session{TConfig}"/> plans for a request a C# handler answers (the real plan is made after it runs).</summary>
    public const int CodeHandler = -1;

    public int Status;
    /// <summary>The head's length in the send buffer.</summary>
    public int Length;
    /// <summary>A body in memory (the file cache's, a page's, a handler's), sent after the head with one writev.</summary>
    public byte[]? Body;
    public int BodyOffset, BodyLength;
    /// <summary>Or a file range, sent with sendfile; from a shared descriptor when <see cref="FileOwner"/> is set.</summary>
    public int File;
    public SharedDescriptor? FileOwner;
    public long FileOffset, FileLength;
    /// <summary>The file is a prepared response: it begins with the head, which is sent with the body in one sendfile.</summary>
    public bool HeadInFile;
    public bool KeepAlive;
    /// <summary>What a streaming handler sent before the plan: all bytes, and the body's share.</summary>
    public long StreamedBytes, StreamedBody;

    public ResponsePlan(int status)
    {
        Status = status;
        File = -1;
    }
}
