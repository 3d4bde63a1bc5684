using System.Collections.Generic;
using EventMpm.Configuration;
using EventMpm.Hosting;

namespace EventMpm.Runtime.Tests.Hosting;

/// <summary>-C over lists: the first one replaces what was compiled, the next ones add to it.</summary>
public sealed class StartupOverridesTests
{
    private static readonly DeploymentSettings s_compiled = new()
    {
        SSLCertificateFile = new EquatableArray<string>(["tls/rsa.crt", "tls/ecdsa.crt"]),
        SSLCertificateKeyFile = new EquatableArray<string>(["tls/rsa.key", "tls/ecdsa.key"]),
    };

    private static DeploymentSettings Apply(params string[] directives)
    {
        var (deployment, diagnostics, _) = StartupOverrides.Apply(s_compiled, [], directives, new Dictionary<string, string>());
        Assert.Empty(diagnostics);
        return deployment;
    }

    [Fact]
    public void A_mounted_secret_replaces_the_compiled_certificates_and_their_keys()
    {
        Assert.Equal(new[] { ("/run/tls/tls.crt", "/run/tls/tls.key") },
            Apply("SSLCertificateFile /run/tls/tls.crt", "SSLCertificateKeyFile /run/tls/tls.key").CertificatePairs());
        // A certificate file that holds its key: the compiled keys do not pair with it.
        Assert.Equal(new[] { ("/run/tls/both.pem", "/run/tls/both.pem") }, Apply("SSLCertificateFile /run/tls/both.pem").CertificatePairs());
        // Two pairs, each key after its certificate, or the keys after both.
        var pairs = new[] { ("/run/rsa.crt", "/run/rsa.key"), ("/run/ec.crt", "/run/ec.key") };
        Assert.Equal(pairs, Apply("SSLCertificateFile /run/rsa.crt", "SSLCertificateKeyFile /run/rsa.key", "SSLCertificateFile /run/ec.crt", "SSLCertificateKeyFile /run/ec.key").CertificatePairs());
        Assert.Equal(pairs, Apply("SSLCertificateFile /run/rsa.crt", "SSLCertificateFile /run/ec.crt", "SSLCertificateKeyFile /run/rsa.key", "SSLCertificateKeyFile /run/ec.key").CertificatePairs());
        Assert.Equal(s_compiled.CertificatePairs(), Apply().CertificatePairs());
    }
}
