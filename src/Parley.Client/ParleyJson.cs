using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Parley.Client;

/// <summary>The server's own JSON names (snake_case), read case-insensitively; unknown fields kept in <c>Extra</c>.</summary>
public static class ParleyJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ParleyJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static T Deserialize<T>(JsonElement element) => element.Deserialize<T>(Options)!;
}
