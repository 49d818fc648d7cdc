using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Outbound;

namespace Parley.Server.Integrations;

/// <summary>Reading and checking an integration's <c>config</c> object.</summary>
public static class IntegrationConfig
{
    public const string DefaultGitHubEndpoint = "https://api.github.com";

    /// <summary>Names accepted for the base URL; Integration Platform shows <c>endpoint</c>, people also write the others.</summary>
    private static readonly string[] EndpointKeys = ["endpoint", "base_url", "url"];

    public static JsonObject Parse(string? json)
    {
        try
        {
            return JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static string? Endpoint(string type, JsonObject config)
    {
        foreach (var key in EndpointKeys)
        {
            if (config[key] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s))
            {
                return s.Trim();
            }
        }

        return type == IntegrationTypes.GitHub ? DefaultGitHubEndpoint : null;
    }

    /// <summary>Stores the endpoint under <c>endpoint</c> whatever name it came in, so answers show one field.</summary>
    public static JsonObject Normalize(string type, JsonObject config)
    {
        var copy = (JsonObject)config.DeepClone();
        var endpoint = Endpoint(type, copy);
        foreach (var key in EndpointKeys)
        {
            copy.Remove(key);
        }

        if (endpoint is not null)
        {
            copy["endpoint"] = endpoint.TrimEnd('/');
        }

        return copy;
    }

    public static IEnumerable<FieldError> Check(string type, JsonObject config, OutboundGuard guard)
    {
        var endpoint = Endpoint(type, config);
        if (endpoint is null)
        {
            yield return new FieldError("config.endpoint", "Required: the base URL of the system (for example https://company.atlassian.net).");
        }
        else if (guard.CheckUrl(endpoint) is { } problem)
        {
            yield return new FieldError("config.endpoint", "The URL " + problem + ".");
        }
        else if (new Uri(endpoint).Query.Length > 0 || new Uri(endpoint).Fragment.Length > 0)
        {
            yield return new FieldError("config.endpoint", "Must not contain a query or a fragment.");
        }

        foreach (var (key, value) in config)
        {
            if (value is not null && value.GetValueKind() is JsonValueKind.Object or JsonValueKind.Array && key != "headers")
            {
                yield return new FieldError($"config.{key}", "Settings are strings, numbers or booleans.");
            }
        }

        if (type == IntegrationTypes.GitHub)
        {
            foreach (var key in new[] { "owner", "repo" })
            {
                if (config[key] is not JsonValue v || !v.TryGetValue<string>(out var s) || !IsSlug(s))
                {
                    yield return new FieldError($"config.{key}", "Required for GitHub: the repository's owner and name (letters, digits, '-', '_', '.').");
                }
            }
        }

        if (type == IntegrationTypes.Jira && config["api_version"] is { } version && version.ToString() is not ("2" or "3"))
        {
            yield return new FieldError("config.api_version", "2 or 3.");
        }
    }

    private static bool IsSlug(string s) => s.Length is > 0 and <= 100 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && s is not ("." or "..");
}
