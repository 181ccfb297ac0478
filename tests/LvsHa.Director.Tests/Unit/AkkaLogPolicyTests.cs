using System.Runtime.Serialization;
using Akka.Event;
using LvsHa.Director.Hosting;
using LvsHa.Director.Membership;
using Serilog.Events;

namespace LvsHa.Director.Tests.Unit;

public sealed class AkkaLogPolicyTests
{
    private const string TlsFailure =
        "TLS handshake failed on channel [[::ffff:10.0.0.1]:44552->[::ffff:10.0.0.3]:2552](Id=2ebabbaa)\nTLS handshake failed (Client side):\n  Error: ...";

    private readonly ManualTimeProvider _time = new();

    private AkkaLogPolicy Policy() => new(_time);

    [Fact]
    public void Decide_AkkaInfo_Dropped()
    {
        Assert.Null(Policy().Decide(new Info("akka://lvsha/system/cluster/core/daemon", typeof(DummyClassForStringSources), "Cluster Node started")));
    }

    [Fact]
    public void Decide_OwnActorInfo_KeptWithItsClassAsSource()
    {
        var line = Policy().Decide(new Info("akka://lvsha/user/seed-joiner", typeof(SeedJoiner), "Joining"));
        Assert.NotNull(line);
        Assert.Equal(typeof(SeedJoiner).FullName, line.Source);
        Assert.Equal(LogEventLevel.Information, line.Level);
    }

    [Fact]
    public void Decide_AkkaStringSource_AttributedToTheNamedSourceNotTheDummyClass()
    {
        var line = Policy().Decide(new Warning("remoting (akka://lvsha)", typeof(DummyClassForStringSources), "Tried to associate with unreachable remote address [akka.ssl.tcp://lvsha@10.0.0.3:2552]."));
        Assert.NotNull(line);
        Assert.Equal("remoting (akka://lvsha)", line.Source);
    }

    [Fact]
    public void Decide_AkkaErrorWithTroubleshootingTextAndException_OneLineWithInnermostCauseNoStackTrace()
    {
        var cause = new AggregateException(new System.Security.Authentication.AuthenticationException("The remote certificate was rejected"));
        var line = Policy().Decide(new Error(cause, "TcpClientHandler", typeof(Akka.Remote.RemoteSettings), TlsFailure));
        Assert.NotNull(line);
        Assert.Null(line.Exception);
        Assert.Equal(LogEventLevel.Error, line.Level);
        Assert.Equal("TLS handshake failed on channel [[::ffff:10.0.0.1]:44552->[::ffff:10.0.0.3]:2552](Id=2ebabbaa)", line.Arguments[0]);
        Assert.Equal("The remote certificate was rejected", line.Arguments[1]);
        Assert.DoesNotContain('\n', string.Join(' ', line.Arguments));
    }

    [Fact]
    public void Decide_PeerRefusedTheConnectionOrGated_InformationAnOtherAssociationErrorStaysAWarning()
    {
        // As Akka.Remote's EndpointWriter logs it when the peer's director is not listening yet (a cold start).
        var policy = Policy();
        var refused = policy.Decide(new Warning("akka.tcp://lvsha@10.0.0.1:2552/system/endpointManager", typeof(Akka.Remote.RemoteSettings),
            "AssociationError [akka.ssl.tcp://lvsha@10.0.0.1:2552] -> akka.ssl.tcp://lvsha@10.0.0.2:2552: Error [Connection refused ssl.tcp://lvsha@10.0.0.2:2552] []"));
        Assert.Equal(LogEventLevel.Information, refused?.Level);
        var timedOut = policy.Decide(new Warning("akka.tcp://lvsha@10.0.0.1:2552/system/endpointManager", typeof(Akka.Remote.RemoteSettings),
            "AssociationError [akka.ssl.tcp://lvsha@10.0.0.1:2552] -> akka.ssl.tcp://lvsha@10.0.0.3:2552: Error [Connection timed out] []"));
        Assert.Equal(LogEventLevel.Warning, timedOut?.Level);
        var gated = policy.Decide(new Warning("remoting (akka://lvsha)", typeof(DummyClassForStringSources),
            "Tried to associate with unreachable remote address [akka.ssl.tcp://lvsha@10.0.0.2:2552]. Address is now gated for 500 ms, all messages to this address will be delivered to dead letters. Reason: [Association failed] Caused by: [Connection refused]"));
        Assert.Equal(LogEventLevel.Information, gated?.Level);
    }

    [Fact]
    public void Decide_JoinRetriedAtAColdStart_InformationAJoinRetriedForAMinuteAWarning()
    {
        // As Akka.Cluster's JoinSeedNodeProcess logs each attempt from the second on, one per seed-node-timeout (5 s).
        var policy = Policy();
        const string Source = "akka://lvsha/system/cluster/core/daemon/joinSeedNodeProcess-1";
        Warning Retry(int attempts) => new(Source, typeof(Akka.Cluster.Cluster),
            $"Couldn't join seed nodes after [{attempts}] attempts, will try again. seed-nodes=[akka.ssl.tcp://lvsha@10.0.0.2:2552]");
        Assert.Equal(LogEventLevel.Information, policy.Decide(Retry(2))?.Level);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(policy.Decide(Retry(3)));
        _time.Advance(TimeSpan.FromSeconds(45));
        var stillJoining = policy.Decide(Retry(AkkaLogPolicy.JoinAttemptsBeforeWarning));
        Assert.Equal(LogEventLevel.Warning, stillJoining?.Level);
        Assert.Equal(typeof(Akka.Cluster.Cluster).FullName, stillJoining?.Source);
    }

    [Fact]
    public void Decide_EchoesOfAFailedAssociation_DebugItsWarningStays()
    {
        // As Akka.Remote logs a peer that vanished without closing its connection: the detector's timeout and the
        // supervisor strategy's "Disassociated" name no peer; the supervisor's warning does and is the one line.
        var policy = Policy();
        var timeout = policy.Decide(new Error(null, "akka://lvsha/system/transports/akkaprotocolmanager.tcp.0/akkaProtocol-tcp%3A%2F%2Flvsha%4010.0.0.2%3A2552-3", typeof(Akka.Remote.RemoteSettings),
            "No response from remote. Handshake timed out or transport failure detector triggered. (internal state was Open)"));
        Assert.Equal(LogEventLevel.Debug, timeout?.Level);
        var handshake = policy.Decide(new Error(null, "akka://lvsha/system/transports/akkaprotocolmanager.tcp.0/akkaProtocol-tcp%3A%2F%2Flvsha%4010.0.0.2%3A2552-4", typeof(Akka.Remote.RemoteSettings),
            "No response from remote for outbound association. Handshake timed out after [15000] ms"));
        Assert.Equal(LogEventLevel.Debug, handshake?.Level);
        var thrown = (Exception)Activator.CreateInstance(typeof(Akka.Remote.RemoteSettings).Assembly.GetType("Akka.Remote.EndpointDisassociatedException", throwOnError: true)!, "Disassociated")!;
        var disassociated = policy.Decide(new Error(thrown, "akka://lvsha/system/endpointManager/reliableEndpointWriter-1/endpointWriter", typeof(Akka.Actor.OneForOneStrategy), "Disassociated"));
        Assert.Equal(LogEventLevel.Debug, disassociated?.Level);
        var failed = policy.Decide(new Warning("akka://lvsha/system/endpointManager/reliableEndpointWriter-1", typeof(Akka.Remote.RemoteSettings),
            "Association with remote system akka.ssl.tcp://lvsha@10.0.0.2:2552 has failed; address is now gated for 500 ms. Reason is: [Akka.Remote.EndpointDisassociatedException: Disassociated"));
        Assert.Equal(LogEventLevel.Warning, failed?.Level);
    }

    [Fact]
    public void Decide_SamePeerAgainWithinWindow_OneLineThenASummaryAfterTheWindow()
    {
        var policy = Policy();
        Assert.NotNull(policy.Decide(Failure(44552)));
        for (var port = 44553; port < 44568; port++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Null(policy.Decide(Failure(port)));
        }

        // Another peer is its own line.
        Assert.NotNull(policy.Decide(new Error(null, "TcpClientHandler", typeof(Akka.Remote.RemoteSettings), TlsFailure.Replace("10.0.0.3", "10.0.0.4", StringComparison.Ordinal))));

        _time.Advance(AkkaLogPolicy.Window);
        var summary = policy.Decide(Failure(44600));
        Assert.NotNull(summary);
        Assert.Contains(15, summary.Arguments.OfType<int>());
    }

    [Fact]
    public void Decide_PeersJsonRefused_OneWarningPerPeerAndTypeNamingBoth()
    {
        var policy = Policy();
        var gadget = Refused("10.0.0.3", new RefusedMessageException("Gadget, Evil"));
        Assert.NotNull(gadget);
        Assert.Equal(LogEventLevel.Warning, gadget.Level);
        Assert.Equal(typeof(JsonRefusingSerializer).FullName, gadget.Source);
        Assert.Equal(["akka.ssl.tcp://lvsha@10.0.0.3:2552", "Gadget, Evil"], gadget.Arguments[..2]);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Refused("10.0.0.3", new RefusedMessageException("Gadget, Evil")));
        // Nested in an actor selection, Akka wraps the refusal; another type is its own line, so is another peer.
        var list = Refused("10.0.0.3", new SerializationException("Failed to deserialize payload object when deserializing ActorSelectionMessage", new RefusedMessageException("List, Evil")));
        Assert.Equal("List, Evil", list?.Arguments[1]);
        Assert.NotNull(Refused("10.0.0.4", new RefusedMessageException("Gadget, Evil")));

        _time.Advance(AkkaLogPolicy.Window);
        var summary = Refused("10.0.0.3", new RefusedMessageException("Gadget, Evil"));
        Assert.Contains(1, summary?.Arguments.OfType<int>() ?? []);

        // As Akka.Remote's EndpointReader logs it: no peer in the text; the reader's path starts with our address and names the peer's, encoded.
        AkkaLogLine? Refused(string host, Exception cause) => policy.Decide(new Warning(
            cause,
            $"akka.ssl.tcp://lvsha@10.0.0.1:2552/system/endpointManager/endpointWriter-akka.ssl.tcp%3A%2F%2Flvsha%40{host}%3A2552-3/endpointReader-akka.ssl.tcp%3A%2F%2Flvsha%40{host}%3A2552-1",
            typeof(Akka.Remote.RemoteSettings),
            "Deserialization failed for message with serializer id [1] and manifest []. Transient association error (association remains live)."));
    }

    [Theory]
    [InlineData("akka.ssl.tcp://lvsha@10.0.0.3:2552", "10.0.0.3")]
    [InlineData("[::ffff:10.0.0.4]:48660", "10.0.0.4")]
    [InlineData("[fd00::4]:48660", "[fd00::4]")]
    public void PeerHost_AkkaAddressOrEndpoint_TheIpAddress(string peer, string host) => Assert.Equal(host, AkkaLogPolicy.PeerHost(peer));

    private static Error Failure(int port) =>
        new(null, "TcpClientHandler", typeof(Akka.Remote.RemoteSettings), TlsFailure.Replace("44552", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
}
