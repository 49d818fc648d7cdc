namespace Parley.Engine.Entities;

/// <summary>Shapes extracted entities for API responses.</summary>
public static class EntityExtraction
{
    /// <summary>
    /// The flat <c>{"type": value}</c> object that <c>/chat/process</c> returns as <c>entities</c>.
    /// The first entity of each type in text order wins; an entity without a value falls back to its text.
    /// </summary>
    public static Dictionary<string, object> ToDictionary(IEnumerable<ExtractedEntity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var flat = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var entity in entities)
        {
            flat.TryAdd(entity.Type, entity.Value ?? entity.Text);
        }

        return flat;
    }
}
