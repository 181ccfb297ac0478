namespace LvsHa.Director.Instances;

/// <summary>Adds and removes the VIPs of a vrrp instance (rtnetlink in the daemon).</summary>
public interface IVipManager
{
    /// <summary>Adds every VIP of <paramref name="instance"/> (idempotent).</summary>
    Task AddVipsAsync(string instance, CancellationToken cancellationToken);

    /// <summary>Removes every VIP of <paramref name="instance"/> (idempotent).</summary>
    Task RemoveVipsAsync(string instance, CancellationToken cancellationToken);
}

/// <summary>Sends gratuitous ARP / unsolicited neighbour advertisements for the VIPs of an instance.</summary>
public interface IGarpSender
{
    /// <summary>Announces the VIPs of <paramref name="instance"/> with one burst (the behavior times the bursts).</summary>
    Task SendAsync(string instance, LvsHa.Vrrp.SendGratuitousArps burst, CancellationToken cancellationToken);
}

/// <summary>Runs notify scripts; implementations keep the calls of one instance in order.</summary>
public interface INotifyRunner
{
    /// <summary>Runs the scripts for <paramref name="instance"/> entering <paramref name="state"/> at <paramref name="priority"/>.</summary>
    Task RunAsync(string instance, string state, int priority, CancellationToken cancellationToken);
}

/// <summary>The effects an instance actor uses; a host without plugged effects (unit tests) passes <see cref="None"/>.</summary>
/// <param name="Vips">VIP manager.</param>
/// <param name="Garp">GARP sender.</param>
/// <param name="Notify">Notify script runner.</param>
public sealed record InstanceEffects(IVipManager Vips, IGarpSender Garp, INotifyRunner Notify)
{
    /// <summary>Effects that do nothing.</summary>
    public static readonly InstanceEffects None = new(NoEffects.Instance, NoEffects.Instance, NoEffects.Instance);

    private sealed class NoEffects : IVipManager, IGarpSender, INotifyRunner
    {
        public static readonly NoEffects Instance = new();

        public Task AddVipsAsync(string instance, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveVipsAsync(string instance, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SendAsync(string instance, LvsHa.Vrrp.SendGratuitousArps burst, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RunAsync(string instance, string state, int priority, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
