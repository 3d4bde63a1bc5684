using CsCheck;
using EventMpm.Configuration;

namespace EventMpm.Runtime.Tests.Configuration;

/// <summary>Whatever text it is given, the configuration compiler answers with diagnostics and never throws.</summary>
public sealed class FuzzTests
{
    // Fragments that reach every branch of the reader: sections, quotes, escapes, variables,
    // continuations, includes, numbers at the edges and directive names.
    private static readonly string[] Fragments =
    {
        "<", ">", "</", "<IfModule ", "<IfDefine !", "<Location /", "</Location>", "</IfModule>", "<VirtualHost *:80>", "\"", "'", "\\", "\\\n",
        "${", "}", "${X}", "Define X ", "Include ", "IncludeOptional ", "*", "?", "[a-", "..", "/", "#", "\n", "\r\n", " ", "\t",
        "Listen ", "ThreadsPerChild ", "MaxRequestWorkers ", "KeepAliveTimeout ", "RequestReadTimeout ", "header=", "-", ",MinRate=",
        "LogFormat ", "CustomLog ", "%", "%{", "SetHandler ", "AsyncRequestWorkerFactor ", "1.5", "0", "-1", "99999999999999999999", "80",
        "[::1]:", "127.0.0.1:", "ms", "On", "Off", "AddType ", "LoadModule ", "x_module ", "ServerRoot ", "\u00e9", "\0",
    };

    [Fact]
    public void Random_text_never_throws()
    {
        var files = Gen.Int[0, Fragments.Length - 1].Select(i => Fragments[i]).Array[0, 60].Select(parts => string.Concat(parts));
        Gen.Select(files, files).Sample((main, included) =>
        {
            var source = new MemoryFileSource().Add("x.conf", included).Add("conf.d/y.conf", included);
            ConfigResult result = MemoryFileSource.Compile(main, source);
            Assert.All(result.Diagnostics, d => Assert.True(d.Location.IsNone || d.Location.Line >= 1 && d.Location.Column >= 1, d.ToString()));
            Assert.DoesNotContain(result.Diagnostics, d => d.Id == DiagnosticCatalog.InternalError.Id);
        }, iter: 3000);
    }

    [Fact]
    public void Random_characters_never_throw_and_a_server_without_Listen_is_refused()
    {
        Gen.String[0, 400].Sample(text =>
        {
            ConfigResult result = MemoryFileSource.Compile(text);
            return result.HasErrors || result.Settings.Deployment.Listen.Count > 0;
        }, iter: 3000);
    }
}
