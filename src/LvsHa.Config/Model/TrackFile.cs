namespace LvsHa.Config;

/// <summary>
/// A `track_file NAME { ... }` block (keepalived's deprecated synonym `vrrp_track_file` too): a file holding a number
/// that vrrp instances (`track_file` in vrrp_instance) and real servers (`FILE_CHECK`) follow as it changes.
/// </summary>
/// <remarks>keepalived 2.2.7 (trackers/track_file.c): with weight 0 a non-zero number is a failure; otherwise the
/// number times the weight is added to the priority (or the real server's weight). A missing or empty file reads as
/// 0.</remarks>
public sealed record TrackFile
{
    /// <summary>The name track_file entries and FILE_CHECK refer to.</summary>
    public required string Name { get; init; }

    /// <summary>`file PATH`: the file watched.</summary>
    public required string Path { get; init; }

    /// <summary>`weight N` (-254..254, default 1).</summary>
    public int Weight { get; init; } = 1;

    /// <summary>`weight N reverse`: the number counts the other way round.</summary>
    public bool WeightReverse { get; init; }

    /// <summary>`init_file [VALUE] [overwrite]`: the file is written at start (null: never written).</summary>
    public TrackFileInit? Init { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }
}

/// <summary>`init_file [VALUE] [overwrite]`: write <paramref name="Value"/> to the file at start when it does not
/// exist, or always with <paramref name="Overwrite"/> (never on reload, as keepalived).</summary>
public sealed record TrackFileInit(int Value, bool Overwrite);

/// <summary>A track_file followed by a vrrp_instance (`track_file { NAME [weight N [reverse|noreverse]] }`).</summary>
/// <param name="Name">track_file name.</param>
/// <param name="Weight">Weight override, or null to use the track_file's.</param>
/// <param name="Location">Where it was written.</param>
public sealed record TrackedFile(string Name, int? Weight, SourceLocation Location)
{
    /// <summary>`reverse` (true) / `noreverse` (false); null to use the track_file's.</summary>
    public bool? Reverse { get; init; }
}
