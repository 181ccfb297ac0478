namespace LvsHa.Health.Scheduling;

/// <summary>The last N check attempts of one real server (all its checkers), oldest first; thread-safe.</summary>
public sealed class HealthHistory(int capacity)
{
    private readonly CheckRecord[] records = new CheckRecord[Math.Max(1, capacity)];
    private readonly Lock gate = new();
    private int next;
    private int count;

    /// <summary>How many records are kept.</summary>
    public int Capacity => records.Length;

    /// <summary>Appends a record, dropping the oldest when full.</summary>
    public void Add(CheckRecord record)
    {
        lock (gate)
        {
            records[next] = record;
            next = (next + 1) % records.Length;
            count = Math.Min(count + 1, records.Length);
        }
    }

    /// <summary>The kept records, oldest first.</summary>
    public IReadOnlyList<CheckRecord> Snapshot()
    {
        lock (gate)
        {
            var result = new CheckRecord[count];
            for (var i = 0; i < count; i++) result[i] = records[(next - count + i + records.Length) % records.Length];
            return result;
        }
    }
}
