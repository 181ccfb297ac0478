using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests;

public class ValidationTests
{
    [Fact]
    public void Load_ManyProblems_ReportsEveryErrorInFileOrder()
    {
        var r = Load("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo nope
                real_server 10.0.1.999 80 {
                }
                real_server 10.0.1.2 80 {
                    weight -5
                }
            }
            vrrp_instance A {
                interface eth0
                virtual_router_id 999
            }
            virtual_server group MISSING {
                protocol TCP
                real_server 10.0.1.1 80 {
                }
            }
            cluster {
                listen 10.0.0.1 4053
                secret_file /etc/lvsha/cluster.secret
            }
            """);
        Assert.False(r.Success);
        Assert.Null(r.Config);
        Assert.Equal([3, 4, 7, 12, 14, 19], r.Errors.Select(e => e.Location.Line));
    }

    [Fact]
    public void Diagnostic_ToString_IsCompilerStyle()
    {
        var d = new ConfigDiagnostic(DiagnosticSeverity.Error, "bad", new SourceLocation("/etc/x.conf", 3, 7));
        Assert.Equal("/etc/x.conf:3:7: error: bad", d.ToString());
        Assert.Equal("/etc/x.conf:3:7: warning: bad", (d with { Severity = DiagnosticSeverity.Warning }).ToString());
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNotAnException()
    {
        var r = ConfigLoader.Load("/nonexistent/lvsha.conf");
        Assert.False(r.Success);
        Assert.Contains("not found", Assert.Single(r.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrThrow_InvalidFile_ThrowsConfigExceptionWithDiagnostics()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.conf", "virtual_server 10.0.0.1 80 {\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadOrThrow(path));
        Assert.Single(e.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("bad.conf:1:1: error: unbalanced braces", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IncludedFileError_NamesIncludedFile()
    {
        using var dir = new TempDir();
        var inc = dir.Write("services/web.conf", "virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo bogus\n real_server 10.0.1.1 80 {\n }\n}\n");
        var main = dir.Write("main.conf", "include services/*.conf\n");
        var d = Assert.Single(ConfigLoader.Load(main).Errors);
        Assert.Equal(new SourceLocation(inc, 3, 10), d.Location);
    }
}
