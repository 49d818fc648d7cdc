using Parley.Server.Conversations.Llm;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Knowledge;

namespace Parley.Server.Conversations;

public static class ConversationsSetup
{
    public static WebApplicationBuilder AddParleyConversations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConversationOptions>>().Value;
            return new BuiltInAnswerEngine
            {
                MinPassageScore = options.AnswerThreshold,
                MinPassageScoreInContext = options.AnswerThresholdInContext,
                MinPassageScoreInContextWithSimilarity = options.AnswerThresholdInContextWithSimilarity,
                MinSimilarityInContext = options.AnswerMinSimilarityInContext,
            };
        });
        services.AddSingleton<IAnswerGenerator, BuiltInAnswerGenerator>();
        services.AddSingleton<ConversationLocks>();
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<RecentMessages>();
        services.AddSingleton<Infrastructure.Caching.ITenantCache>(sp => sp.GetRequiredService<ResponseCache>());
        services.AddSingleton<Understanding.IUnderstandingDependent>(sp => sp.GetRequiredService<ResponseCache>());
        services.AddSingleton<ChatMetrics>();
        services.AddSingleton<IKnowledgeSearch, EmptyKnowledgeSearch>();
        services.AddScoped<ConversationService>();
        services.AddSingleton<ConversationQueries>();
        services.AddScoped<TurnAnswers>();
        services.AddScoped<RetrievalContext>();
        services.AddScoped<TurnPipeline>();
        // After a turn is stored, in this order (Realtime's fan-out registers after these).
        services.AddSingleton<IStoredEventHandler<TurnStored>, RecentMessagesOnTurnStored>();
        services.AddSingleton<IStoredEventHandler<TurnStored>, UsageOnTurnStored>();
        services.AddSingleton<IStoredEventHandler<TurnStored>, MetricsOnTurnStored>();
        services.AddParleyLlm(builder.Configuration);
        return builder;
    }
}
