using System.Net;
using System.Net.Sockets;
using LvsHa.Director.Metrics;
using LvsHa.Director.Vrrp;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Director.Tests.Metrics;

public sealed class MetricsHttpServerTests
{
    [Fact]
    public async Task Get_Metrics_ServesTheRegistryInPrometheusTextFormat()
    {
        var metrics = new DirectorMetrics();
        metrics.Record(new VrrpStateTransition("VI_1", 51, "BACKUP", "MASTER"));
        using var server = new MetricsHttpServer(new MetricsListenOptions("127.0.0.1", 0), metrics.Registry, NullLogger.Instance);
        await server.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.LocalEndPoint!.Port}") };

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        using var other = await http.GetAsync(new Uri("/", UriKind.Relative));
        using var post = await http.PostAsync(new Uri("/metrics", UriKind.Relative), new StringContent(""));
        // By host name rather than address: still served (no Host header matching).
        using var byName = new HttpClient();
        using var named = await byName.GetAsync(new Uri($"http://localhost:{server.LocalEndPoint.Port}/metrics?x=1"));
        await server.StopAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType.Parameters.Single(p => p.Name == "version").Value);
        Assert.Contains("# TYPE lvsha_vrrp_instance_transitions_total counter", body, StringComparison.Ordinal);
        Assert.Equal(1, MetricsText.Value(body, "lvsha_vrrp_instance_transitions_total", ("vrrp_instance", "VI_1"), ("from", "BACKUP"), ("to", "MASTER")));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
    }

    [Fact]
    public async Task SilentClients_BeyondTheCap_AreClosedAndScrapesWorkOnceTheyGo()
    {
        var metrics = new DirectorMetrics();
        using var server = new MetricsHttpServer(new MetricsListenOptions("127.0.0.1", 0), metrics.Registry, NullLogger.Instance);
        await server.StartAsync(CancellationToken.None);
        var endpoint = new IPEndPoint(IPAddress.Loopback, server.LocalEndPoint!.Port);
        var silent = new List<Socket>();
        try
        {
            for (var i = 0; i < MetricsHttpServer.MaxConnections; i++)
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(endpoint);
                silent.Add(s);
            }

            using var extra = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await extra.ConnectAsync(endpoint);
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            // Closed by the server at once: the read ends with 0 bytes (or a reset), not after the request timeout.
            var got = await ReadOrResetAsync(extra, read.Token);
            Assert.Equal(0, got);
        }
        finally
        {
            silent.ForEach(s => s.Dispose());
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{endpoint.Port}") };
        using var response = await Retry(() => http.GetAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await server.StopAsync(CancellationToken.None);
    }

    private static async Task<int> ReadOrResetAsync(Socket socket, CancellationToken cancellationToken)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[16], cancellationToken);
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    /// <summary>The server frees a slot when it sees the silent client's close: give it a moment.</summary>
    private static async Task<HttpResponseMessage> Retry(Func<Task<HttpResponseMessage>> get)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await get();
            }
            catch (HttpRequestException) when (attempt < 20)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Start_PortTaken_ClearErrorNamingMetricsListen()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        using var server = new MetricsHttpServer(new MetricsListenOptions("127.0.0.1", port), new DirectorMetrics().Registry, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<DirectorConfigException>(() => server.StartAsync(CancellationToken.None));
        // The host stops and disposes what failed to start, the container disposes it once more.
        await server.StopAsync(CancellationToken.None);
        server.Dispose();

        Assert.Equal($"metrics_listen 127.0.0.1:{port}: cannot listen: the port is already in use (another lvsha or exporter listens there; stop it or choose another port)", error.Message);
    }

    [Fact]
    public async Task Scrape_SourceReadAtEveryScrape()
    {
        var source = new CountingSource();
        var metrics = new DirectorMetrics(source);

        await MetricsText.ExportAsync(metrics.Registry);
        var text = await MetricsText.ExportAsync(metrics.Registry);

        Assert.Equal(2, source.Reads);
        Assert.Equal(0, MetricsText.Value(text, "lvsha_metrics_source_up", ("source", "ipvs")));
    }

    private sealed class CountingSource : IMetricsSource
    {
        public int Reads { get; private set; }

        public Task<MetricsSnapshot> ReadAsync(CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(new MetricsSnapshot(null, null, null) { Sources = new Dictionary<string, bool>(StringComparer.Ordinal) { ["ipvs"] = false } });
        }
    }
}
