namespace LvsHa.RealServers.Model;

/// <summary>How to reach real servers over SSH (the real_server_prep block).</summary>
/// <param name="User">The login user; a non-root user runs changes through <c>sudo -n</c>.</param>
/// <param name="Port">The SSH port.</param>
/// <param name="IdentityFile">The private key file (key authentication only).</param>
/// <param name="KnownHostsFile">The OpenSSH known_hosts file every host key must match.</param>
/// <param name="Persist">Whether to write the sysctl file and the boot unit so a reboot keeps the state.</param>
public sealed record SshSettings(string User, int Port, string IdentityFile, string KnownHostsFile, bool Persist = true);
