using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Parley.Server.Conversations.Llm;

public static class LlmSetup
{
    /// <summary>
    /// Binds and validates <see cref="LlmOptions"/>; when a provider is configured, its generator
    /// replaces the built-in one as <see cref="IAnswerGenerator"/> (call after the built-in is registered).
    /// </summary>
    public static IServiceCollection AddParleyLlm(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>();
        if (string.IsNullOrWhiteSpace(configuration.GetSection(LlmOptions.Section)[nameof(LlmOptions.BaseUrl)]))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IChatClient, OpenAiCompatibleChatClient>();
        services.AddSingleton<LlmResilience>();
        services.AddSingleton<LlmAnswerGenerator>();
        services.Replace(ServiceDescriptor.Singleton<IAnswerGenerator>(sp => sp.GetRequiredService<LlmAnswerGenerator>()));
        return services;
    }
}
