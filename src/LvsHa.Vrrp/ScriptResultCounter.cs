namespace LvsHa.Vrrp;

/// <summary>
/// keepalived's rise/fall counting for one vrrp_script (vrrp_script_child_thread): the verdict turns good after
/// <c>rise</c> successes in a row and bad after <c>fall</c> failures in a row. Until its first result the script is in
/// INIT (<see cref="IsUp"/> null): one success makes it good, one failure bad. With <c>init_fail</c> it starts bad and
/// needs <c>rise</c> successes.
/// </summary>
public sealed class ScriptResultCounter
{
    private readonly int _rise;
    private readonly int _fall;
    private int _result;

    /// <summary>Creates the counter; <paramref name="rise"/> and <paramref name="fall"/> are at least 1.</summary>
    public ScriptResultCounter(int rise, int fall, bool initFail)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rise, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fall, 1);
        _rise = rise;
        _fall = fall;

        // keepalived: INIT starts one success short of good; init_fail starts at the bottom (failed by config).
        _result = initFail ? 0 : rise - 1;
        IsUp = initFail ? false : null;
    }

    /// <summary>The verdict: true good, false bad, null not known yet (INIT, no result so far).</summary>
    public bool? IsUp { get; private set; }

    /// <summary>Counts one run (success = exit status 0); returns the new verdict when it changed, else null.</summary>
    public bool? Record(bool success)
    {
        var before = IsUp;
        if (success)
        {
            if (_result < _rise - 1)
                _result++;
            else
                _result = _rise + _fall - 1;
        }
        else if (_result > _rise)
        {
            _result--;
        }
        else
        {
            _result = 0;
        }

        // Any result ends INIT: its first success jumps to good, its first failure drops to the bottom.
        IsUp = _result >= _rise;
        return IsUp != before ? IsUp : null;
    }
}
