using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Operations.OpenApi;

/// <summary>
/// Makes /openapi.json pass Spectral (<c>spectral:oas</c>) and Redocly with no errors: each
/// operation once (the <c>/api/v1</c> form; the root aliases are excluded where they are mapped and
/// noted in the description), a unique operationId and a summary from <see cref="OperationNames"/>,
/// every path parameter declared, request fields required only when the server requires them.
/// </summary>
internal static partial class ParleyOpenApi
{
    public const string ApiPrefix = "/api/v1";

    public static void Configure(OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            AddImplicitResponses(operation, context.Description.ActionDescriptor.EndpointMetadata);
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
    }

    /// <summary>Every signed-in route can answer 401 and every rate-limited one 429; say so where the handler does not.</summary>
    private static void AddImplicitResponses(OpenApiOperation operation, IList<object> metadata)
    {
        operation.Responses ??= [];
        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            AddError(operation, "401", "Not signed in, or the token or API key is not valid");
        }

        if (metadata.OfType<RateLimitPolicyMetadata>().Any())
        {
            AddError(operation, "429", "Too many requests: wait for Retry-After seconds");
        }
    }

    private static void AddError(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchemaReference("ApiError") },
            },
        };
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info.Description = (document.Info.Description ?? "")
            + " Every route is listed here once, under /api/v1; each is also served at the root path without the prefix"
            + " (POST /auth/login is POST /api/v1/auth/login), the form the Three-Database Chatbot and Customer Care AI documents use."
            + " GET /, /metrics, /openapi.json, /docs and /redoc exist at the root only."
            + " WebSocket chat: /api/v1/chat/ws/{session_id} and /api/v1/ws/chat/{session_id} (docs/realtime.md).";

        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description ??= description;
            }
        }

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var route = path.StartsWith(ApiPrefix + "/", StringComparison.Ordinal) ? path[ApiPrefix.Length..] : path;
                var key = $"{method.Method.ToUpperInvariant()} {route}";
                if (OperationNames.All.TryGetValue(key, out var names))
                {
                    operation.OperationId ??= names.Id;
                    operation.Summary ??= names.Summary;
                }

                operation.Description ??= route != path
                    ? $"Also served without the prefix: `{method.Method.ToUpperInvariant()} {route}`."
                    : "Served at the root path only.";

                DeclarePathParameters(path, item, operation);
                RequestBodies(document, operation, key);
            }
        }
    }

    /// <summary>A route value read from the route rather than bound as a parameter still belongs in the document.</summary>
    private static void DeclarePathParameters(string path, IOpenApiPathItem item, OpenApiOperation operation)
    {
        foreach (Match match in PathParameter().Matches(path))
        {
            var name = match.Groups[1].Value;
            bool Declared(IEnumerable<IOpenApiParameter>? list) => list?.Any(p => p.In == ParameterLocation.Path && p.Name == name) == true;
            if (Declared(operation.Parameters) || Declared(item.Parameters))
            {
                continue;
            }

            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }

    /// <summary>
    /// Request records have nullable members because the validator, not the deserializer, reports a
    /// missing field (with the error envelope), and the generator marks every constructor parameter
    /// required. A request body requires only the fields its validator insists on (listed below).
    /// </summary>
    private static void RequestBodies(OpenApiDocument document, OpenApiOperation operation, string key)
    {
        if (operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        foreach (var media in content.Values)
        {
            if (media.Schema is OpenApiSchemaReference { Reference.Id: { } id }
                && document.Components?.Schemas?.TryGetValue(id, out var target) == true
                && target is OpenApiSchema schema)
            {
                RequiredFields(id, schema);
            }
        }

        if (Examples.TryGetValue(key, out var example) && content.TryGetValue("application/json", out var json))
        {
            json.Example ??= JsonNode.Parse(example);
        }
    }

    private static void RequiredFields(string id, OpenApiSchema schema)
    {
        if (schema.Properties is null)
        {
            return;
        }

        schema.Required = new HashSet<string>(Required.TryGetValue(id, out var fields) ? fields : [], StringComparer.Ordinal);
        foreach (var (name, property) in schema.Properties)
        {
            if (property is OpenApiSchema value && Enums.TryGetValue((id, name), out var values))
            {
                value.Type = JsonSchemaType.String;
                value.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
            }
        }
    }

    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["CreateUserRequest"] = ["email", "password"],
        ["RegisterRequest"] = ["email", "password"],
        ["LoginRequest"] = ["password"],
        ["RefreshRequest"] = ["refresh_token"],
        ["ChatMessageRequest"] = ["message"],
        ["ChatProcessRequest"] = ["message"],
        ["ResearchRequest"] = ["topic"],
        ["CreateTicketRequest"] = ["title"],
        ["IntegrationRequest"] = ["name"],
        ["CustomToolRequest"] = ["name"],
        ["ToolRouteRequest"] = ["intent", "tool_id"],
        ["CreateWebhookRequest"] = ["url"],
    };

    private static readonly Dictionary<(string Schema, string Property), IReadOnlyCollection<string>> Enums = new()
    {
        [("CreateUserRequest", "role")] = Roles.All,
        [("AdminUpdateUserRequest", "role")] = Roles.All,
        [("CreateUserRequest", "subscription_plan")] = PlanNames.All,
        [("AdminUpdateUserRequest", "subscription_plan")] = PlanNames.All,
        [("RegisterRequest", "subscription_plan")] = PlanNames.All,
    };

    /// <summary>Request examples taken from the reference documents and the README.</summary>
    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["POST /auth/register"] = """{"email":"user@example.com","username":"johndoe","password":"securepassword123","full_name":"John Doe"}""",
        ["POST /auth/login"] = """{"email":"user@example.com","password":"securepassword123"}""",
        ["POST /users"] = """{"email":"agent@example.com","username":"agent","password":"agent-pass-1","role":"agent"}""",
        ["POST /chat/message"] = """{"message":"What is Redis?","session_id":"optional-session-id"}""",
        ["POST /chat/process"] = """{"message":"How do I return an item?"}""",
        ["POST /chat/sessions"] = """{"message":"Hello AI!"}""",
        ["POST /tasks/research"] = """{"topic":"Latest trends in artificial intelligence","scope":"comprehensive","sources":["academic","industry","news"]}""",
    };

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Operations"] = "Health, metrics and system information.",
        ["Auth"] = "Registration, login (JSON or form), token refresh, logout and the caller's own profile and dashboard.",
        ["Users"] = "The caller's profile; user administration (admin only).",
        ["Tenants"] = "Tenants and their plans (platform admin), the caller's own tenant.",
        ["API keys"] = "Long-lived keys (X-API-Key or Bearer prk_...) for programs.",
        ["Chat"] = "Chat sessions, messages with cached answers, history, /chat/process with citations and streaming.",
        ["Conversations"] = "Conversations and their messages, with NLU results.",
        ["Sessions"] = "HeliosCS sessions: a conversation by another name.",
        ["Messages"] = "HeliosCS messages and feedback on bot answers.",
        ["Handoff"] = "Escalation to a person: the agent queue, claim, replies, hand-back and close.",
        ["Plans"] = "Subscription plans and their limits.",
        ["Webhooks"] = "Signed outgoing webhooks, their deliveries, and the signed inbound message webhook.",
        ["Assistants"] = "Assistants: model, instructions and tools.",
        ["Tickets"] = "Support tickets and their comments.",
        ["Canned responses"] = "A tenant's shared replies, inserted in the console by typing /shortcut.",
        ["Tasks"] = "Background analysis and research tasks.",
        ["Datasets"] = "Named CSV or JSON datasets that analysis tasks read.",
        ["Analytics"] = "Statistics, usage, conversation analytics, dashboard and agent performance.",
        ["Understanding"] = "Per-tenant intents, entity lookup lists and PII redaction settings.",
        ["Notifications"] = "The caller's notifications.",
        ["Knowledge"] = "Knowledge sources (FAQ, text, URL, files), their indexing and search.",
        ["Files"] = "File uploads that become knowledge sources.",
        ["Integrations"] = "Connections to Jira, GitHub and HTTP services.",
        ["Tools"] = "Built-in and custom tools, tool calls and intent-to-tool routes.",
    };

    [GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial Regex PathParameter();
}
