using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Integrations;

/// <summary>Integration Platform's integration body. <c>credentials</c> is a JSON object of strings, write-only.</summary>
public sealed record IntegrationRequest(string? Name, string? IntegrationType, string? Type, string? Status, JsonObject? Config, JsonObject? Credentials) : IValidatable
{
    public string? EffectiveType => IntegrationType ?? Type;

    public IEnumerable<FieldError> Validate() => ValidateFor(creating: true);

    public IEnumerable<FieldError> ValidateFor(bool creating)
    {
        if (creating || Name is not null)
        {
            foreach (var e in Check.Required("name", Name).Concat(Check.MaxLength("name", Name, 100)))
            {
                yield return e;
            }
        }

        if (creating && EffectiveType is null)
        {
            yield return new FieldError("integration_type", "Field required: jira, github or http.");
        }
        else if (EffectiveType is not null && !IntegrationTypes.All.Contains(EffectiveType))
        {
            yield return new FieldError("integration_type", "One of: jira, github, http.");
        }

        if (Status is not null && !IntegrationStatus.Settable.Contains(Status))
        {
            yield return new FieldError("status", "One of: active, inactive.");
        }

        if (Credentials is not null)
        {
            if (Credentials.Count > 20)
            {
                yield return new FieldError("credentials", "At most 20 fields.");
            }

            foreach (var (key, value) in Credentials)
            {
                if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>().Length > 8000)
                {
                    yield return new FieldError($"credentials.{key}", "Credentials are strings of at most 8000 characters.");
                }
            }
        }

        if (Config is not null && Config.ToJsonString().Length > 16_000)
        {
            yield return new FieldError("config", "At most 16000 characters.");
        }
    }
}

/// <summary>An integration as every endpoint shows it: credentials only as whether they are set.</summary>
public sealed record IntegrationView(
    Guid Id, string Name, string IntegrationType, string Status, JsonObject Config, bool HasCredentials, IReadOnlyList<string> Actions, DateTime CreatedAt, DateTime UpdatedAt, DateTime? LastSync, bool? LastTestSuccess, string? LastTestMessage)
{
    public static IntegrationView From(Integration i) => new(
        i.Id, i.Name, i.IntegrationType, i.Status, IntegrationConfig.Parse(i.Config), i.Credentials is not null,
        IntegrationActions.For(i.IntegrationType).Select(a => a.ToolId).ToList(), i.CreatedAt, i.UpdatedAt, i.LastSync, i.LastTestSuccess, i.LastTestMessage);
}

/// <summary>
/// The answer of <c>POST /integrations/{id}/test</c>: always 200; <c>success</c> false with a reason
/// (unreachable, unauthorized, timeout, blocked, http_error) when the system could not be used.
/// </summary>
public sealed record IntegrationTestResult(
    Guid IntegrationId, bool Success, string Status, string Message, string? Reason, int? HttpStatus, double DurationMs, DateTime TestedAt);
