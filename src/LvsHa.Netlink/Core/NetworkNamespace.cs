using System.Runtime.ExceptionServices;
using System.Text;
using static Tmds.Linux.LibC;

namespace LvsHa.Netlink.Core;

/// <summary>
/// Runs code inside a network namespace on a dedicated thread (setns(CLONE_NEWNET) changes only the calling
/// thread, and a socket stays in the namespace it was created in), so the process's other threads are untouched.
/// </summary>
internal static unsafe class NetworkNamespace
{
    public static T Run<T>(string namespacePath, Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Enter(namespacePath);
                result = action();
            }
            catch (Exception exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
        })
        {
            IsBackground = true,
            Name = "netns " + namespacePath,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    private static void Enter(string namespacePath)
    {
        var path = Encoding.UTF8.GetBytes(namespacePath + "\0");
        int fd;
        fixed (byte* pointer = path)
        {
            do
            {
                fd = open(pointer, O_RDONLY | O_CLOEXEC, 0);
            }
            while (NetlinkSocket.Retry(fd, $"opening network namespace {namespacePath}"));
        }
        using var handle = new FileDescriptorHandle(fd);
        if (setns(fd, CLONE_NEWNET) < 0)
            throw NetlinkSocket.Failure(errno, $"entering network namespace {namespacePath}");
    }
}
