using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Tools;

/// <summary>
/// Tool parameters are JSON Schema; arguments are checked with NJsonSchema before any call.
/// Only local <c>$ref</c>s (<c>#/...</c>) are allowed: NJsonSchema would otherwise fetch a
/// remote reference, which would be an outbound call to an address the admin typed.
/// </summary>
public static class ToolSchemas
{
    private static readonly ConcurrentDictionary<string, JsonSchema> Compiled = new(StringComparer.Ordinal);

    /// <summary>
    /// Accepts a JSON Schema object, or 003's shorthand (<c>{"query": {"type": "string", "required": true}}</c>),
    /// which becomes an object schema. Returns the schema, or the problems.
    /// </summary>
    public static (JsonObject? Schema, IReadOnlyList<FieldError> Errors) Normalize(JsonObject? parameters)
    {
        var schema = parameters is null || parameters.Count == 0
            ? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() }
            : IsSchema(parameters) ? (JsonObject)parameters.DeepClone() : FromShorthand(parameters);
        if (schema is null)
        {
            return (null, [new FieldError("parameters", "A JSON Schema object (type: object, properties) or a map of parameter name to {type, required, description}.")]);
        }

        if (RemoteReference(schema) is { } reference)
        {
            return (null, [new FieldError("parameters", $"Only local $ref values (#/...) are allowed, not '{reference}'.")]);
        }

        if (schema["type"]?.ToString() != "object")
        {
            return (null, [new FieldError("parameters", "The schema must describe an object (type: object).")]);
        }

        try
        {
            Compile(schema.ToJsonString());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or Newtonsoft.Json.JsonException or NotSupportedException)
        {
            return (null, [new FieldError("parameters", "Not a valid JSON Schema: " + e.Message)]);
        }

        return (schema, []);
    }

    /// <summary>Problems with <paramref name="arguments"/> under <paramref name="schema"/>, one per field; empty when valid.</summary>
    public static IReadOnlyList<FieldError> Validate(JsonObject schema, JsonObject arguments)
    {
        var compiled = Compile(schema.ToJsonString());
        return compiled.Validate(arguments.ToJsonString())
            .Select(e => new FieldError(Field(e), Describe(e)))
            .ToList();
    }

    private static JsonSchema Compile(string json)
    {
        if (Compiled.TryGetValue(json, out var schema))
        {
            return schema;
        }

        schema = JsonSchema.FromJsonAsync(json).GetAwaiter().GetResult();
        if (Compiled.Count > 2000)
        {
            Compiled.Clear();
        }

        Compiled[json] = schema;
        return schema;
    }

    private static string Field(NJsonSchema.Validation.ValidationError e)
    {
        var path = (e.Path ?? "").TrimStart('#', '/').Replace('/', '.');
        var property = e.Property;
        return "arguments" + (path.Length > 0 ? "." + path : property is { Length: > 0 } ? "." + property : "");
    }

    private static string Describe(NJsonSchema.Validation.ValidationError e) => e.Kind switch
    {
        NJsonSchema.Validation.ValidationErrorKind.PropertyRequired => "Field required.",
        NJsonSchema.Validation.ValidationErrorKind.NoAdditionalPropertiesAllowed => "Not a parameter of this tool.",
        _ => $"Invalid: {e.Kind}.",
    };

    private static bool IsSchema(JsonObject node) => node["type"] is JsonValue || node["properties"] is JsonObject || node["$schema"] is not null;

    private static JsonObject? FromShorthand(JsonObject parameters)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var (name, value) in parameters)
        {
            if (value is not JsonObject spec)
            {
                return null;
            }

            var property = (JsonObject)spec.DeepClone();
            if (property["required"] is JsonValue r && r.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                if (r.GetValue<bool>())
                {
                    required.Add(name);
                }

                property.Remove("required");
            }

            properties[name] = property;
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
    }

    private static string? RemoteReference(JsonNode? node) => node switch
    {
        JsonObject o => o.Select(p => p.Key == "$ref" && p.Value?.ToString() is { } r && !r.StartsWith('#') ? r : RemoteReference(p.Value)).FirstOrDefault(r => r is not null),
        JsonArray a => a.Select(RemoteReference).FirstOrDefault(r => r is not null),
        _ => null,
    };
}
