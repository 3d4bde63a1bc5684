using System.IO;
using System.Text.RegularExpressions;

namespace EventMpm.EndToEnd.Tests;

/// <summary>
/// The Kubernetes and container examples agree with the configuration they deploy: no cluster
/// runs here, so what can drift apart silently (a port, a probe path, a stop signal, a drain
/// longer than the grace period) is checked against StaticSite's httpd.conf.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Conf = File.ReadAllText(Tool.Repo("examples/StaticSite/httpd.conf"));
    private static readonly string Deployment = File.ReadAllText(Tool.Repo("examples/Kubernetes/deployment.yaml"));
    private static readonly string Service = File.ReadAllText(Tool.Repo("examples/Kubernetes/service.yaml"));
    private static readonly string Dockerfile = File.ReadAllText(Tool.Repo("examples/Container/Dockerfile"));

    private static int Number(string text, string pattern) => int.Parse(Regex.Match(text, pattern, RegexOptions.Multiline).Groups[1].Value);

    [Fact]
    public void The_container_port_is_the_one_StaticSite_listens_on_and_the_Service_targets_it()
    {
        int listen = Number(Conf, @"^Listen (\d+)$");
        Assert.Equal(listen, Number(Deployment, @"containerPort: (\d+)"));
        Assert.Equal(listen, Number(Dockerfile, @"^EXPOSE (\d+)$"));
        Assert.Contains("name: http", Deployment);
        Assert.Contains("targetPort: http", Service);
        Assert.Equal(Regex.Match(Deployment, @"app: (\S+)").Groups[1].Value, Regex.Match(Service, @"app: (\S+)").Groups[1].Value);
    }

    [Fact]
    public void The_https_port_and_the_certificate_the_image_names_are_where_the_manifests_put_them()
    {
        int https = Number(Conf, @"^Listen (\d+) https$");
        Assert.Equal(https, Number(Deployment, @"name: https\s+containerPort: (\d+)"));
        Assert.Matches($"(?m)^EXPOSE {https}$", Dockerfile);
        Assert.Contains("targetPort: https", Service);
        // The image's CMD names the certificate and key in the folder the secret is mounted at,
        // under the names a Kubernetes TLS secret gives them.
        string mount = Regex.Match(Deployment, @"- name: tls\s+mountPath: (\S+)\s+readOnly: true").Groups[1].Value;
        Assert.Equal("/etc/tls", mount);
        Assert.Contains($"\"SSLCertificateFile {mount}/tls.crt\"", Dockerfile);
        Assert.Contains($"\"SSLCertificateKeyFile {mount}/tls.key\"", Dockerfile);
        Assert.Matches(@"- name: tls\s+secret:\s+secretName: \S+", Deployment);
    }

    [Fact]
    public void The_drain_fits_in_the_grace_period_and_the_image_stops_gracefully()
    {
        int drain = Number(Conf, @"^GracefulShutdownTimeout (\d+)$");
        int preStop = Number(Deployment, @"sleep:\s+seconds: (\d+)");
        int grace = Number(Deployment, @"terminationGracePeriodSeconds: (\d+)");
        Assert.True(preStop + drain < grace, $"preStop {preStop} s + GracefulShutdownTimeout {drain} s must end before terminationGracePeriodSeconds {grace} s");
        Assert.Contains("STOPSIGNAL SIGWINCH", Dockerfile);
    }

    [Fact]
    public void The_readiness_probe_asks_for_a_path_the_kubelet_may_read()
    {
        string path = Regex.Match(Deployment, @"readinessProbe:\s+httpGet:\s+path: (\S+)").Groups[1].Value;
        Assert.Equal("/", path);
        // No <Location> restricts "/" (the status pages are Require local; the kubelet probes from the node).
        Assert.DoesNotMatch(@"<Location />", Conf);
        Assert.True(File.Exists(Tool.Repo("examples/StaticSite/htdocs/index.html")));
    }
}
