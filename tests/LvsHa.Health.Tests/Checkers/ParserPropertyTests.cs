using FsCheck;
using FsCheck.Fluent;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Health.Tests.Checkers;

public class ParserPropertyTests
{
    [FsCheck.Xunit.Property]
    public Property TryParseStatus_AnyBytes_NeverThrowsAndCodeIsThreeDigits(byte[] bytes) =>
        Prop.ToProperty(!HttpCheck.TryParseStatus(bytes ?? [], out var status) || status is >= 0 and <= 999);

    [FsCheck.Xunit.Property]
    public Property ContentLength_AnyBytes_NeverThrowsAndNeverNegative(byte[] bytes) =>
        Prop.ToProperty(HttpCheck.ContentLength(bytes ?? []) is null or >= 0);

    [FsCheck.Xunit.Property]
    public Property ScriptCommandParse_AnyString_OnlyFormatException(string line)
    {
        try
        {
            var command = ScriptCommand.Parse(line ?? string.Empty);
            return Prop.ToProperty(command.Program.Length > 0 || line!.Contains('\'') || line.Contains('"'));
        }
        catch (FormatException)
        {
            return Prop.ToProperty(true);
        }
    }

    [FsCheck.Xunit.Property]
    public Property DnsQuery_RoundTrip_ReplyWithSameIdAccepted(ushort id, byte rcode)
    {
        var query = DnsQuery.Build(id, "rs.example.test", "A");
        query[2] |= 0x80; // QR: a response
        query[3] = (byte)(rcode & 0x0F);
        return Prop.ToProperty(DnsQuery.TryReadReply(query, id, out var read) && read == (rcode & 0x0F)
            && !DnsQuery.TryReadReply(query, (ushort)(id + 1), out _));
    }
}
