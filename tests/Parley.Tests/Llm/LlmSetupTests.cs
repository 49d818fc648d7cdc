using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Conversations;
using Parley.Server.Conversations.Llm;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Llm;

public sealed class LlmSetupTests(SqliteApp plain) : IClassFixture<SqliteApp>
{
    [Fact]
    public void Without_a_provider_the_built_in_engine_answers()
        => Assert.IsType<BuiltInAnswerGenerator>(plain.Services.GetRequiredService<IAnswerGenerator>());

    [Theory]
    [InlineData("ftp://127.0.0.1/v1", "test-model", "Parley:Llm:BaseUrl")]
    [InlineData("http://user:secret@127.0.0.1/v1", "test-model", "Parley:Llm:BaseUrl")]
    [InlineData("http://127.0.0.1:11434/v1", "", "Parley:Llm:Model")]
    public async Task A_misconfigured_provider_stops_the_server_at_start(string baseUrl, string model, string named)
    {
        var app = new MisconfiguredApp(baseUrl, model);
        var error = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    private sealed class MisconfiguredApp(string baseUrl, string model) : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Parley:Llm:BaseUrl", baseUrl), new("Parley:Llm:Model", model)];
    }
}

/// <summary>A keyless local server (Ollama, llama.cpp) gets no credential header at all.</summary>
public sealed class KeylessLlmTests(KeylessLlmApp app) : IClassFixture<KeylessLlmApp>
{
    [Fact]
    public async Task Without_a_key_no_credential_header_is_sent()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Stream("Hello! How can I help?"));

        var (turn, _) = await LlmTurns.AskAsync(user, $"Hi there {scenario.Tag}");

        Assert.Equal("llm", turn.Text("engine"));
        var request = Assert.Single(scenario.Requests);
        Assert.Null(request.Authorization);
        Assert.Null(request.ApiKeyHeader);
    }
}

public sealed class HeaderKeyLlmTests(HeaderKeyLlmApp app) : IClassFixture<HeaderKeyLlmApp>
{
    [Fact]
    public async Task The_key_goes_in_the_configured_header_and_nowhere_else()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Stream("Hello! How can I help?"));

        var (turn, _) = await LlmTurns.AskAsync(user, $"Hi there {scenario.Tag}");

        Assert.Equal("llm", turn.Text("engine"));
        var request = Assert.Single(scenario.Requests);
        Assert.Equal(HeaderKeyLlmApp.ApiKey, request.ApiKeyHeader);
        Assert.Null(request.Authorization);
    }
}
