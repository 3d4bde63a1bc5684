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
        ProxyPass = new EquatableArray<ProxyRoute>([new("/api", "http://127.0.0.1:8081/api"), new("/static", "!")]),
        ProxyPassReverse = new EquatableArray<ProxyReverse>([new("/api", "http://127.0.0.1:8081/api")]),
        BalancerMember = new EquatableArray<BalancerMember>([new("balancer://pool", "http://127.0.0.1:9001"), new("balancer://pool", "http://127.0.0.1:9002")]),
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

    [Fact]
    public void The_backends_of_another_environment_replace_the_compiled_ones()
    {
        DeploymentSettings cluster = Apply("ProxyPass /api http://api.default.svc:8080/api timeout=10", "ProxyPass /health http://api.default.svc:8080/health",
            "ProxyPassReverse /api http://api.default.svc:8080/api");
        Assert.Equal(new ProxyRoute[] { new("/api", "http://api.default.svc:8080/api", Timeout: 10_000), new("/health", "http://api.default.svc:8080/health") }, cluster.ProxyPass);
        Assert.Equal(new ProxyReverse[] { new("/api", "http://api.default.svc:8080/api") }, cluster.ProxyPassReverse);
        Assert.Equal(s_compiled.ProxyPass, Apply().ProxyPass);
        Assert.Equal(s_compiled.ProxyPass, Apply("ProxyPassReverse /api http://127.0.0.1:8081/api").ProxyPass);

        // The build's checks hold for -C too: a path an earlier line covers can never match.
        var (_, diagnostics, _) = StartupOverrides.Apply(s_compiled, [], ["ProxyPass / http://a:1/", "ProxyPass /api http://b:2/"], new Dictionary<string, string>());
        Assert.Contains(diagnostics, d => d.Id == DiagnosticCatalog.ProxyPassShadowed.Id && d.Message.Contains("ProxyPass /api can never match"));

        // A pattern is compiled code: -C cannot give one.
        var (_, refused, _) = StartupOverrides.Apply(s_compiled, [], ["ProxyPassMatch ^/(.*)$ http://a:1/$1"], new Dictionary<string, string>());
        Assert.Contains(refused, d => d.Id == DiagnosticCatalog.CompiledOnly.Id && d.Message.StartsWith("ProxyPassMatch is compiled into this binary"));
    }

    [Fact]
    public void A_balancers_members_of_another_environment_replace_the_compiled_ones_and_ProxySet_adds()
    {
        DeploymentSettings cluster = Apply("BalancerMember balancer://pool http://app-0.app:8080 loadfactor=2", "BalancerMember balancer://pool http://app-1.app:8080",
            "ProxySet balancer://pool lbmethod=bybusyness");
        Assert.Equal(new BalancerMember[] { new("balancer://pool", "http://app-0.app:8080", LoadFactor: 2), new("balancer://pool", "http://app-1.app:8080") }, cluster.BalancerMember);
        Assert.Equal(new BalancerSet[] { new("balancer://pool", "bybusyness") }, cluster.ProxySet);
        Assert.Equal(s_compiled.BalancerMember, Apply("ProxySet balancer://pool maxattempts=0").BalancerMember);

        // A ProxyPass to a balancer the members do not name is the build's error, at start too.
        var (_, diagnostics, _) = StartupOverrides.Apply(s_compiled, [], ["ProxyPass /app balancer://other/"], new Dictionary<string, string>());
        Assert.Contains(diagnostics, d => d.Id == DiagnosticCatalog.BalancerUndefined.Id && d.Message.Contains("balancer://other has no members"));
    }
}
