using System;

namespace EventMpm.Serving;

/// <summary>A server could not start; the message is what the operator reads.</summary>
public sealed class ServerStartException(string message) : Exception(message);
