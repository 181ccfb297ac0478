using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace LvsHa.Health.Checkers;

/// <summary>Creates sockets inside another network namespace. A socket keeps the namespace it was created in, so
/// only its creation needs setns(2), done on a short-lived dedicated thread (setns changes the calling thread only,
/// and a pool thread must never be left in a foreign namespace); all I/O afterwards is ordinary async I/O.</summary>
public static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>Creates a socket in the namespace at <paramref name="namespacePath"/> (e.g. /run/netns/NAME).</summary>
    /// <exception cref="IOException">The namespace cannot be opened.</exception>
    /// <exception cref="Win32Exception">setns failed (needs CAP_SYS_ADMIN).</exception>
    public static Socket CreateSocket(string namespacePath, AddressFamily family, SocketType type, ProtocolType protocol) =>
        Run(namespacePath, () => new Socket(family, type, protocol), static s => s.Dispose());

    /// <summary>Runs <paramref name="create"/> on a short-lived thread inside the namespace and returns its result:
    /// sockets it creates belong to that namespace. It must not start threads (thread-pool work, timers): a thread
    /// inherits its creator's namespace.</summary>
    /// <exception cref="IOException">The namespace cannot be opened.</exception>
    /// <exception cref="Win32Exception">setns failed (needs CAP_SYS_ADMIN).</exception>
    private static T Run<T>(string namespacePath, Func<T> create, Action<T>? discard = null)
    {
        T? created = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var own = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(namespacePath);
                Enter(target.DangerousGetHandle());
                try
                {
                    created = create();
                }
                finally
                {
                    // If returning fails the thread is unusable; it ends right here, so nothing else runs in it.
                    Enter(own.DangerousGetHandle());
                }
            }
            catch (Exception e)
            {
                // Anything escaping a thread would end the process: hand it to the caller instead.
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = "lvsha-netns",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            if (created is not null) discard?.Invoke(created);
            throw failure is Win32Exception or IOException ? failure : new IOException(failure.Message, failure);
        }

        return created!;
    }

    private static void Enter(nint fd)
    {
        if (SetNs((int)fd, CloneNewNet) != 0) throw new Win32Exception(Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
