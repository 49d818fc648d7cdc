using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Tools;

/// <summary>
/// Tool parameters are JSON Schema; arguments are checked with NJsonSchema before any call.
/// Only local <c>$ref</c>s (<c>#/...</c>) are allowed: NJsonSchema would otherwise fetch a
/// remote reference, which would be an outbound call to an address the admin typed.
/// A schema is a tenant's text run on every call, so it is bounded when it is compiled: at most
/// <see cref="ToolOptions.MaxSchemaNodes"/> sub-schemas, no reference cycle without a value in
/// between, and every <c>pattern</c> is ours to run, not NJsonSchema's (which would call
/// <c>Regex.IsMatch</c> with no time limit: <c>^(a+)+$</c> held a core for minutes). Patterns run on
/// the linear-time engine (<see cref="RegexOptions.NonBacktracking"/>), or, for the few constructs it
/// lacks (backreferences, lookarounds), with <see cref="ToolOptions.PatternTimeoutMilliseconds"/>.
/// </summary>
public static class ToolSchemas
{
    private sealed record CompiledSchema(JsonSchema Schema, IReadOnlyDictionary<JsonSchema, Regex> Patterns);

    private static readonly ConcurrentDictionary<string, CompiledSchema> Compiled = new(StringComparer.Ordinal);

    /// <summary>
    /// Accepts a JSON Schema object, or AI Assistant Platform's shorthand (<c>{"query": {"type": "string", "required": true}}</c>),
    /// which becomes an object schema. Returns the schema, or the problems.
    /// </summary>
    public static (JsonObject? Schema, IReadOnlyList<FieldError> Errors) Normalize(JsonObject? parameters, ToolOptions limits)
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

        return TryCompile(schema.ToJsonString(), limits, out _) is { } problem ? (null, [new FieldError("parameters", problem)]) : (schema, []);
    }

    /// <summary>
    /// Problems with <paramref name="arguments"/> under <paramref name="schema"/>, one per field; empty when valid.
    /// A stored schema that no longer compiles (saved before the bounds above) refuses every call.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(JsonObject schema, JsonObject arguments, ToolOptions limits)
    {
        if (TryCompile(schema.ToJsonString(), limits, out var compiled) is { } problem)
        {
            return [new FieldError("parameters", "The tool's parameter schema cannot be used: " + problem)];
        }

        return new PatternValidator(compiled!.Patterns).Validate(arguments.ToJsonString(), compiled.Schema)
            .Select(e => new FieldError(Field(e), Describe(e)))
            .ToList();
    }

    /// <summary>Null and the compiled schema, or the problem (for the admin who saves it).</summary>
    private static string? TryCompile(string json, ToolOptions limits, out CompiledSchema? compiled)
    {
        var key = $"{limits.MaxSchemaNodes}:{limits.PatternTimeoutMilliseconds}:{json}";
        if (Compiled.TryGetValue(key, out compiled))
        {
            return null;
        }

        JsonSchema schema;
        try
        {
            schema = JsonSchema.FromJsonAsync(json).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or Newtonsoft.Json.JsonException or NotSupportedException)
        {
            return "Not a valid JSON Schema: " + e.Message;
        }

        var patterns = new Dictionary<JsonSchema, Regex>(ReferenceEqualityComparer.Instance);
        if (Bound(schema, limits, patterns) is { } problem)
        {
            return problem;
        }

        compiled = new CompiledSchema(schema, patterns);
        if (Compiled.Count > 2000)
        {
            Compiled.Clear();
        }

        Compiled[key] = compiled;
        return null;
    }

    /// <summary>
    /// Visits every sub-schema once (references followed, so a recursive schema is visited once, not
    /// forever), counting them, resolving each reference (a cycle of references throws in NJsonSchema),
    /// and taking each <c>pattern</c> over as a safe <see cref="Regex"/>.
    /// </summary>
    private static string? Bound(JsonSchema root, ToolOptions limits, Dictionary<JsonSchema, Regex> patterns)
    {
        var seen = new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<JsonSchema>([root]);
        var timeout = TimeSpan.FromMilliseconds(limits.PatternTimeoutMilliseconds);
        while (pending.TryPop(out var schema))
        {
            if (!seen.Add(schema))
            {
                continue;
            }

            if (seen.Count > limits.MaxSchemaNodes)
            {
                return $"The schema has more than {limits.MaxSchemaNodes} sub-schemas.";
            }

            JsonSchema actual;
            try
            {
                actual = schema.ActualSchema;
            }
            catch (InvalidOperationException)
            {
                return "The schema's $ref values form a cycle.";
            }

            if (schema.PatternProperties.Count > 0)
            {
                return "patternProperties is not supported; list the properties, or use additionalProperties.";
            }

            if (schema.Pattern is { } pattern)
            {
                if (SafeRegex(pattern, timeout, out var regex) is { } problem)
                {
                    return problem;
                }

                patterns[schema] = regex!;
                schema.Pattern = null;
            }

            foreach (var child in Children(schema).Append(actual))
            {
                pending.Push(child);
            }
        }

        return null;
    }

    private static IEnumerable<JsonSchema> Children(JsonSchema s)
    {
        IEnumerable<JsonSchema?> children =
        [
            .. s.Properties.Values, .. s.AllOf, .. s.AnyOf, .. s.OneOf, .. s.Definitions.Values, .. s.Items,
            s.Item, s.Not, s.AdditionalPropertiesSchema, s.AdditionalItemsSchema, s.DictionaryKey, s.Reference,
        ];
        return children.OfType<JsonSchema>();
    }

    private static string? SafeRegex(string pattern, TimeSpan timeout, out Regex? regex)
    {
        regex = null;
        try
        {
            regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, timeout);
            return null;
        }
        catch (NotSupportedException)
        {
            // A construct the linear engine lacks: the backtracking engine, with a time limit.
        }
        catch (ArgumentException e)
        {
            return $"pattern '{pattern}' is not a valid regular expression: {e.Message}";
        }

        regex = new Regex(pattern, RegexOptions.CultureInvariant, timeout);
        return null;
    }

    /// <summary>NJsonSchema's validator with the <c>pattern</c>s <see cref="Bound"/> took away checked here, safely.</summary>
    private sealed class PatternValidator(IReadOnlyDictionary<JsonSchema, Regex> patterns) : JsonSchemaValidator
    {
        protected override ICollection<ValidationError> Validate(JToken token, JsonSchema schema, SchemaType schemaType, string propertyName, string propertyPath)
        {
            var errors = base.Validate(token, schema, schemaType, propertyName, propertyPath);
            if (token.Type == JTokenType.String && (Matches(schema, token) is false || (!ReferenceEquals(schema, schema.ActualSchema) && Matches(schema.ActualSchema, token) is false)))
            {
                errors.Add(new ValidationError(ValidationErrorKind.PatternMismatch, propertyName, propertyPath, token, schema));
            }

            return errors;
        }

        private bool? Matches(JsonSchema schema, JToken token)
        {
            if (!patterns.TryGetValue(schema, out var regex))
            {
                return null;
            }

            try
            {
                return regex.IsMatch(token.Value<string>() ?? "");
            }
            catch (RegexMatchTimeoutException)
            {
                // Too costly to decide is a refusal: the caller sees a 422, the core is free again.
                return false;
            }
        }
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
        NJsonSchema.Validation.ValidationErrorKind.PatternMismatch => "Does not match the parameter's pattern (or took too long to check against it).",
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
