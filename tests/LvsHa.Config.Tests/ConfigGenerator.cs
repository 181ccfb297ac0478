using System.Text;

namespace LvsHa.Config.Tests;

/// <summary>Generates large valid configurations (shared with tests/LvsHa.Benchmarks).</summary>
public static class ConfigGenerator
{
    /// <summary>
    /// <paramref name="virtualServers"/> TCP virtual servers (DR, wlc) with <paramref name="realServersEach"/> real
    /// servers each, every real server with a TCP_CHECK; addresses are unique across the file.
    /// </summary>
    public static string Generate(int virtualServers, int realServersEach)
    {
        var sb = new StringBuilder(virtualServers * (200 + realServersEach * 110));
        sb.Append("global_defs {\n    router_id bench\n}\n");
        for (int v = 0; v < virtualServers; v++)
        {
            sb.Append("virtual_server 10.").Append(v >> 8 & 0xff).Append('.').Append(v & 0xff).Append(".1 80 {\n")
              .Append("    delay_loop 10\n    lb_algo wlc\n    lb_kind DR\n    protocol TCP\n");
            for (int r = 0; r < realServersEach; r++)
            {
                sb.Append("    real_server 172.").Append(16 + (r >> 8 & 0x0f)).Append('.').Append(r & 0xff).Append('.').Append(1 + v % 250)
                  .Append(" 80 {\n        weight ").Append(1 + r % 10)
                  .Append("\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n");
            }
            sb.Append("}\n");
        }
        return sb.ToString();
    }
}
