using Parley.Client;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Client;

/// <summary>Parley.Client's widget channels against a real Parley: the secret once, changes, rotation, deletion, admins only.</summary>
public abstract class WidgetChannelClientTests(ParleyApp app)
{
    private ParleyClient Connect(TestUser user)
    {
        var client = new ParleyClient(new HttpClient { BaseAddress = app.BaseAddress });
        client.UseTokens(new ParleyTokens(user.AccessToken, user.RefreshToken));
        return client;
    }

    [Fact]
    public async Task An_admin_creates_lists_changes_rotates_and_deletes_a_channel_and_the_secret_shows_only_twice()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        using var client = Connect(admin);
        var assistant = await client.Assistants.CreateAsync(new { name = "Shop helper" });

        var created = await client.WidgetChannels.CreateAsync(new
        {
            name = "Shop",
            assistant_id = assistant.Id,
            greeting = "Hi!",
            allowed_origins = new[] { "https://shop.example.com" },
            color = "#123456",
            position = "left",
            pre_chat_fields = new[] { "email" },
        });
        Assert.StartsWith("wt_", created.Channel.WebsiteToken, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(created.IdentitySecret));
        Assert.Equal(assistant.Id, created.Channel.AssistantId);
        Assert.Equal(["https://shop.example.com"], created.Channel.AllowedOrigins);
        Assert.Equal(["email"], created.Channel.PreChatFields);
        Assert.Contains(created.Channel.WebsiteToken, created.Channel.EmbedSnippet, StringComparison.Ordinal);

        var page = await client.WidgetChannels.ListAsync(new ListQuery { Size = 50 });
        var listed = Assert.Single(page.Items, c => c.Id == created.Channel.Id);
        var read = await client.WidgetChannels.GetAsync(created.Channel.Id);
        Assert.Equal("Shop", read.Name);
        foreach (var model in new ParleyModel[] { listed, read })
        {
            Assert.DoesNotContain(created.IdentitySecret, System.Text.Json.JsonSerializer.Serialize(model.Extra), StringComparison.Ordinal);
        }

        var changed = await client.WidgetChannels.UpdateAsync(created.Channel.Id, new { color = "#abcdef", strings = new Dictionary<string, string> { ["send"] = "Go" } });
        Assert.Equal("#abcdef", changed.Color);
        Assert.Equal("left", changed.Position);
        Assert.Equal("Go", changed.Strings["send"]);

        var rotated = await client.WidgetChannels.RotateSecretAsync(created.Channel.Id);
        Assert.Equal(created.Channel.Id, rotated.ChannelId);
        Assert.NotEqual(created.IdentitySecret, rotated.IdentitySecret);

        var invalid = await Assert.ThrowsAsync<ParleyApiException>(() => client.WidgetChannels.UpdateAsync(created.Channel.Id, new { color = "red" }));
        Assert.Equal(422, invalid.Status);
        Assert.Contains(invalid.Details, d => d.Field == "color");

        await client.WidgetChannels.DeleteAsync(created.Channel.Id);
        var gone = await Assert.ThrowsAsync<ParleyApiException>(() => client.WidgetChannels.GetAsync(created.Channel.Id));
        Assert.Equal(404, gone.Status);
    }

    [Fact]
    public async Task Agents_are_refused_and_another_tenants_channel_is_not_found()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        using var adminClient = Connect(admin);
        var created = await adminClient.WidgetChannels.CreateAsync(new { name = "Mine" });

        using var agent = Connect(await app.CreateUserAsync(admin, "agent"));
        var refused = await Assert.ThrowsAsync<ParleyApiException>(() => agent.WidgetChannels.ListAsync());
        Assert.Equal(403, refused.Status);

        using var stranger = Connect(await app.CreateTenantWithAdminAsync("Other"));
        var foreign = await Assert.ThrowsAsync<ParleyApiException>(() => stranger.WidgetChannels.RotateSecretAsync(created.Channel.Id));
        Assert.Equal(404, foreign.Status);
    }
}

public sealed class SqliteWidgetChannelClientTests(SqliteApp app) : WidgetChannelClientTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresWidgetChannelClientTests(PostgresApp app) : WidgetChannelClientTests(app), IClassFixture<PostgresApp>;
