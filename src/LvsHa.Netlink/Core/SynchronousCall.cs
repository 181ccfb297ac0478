namespace LvsHa.Netlink.Core;

/// <summary>
/// Runs a netlink exchange under a lock on the caller's thread and hands back a completed task: netlink to the
/// kernel answers immediately, so a thread hop would cost more than the call. Failures travel in the task.
/// </summary>
internal static class SynchronousCall
{
    public static Task<T> Run<T>(object gate, Func<T> action, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        try
        {
            lock (gate)
                return Task.FromResult(action());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }
}
