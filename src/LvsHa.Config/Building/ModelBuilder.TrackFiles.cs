using LvsHa.Config.Syntax;

namespace LvsHa.Config.Building;

/// <summary>`track_file NAME { file; weight; init_file }` (keepalived 2.2.7 trackers/track_file.c).</summary>
internal sealed partial class ModelBuilder
{
    private readonly List<TrackFile> _trackFiles = [];

    private void TrackFileBlock(SyntaxStatement block)
    {
        var name = _read.Arg(block, 0, "a track file name");
        if (!RequireBlock(block) || name is null)
            return;
        if (block.Keyword == "vrrp_track_file")
            _diagnostics.Warning(block.Location, "'vrrp_track_file' is deprecated (as in keepalived); write 'track_file'");
        string? path = null;
        int? weight = null;
        var reverse = false;
        TrackFileInit? init = null;
        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "file":
                    // keepalived keeps the first and reports the second as an error: refused here.
                    if (path is not null)
                        _diagnostics.Error(s.Location, $"track_file {name.Text}: 'file' written twice");
                    else
                        path = _read.Arg(s, 0, "a file path")?.Text;
                    break;
                case "weight":
                    if (weight is not null)
                        _diagnostics.Error(s.Location, $"track_file {name.Text}: 'weight' written twice");
                    weight = _read.Int(s, 0, -254, 254, "weight") ?? weight ?? 1;
                    if (s.ArgumentCount > 1 && s.Argument(1).Text == "reverse")
                        reverse = true;
                    else if (s.ArgumentCount > 1)
                        _diagnostics.Error(s.Argument(1).Location, "expected 'reverse' after the weight");
                    break;
                case "init_file":
                    init = InitFile(s);
                    break;
                default:
                    _read.NotSupported(s, "track_file");
                    break;
            }
        }

        if (path is null)
        {
            _diagnostics.Error(block.Location, $"track_file {name.Text} needs 'file'");
            return;
        }

        _trackFiles.Add(new TrackFile
        {
            Name = name.Text,
            Path = path,
            Weight = weight ?? 1,
            WeightReverse = reverse,
            Init = init,
            Location = block.Location,
        });
    }

    // `init_file [VALUE] [overwrite]`, in any order; the value defaults to 0.
    private TrackFileInit InitFile(SyntaxStatement s)
    {
        var value = 0;
        var overwrite = false;
        foreach (var word in s.Words.Skip(1))
        {
            if (word.Text == "overwrite")
                overwrite = true;
            else if (word.Text.Length > 0 && (char.IsAsciiDigit(word.Text[0]) || word.Text[0] == '-'))
                value = (int?)_read.Integer(word, -254, 254, "init_file value") ?? value;
            else
                _diagnostics.Error(word.Location, $"init_file: expected a value or 'overwrite', not '{word.Text}'");
        }

        return new TrackFileInit(value, overwrite);
    }
}
