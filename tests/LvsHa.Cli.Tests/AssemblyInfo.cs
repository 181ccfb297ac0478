// The CLI runs on Linux only (netlink, raw sockets, Unix file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
