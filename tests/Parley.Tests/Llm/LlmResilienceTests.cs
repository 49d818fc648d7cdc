namespace Parley.Tests.Llm;

/// <summary>
/// When the model server fails, the customer still gets an answer: from the model after a retry
/// when nothing has been streamed yet, otherwise from the built-in engine, marked as a fallback.
/// </summary>
public sealed class LlmResilienceTests(LlmApp app) : IClassFixture<LlmApp>
{
    private const int Attempts = 3; // MaxRetries 2

    [Fact]
    public async Task A_server_error_is_retried_then_answered_by_the_built_in_engine()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Error(500));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");

        Assert.Equal("built-in", turn.Text("engine"));
        Assert.True(bot.IsFallback());
        Assert.Equal("LlmProviderException", bot.Metadata().Text("fallback_reason"));
        Assert.False(string.IsNullOrWhiteSpace(turn.Text("response")));
        Assert.DoesNotContain("sk-te", bot.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(Attempts, scenario.Requests.Count);
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_before_the_first_token_are_retried_until_the_model_answers()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Error(429), FakeReply.Error(503), FakeReply.Stream("Refunds take 5 business days [2]."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How long do refunds take? {scenario.Tag}");

        Assert.Equal("llm", turn.Text("engine"));
        Assert.False(bot.IsFallback());
        Assert.Equal("Refunds take 5 business days [2].", turn.Text("response"));
        Assert.Equal(3, scenario.Requests.Count);
    }

    [Fact]
    public async Task A_rejected_key_is_not_retried()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Error(401), FakeReply.Stream("never sent"));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");

        Assert.Equal("built-in", turn.Text("engine"));
        Assert.True(bot.IsFallback());
        Assert.Single(scenario.Requests);
    }

    [Fact]
    public async Task Silence_before_the_first_token_ends_the_attempt_and_the_retry_answers()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.StallBeforeResponse(), FakeReply.Stream("Open Settings > Security [1]."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");

        Assert.Equal("llm", turn.Text("engine"));
        Assert.False(bot.IsFallback());
        Assert.Equal(2, scenario.Requests.Count);
    }

    [Fact]
    public async Task A_stall_mid_stream_falls_back_without_repeating_the_request()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.StallAfter(1, "You can reset ", "it under Settings."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");

        Assert.Equal("built-in", turn.Text("engine"));
        Assert.True(bot.IsFallback());
        Assert.Equal("LlmTimeoutException", bot.Metadata().Text("fallback_reason"));
        Assert.Single(scenario.Requests);
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_falls_back_without_repeating_the_request()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.DropAfter(2, "You can ", "reset it ", "under Settings."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");

        Assert.Equal("built-in", turn.Text("engine"));
        Assert.True(bot.IsFallback());
        Assert.Single(scenario.Requests);
    }

    [Fact]
    public async Task A_stream_cut_off_before_the_model_finished_is_not_taken_as_the_answer()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.TruncateAfter(1, "You can reset ", "it under Settings."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");

        Assert.Equal("built-in", turn.Text("engine"));
        Assert.True(bot.IsFallback());
        Assert.Single(scenario.Requests);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_key_never_reaches_another_host()
    {
        await using var elsewhere = await FakeOpenAiServer.StartAsync();
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Redirect(new Uri(elsewhere.BaseAddress, "/v1/chat/completions")));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");

        Assert.Equal("built-in", turn.Text("engine"));
        Assert.True(bot.IsFallback());
        Assert.Single(scenario.Requests);
        Assert.Empty(elsewhere.Requests);
    }
}

/// <summary>Repeated failures open the circuit: the model server is left alone and answers come from the built-in engine.</summary>
public sealed class LlmCircuitTests(CircuitLlmApp app) : IClassFixture<CircuitLlmApp>
{
    [Fact]
    public async Task Repeated_failures_open_the_circuit_and_the_provider_gets_no_more_calls()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Error(500));
        for (var i = 0; i < 2; i++)
        {
            var (_, failed) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");
            Assert.Equal("LlmProviderException", failed.Metadata().Text("fallback_reason"));
        }

        Assert.Equal(2, app.Fake.Requests.Count);

        var healthy = app.Fake.Scenario(FakeReply.Stream("This would be the model's answer [1]."));
        for (var i = 0; i < 3; i++)
        {
            var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {healthy.Tag}");
            Assert.Equal("built-in", turn.Text("engine"));
            Assert.True(bot.IsFallback());
            Assert.Equal("BrokenCircuitException", bot.Metadata().Text("fallback_reason"));
        }

        Assert.Equal(2, app.Fake.Requests.Count);
        Assert.Empty(healthy.Requests);
    }
}
