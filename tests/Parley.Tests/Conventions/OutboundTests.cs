using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.Secrets;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conventions;

/// <summary>Parley allowed to call 127.0.0.1 (as every feature test that uses a local fake must be).</summary>
public sealed class LoopbackAllowedApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Outbound:Allow:0", "127.0.0.1")];
}

public sealed class OutboundTests(SqliteApp strict, LoopbackAllowedApp allowed) : IClassFixture<SqliteApp>, IClassFixture<LoopbackAllowedApp>
{
    private static OutboundGuard Guard(params string[] allow)
        => new(new StaticOptions(new OutboundOptions { Allow = allow }));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.20.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Non_public_addresses_are_refused(string address)
        => Assert.False(AddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("140.82.112.3")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_pass(string address)
        => Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("ftp://example.com/x", "http or https")]
    [InlineData("not a url", "absolute")]
    [InlineData("http://user:pw@example.com/", "credentials")]
    [InlineData("http://169.254.169.254/latest/meta-data", "non-public")]
    [InlineData("http://[::1]:8080/", "non-public")]
    [InlineData("http://localhost:8080/", "localhost")]
    public void Configured_urls_are_checked(string url, string reason)
        => Assert.Contains(reason, Guard().CheckUrl(url));

    [Fact]
    public void Allowlist_accepts_ranges_and_hosts()
    {
        var guard = Guard("10.0.0.0/8", "jira.internal", "::1");
        Assert.Null(guard.CheckUrl("http://10.9.8.7/rest"));
        Assert.Null(guard.CheckUrl("http://[::1]:9000/"));
        Assert.Null(guard.CheckUrl("https://example.com/hook"));
        Assert.True(guard.IsAllowed("jira.internal", IPAddress.Parse("192.168.5.5")));
        Assert.False(guard.IsAllowed("other.internal", IPAddress.Parse("192.168.5.5")));
    }

    [Fact]
    public async Task The_outbound_client_refuses_loopback_at_connect_time_unless_allowlisted()
    {
        var target = new Uri(allowed.BaseAddress, "/health");

        using var strictClient = strict.Services.GetRequiredService<IHttpClientFactory>().CreateClient(OutboundHttp.ClientName);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => strictClient.GetAsync(target));
        Assert.StartsWith("blocked:", OutboundHttp.Describe(refused));

        using var allowedClient = allowed.Services.GetRequiredService<IHttpClientFactory>().CreateClient(OutboundHttp.ClientName);
        using var response = await allowedClient.GetAsync(target);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Secrets_round_trip_and_are_not_stored_in_plaintext()
    {
        var secrets = strict.Services.GetRequiredService<SecretProtector>();
        var sealedValue = secrets.Protect("jira-token-123");
        Assert.DoesNotContain("jira-token-123", sealedValue);
        Assert.Equal("jira-token-123", secrets.Unprotect(sealedValue));
        Assert.Null(secrets.Unprotect("garbage"));

        var otherInstall = DataProtectionProvider.Create("Parley");
        Assert.Null(new SecretProtector(otherInstall).Unprotect(sealedValue));
        Assert.True(Directory.EnumerateFiles(Path.Combine(strict.DataDir, "keys")).Any());
    }

    private sealed class StaticOptions(OutboundOptions value) : IOptionsMonitor<OutboundOptions>
    {
        public OutboundOptions CurrentValue => value;
        public OutboundOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<OutboundOptions, string?> listener) => null;
    }
}
