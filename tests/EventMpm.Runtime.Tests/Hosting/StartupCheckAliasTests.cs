using System.IO;
using EventMpm.Configuration;
using EventMpm.Hosting;
using EventMpm.Serving;
using Xunit;

namespace EventMpm.Runtime.Tests.Hosting;

/// <summary>-t opens each Alias target as the start does: one that is missing is named, one that exists is not.</summary>
public class StartupCheckAliasTests
{
    [Fact]
    public void A_missing_alias_target_is_named_and_an_existing_one_is_not()
    {
        string root = Directory.CreateTempSubdirectory("eventmpm-check-").FullName;
        try
        {
            var deployment = new DeploymentSettings { ServerRoot = root, DocumentRoot = root };
            var paths = new ServerPaths(deployment, root);
            var problems = StartupCheck.Problems(deployment, paths, children: false, tls: null, aliases: [new("/icons/", root + "/"), new("/gone/", root + "/missing/")]);
            Assert.Contains(problems, p => p.StartsWith("Alias /gone/ " + root + "/missing/: "));
            Assert.DoesNotContain(problems, p => p.StartsWith("Alias /icons/"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
