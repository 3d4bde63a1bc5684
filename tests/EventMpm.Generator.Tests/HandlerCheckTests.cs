using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using EventMpm.Handlers;
using Microsoft.CodeAnalysis;

namespace EventMpm.Generator.Tests;

/// <summary>SetHandler naming C# code: the build finds the type or says why not, at the name's line and column.</summary>
public sealed class HandlerCheckTests
{
    private static string Conf(string handler) => "Listen 80\n<Location /api>\n    SetHandler " + handler + "\n</Location>\n";

    private const string Handlers = """
        using EventMpm.Handlers;
        namespace Site.Handlers
        {
            public sealed class Hello : IRequestHandler
            {
                public void Handle(Request request, Response response) => response.Write("hello");
            }
            public static class Outer
            {
                internal sealed class Inner : IRequestHandler
                {
                    public void Handle(Request request, Response response) { }
                }
            }
            public abstract class Base : IRequestHandler
            {
                public abstract void Handle(Request request, Response response);
            }
            public sealed class NotAHandler { }
            public sealed class NeedsArgument(string name) : IRequestHandler
            {
                public void Handle(Request request, Response response) => response.Write(name);
            }
            public sealed class Generic<T> : IRequestHandler
            {
                public void Handle(Request request, Response response) { }
            }
            public static class Hidden
            {
                private sealed class Secret : IRequestHandler
                {
                    public void Handle(Request request, Response response) { }
                }
            }
            public interface IAlsoHandler : IRequestHandler { }
        }
        """;

    public static IEnumerable<object[]> Problems() => new[]
    {
        new object[] { "Site.Handlers.Helo", "EMPM043", "no type of that name in the project" },
        new object[] { "Site.Handlers.Helo", "EMPM043", "(did you mean Site.Handlers.Hello?)" }, // a misspelling
        new object[] { "Site.Handlers.hello", "EMPM043", "(did you mean Site.Handlers.Hello?)" }, // the case
        new object[] { "Other.Hello", "EMPM043", "(did you mean Site.Handlers.Hello?)" }, // the namespace
        new object[] { "server_status", "EMPM043", "(did you mean server-status, the built-in handler?)" },
        new object[] { "Other.Thing", "EMPM043", "the project's handlers are Site.Handlers.Hello, Site.Handlers.NeedsArgument, Site.Handlers.Outer.Inner" },
        new object[] { "Site.Handlers.NotAHandler", "EMPM044", "does not implement EventMpm.Handlers.IRequestHandler" },
        new object[] { "Site.Handlers.Base", "EMPM044", "is abstract" },
        new object[] { "Site.Handlers.NeedsArgument", "EMPM044", "no public or internal constructor without parameters" },
        new object[] { "Site.Handlers.Generic`1", "EMPM005", "unknown handler" },
        new object[] { "Site.Handlers.Hidden.Secret", "EMPM044", "is not accessible from the generated code" },
        new object[] { "Site.Handlers.IAlsoHandler", "EMPM044", "is an interface" },
        new object[] { "Site.Handlers.Outer", "EMPM044", "does not implement" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void A_name_that_is_no_handler_is_an_error_at_the_SetHandler_line(string handler, string id, string message)
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf(Conf(handler)), Handlers);

        Diagnostic d = Assert.Single(run.Errors, e => e.Id.StartsWith("EMPM", StringComparison.Ordinal));
        Assert.Equal(id, d.Id);
        FileLinePositionSpan span = d.Location.GetLineSpan();
        Assert.Equal(TestProject.MainPath, span.Path);
        Assert.Equal((3, 16), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Contains(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        // The emitted code names no missing type, so the user sees our error, not a CS0246 after it.
        Assert.DoesNotContain(run.Compilation.GetDiagnostics(), e => e.Severity == DiagnosticSeverity.Error && e.Id.StartsWith("CS", StringComparison.Ordinal));
    }

    [Fact]
    public void Checked_handlers_are_made_by_the_compiled_configuration()
    {
        string conf = Conf("Site.Handlers.Hello") + "<Location /inner>\n    SetHandler Site.Handlers.Outer.Inner\n</Location>\n<Location /api/v2>\n    SetHandler Site.Handlers.Hello\n</Location>\n";
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf(conf), Handlers);
        Assert.Empty(run.Errors);
        Assert.Contains("\"Site.Handlers.Hello\" => new global::Site.Handlers.Hello(), // httpd.conf:3", run.Source);
        Assert.Single(run.Source.Split('\n'), line => line.Contains("new global::Site.Handlers.Hello()", StringComparison.Ordinal)); // one arm per type

        Type config = run.Load().GetType("EventMpm.Generated.CompiledConfig", throwOnError: true)!;
        MethodInfo create = config.GetMethod("CreateHandler", BindingFlags.Public | BindingFlags.Static)!;
        object? hello = create.Invoke(null, new object[] { "Site.Handlers.Hello" });
        Assert.Equal("Site.Handlers.Hello", hello!.GetType().FullName);
        Assert.Equal("Site.Handlers.Outer+Inner", create.Invoke(null, new object[] { "Site.Handlers.Outer.Inner" })!.GetType().FullName);
        Assert.Null(create.Invoke(null, new object[] { "Site.Handlers.Base" }));
        Assert.Contains(typeof(IRequestHandler).FullName!, hello.GetType().GetInterfaces().Select(i => i.FullName));
    }

    [Fact]
    public void A_server_without_handlers_emits_no_factory()
    {
        GeneratorRun run = GeneratorHarness.Run(TestProject.WithConf("Listen 80\n"));
        Assert.DoesNotContain("CreateHandler", run.Source);
    }
}
