using LvsHa.Config;
using LvsHa.Director.Security;
using LvsHa.Director.Tests.Lvs;
using LvsHa.Health.Model;

namespace LvsHa.Director.Tests.Unit;

/// <summary>keepalived's script rules (core/notify.c) as `check`, `run` and reload apply them.</summary>
public sealed class ScriptPolicyTests
{
    private const string Unsafe = "/x is writable by everyone";

    private static LvsHaConfig Config(string global, string notifyUser = "root") => TestConfigs.Load($$"""
        global_defs {
        {{global}}
        }
        vrrp_script chk {
            script "/bin/true"
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.100
            }
            track_script {
                chk
            }
            notify_master "/bin/true master" {{notifyUser}}
        }
        """);

    [Theory]
    [InlineData("\"/nonexistent/lvsha-check.sh\"", "script /nonexistent/lvsha-check.sh not found")]
    [InlineData("\"[[ -f /etc/keepalived/down ]] && exit 1 || exit 0\"", "script [[ not found")]
    [InlineData("\"/etc/passwd\"", "script /etc/passwd is not executable")]
    public void Preflight_VrrpScriptThatCannotRun_IsRefusedAsKeepalivedDisablesIt(string line, string problem)
    {
        // keepalived -t: "Disabling track script chk since not found/accessible" (exit 5); it then runs without it.
        var loaded = Config("script_user root");
        var config = loaded with { VrrpScripts = [loaded.VrrpScripts[0] with { Script = line.Trim('"') }] };
        var error = Assert.Single(LvsHa.Director.Daemon.DirectorPreflight.Check(config), d => d.Message.StartsWith("vrrp_script", StringComparison.Ordinal));
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal($"vrrp_script chk: {problem} (keepalived reports it and runs the instances without this script)", error.Message);
        Assert.DoesNotContain(LvsHa.Director.Daemon.DirectorPreflight.Check(Config("script_user root")), d => d.Message.StartsWith("vrrp_script", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_UnbalancedQuote_ErrorAtTheScriptLine()
    {
        var config = TestConfigs.Load("""
            vrrp_script chk {
                script "/bin/true 'open"
            }
            """);

        var problem = Assert.Single(ScriptPolicy.Check(config, _ => null));

        Assert.Equal(DiagnosticSeverity.Error, problem.Severity);
        Assert.Equal(1, problem.Location.Line);
        Assert.Contains("unterminated ' quote", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownScriptUser_ErrorAtScriptUser()
    {
        var problem = Assert.Single(ScriptPolicy.Check(Config("script_user lvsha-no-such-user"), _ => null));

        Assert.Equal(DiagnosticSeverity.Error, problem.Severity);
        Assert.Equal(2, problem.Location.Line);
        Assert.Contains("no such user 'lvsha-no-such-user'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_ScriptUserAppliesWhereTheScriptNamesNone_AScriptsOwnUserWins()
    {
        var config = Config("script_user nobody nogroup");
        var policy = ScriptPolicy.For(config.Global, _ => null);

        Assert.Equal(new ScriptUser("nobody:nogroup", 65534, 65534), policy.Command("/bin/true", null, default).User);
        Assert.Equal(0u, policy.Command(config.VrrpInstances[0].NotifyMaster)!.User!.Uid);
    }

    [Fact]
    public void Check_UnsafeRootScript_WarningWithoutScriptSecurity_ErrorWithIt()
    {
        var warned = ScriptPolicy.Check(Config("script_user root"), _ => Unsafe);
        var refused = ScriptPolicy.Check(Config("script_user root\n    enable_script_security"), _ => Unsafe);

        Assert.Equal(2, warned.Count);
        Assert.All(warned, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.All(refused, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Contains("runs as root but /x is writable by everyone", refused[0].Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => ScriptPolicy.ThrowOnErrors(refused));
    }

    [Fact]
    public void Check_UnsafePathRunByAnotherUser_NotJudged() =>
        Assert.Empty(ScriptPolicy.Check(Config("script_user nobody\n    enable_script_security", notifyUser: "nobody"), _ => Unsafe));

    [Fact]
    public void Check_ScriptSecurityWithoutAnyUser_ErrorUnlessKeepalivedScriptExists()
    {
        var config = TestConfigs.Load("""
            global_defs {
                enable_script_security
            }
            vrrp_script chk {
                script "/bin/true"
            }
            """);

        var problems = ScriptPolicy.Check(config, _ => null);

        if (ScriptUser.Resolve(ScriptPolicy.KeepalivedScriptUser, out _) is null)
            Assert.Contains("no user is given for this script", Assert.Single(problems).Message, StringComparison.Ordinal);
        else
            Assert.Empty(problems);
    }

    [Fact]
    public void UnsafePart_SystemBinaryIsSafe_AFileInAWorldWritableFolderIsNot()
    {
        Assert.Null(ScriptPathSecurity.UnsafePart("/bin/true"));
        var folder = Directory.CreateTempSubdirectory("lvsha-script-");
        try
        {
            File.SetUnixFileMode(folder.FullName, (UnixFileMode)0x1FF);
            var script = Path.Combine(folder.FullName, "notify");
            File.WriteAllText(script, "#!/bin/sh\n");
            // As root the folder is "writable by everyone"; as another user it is first "owned by uid N, not root".
            Assert.Matches("writable by everyone|not root", ScriptPathSecurity.UnsafePart(script) ?? "safe");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
