using Parley.Engine.Entities;

namespace Parley.Engine.Tests.Entities;

/// <summary>Runs the extractor against a fixed "now" so relative dates have one right answer.</summary>
internal static class Extraction
{
    /// <summary>Wednesday 10 January 2024, 09:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2024, 1, 10, 9, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<ExtractedEntity> Extract(string text, EntityExtractionOptions? options = null) =>
        new EntityExtractor(options).Extract(text, Now);

    /// <summary>The only entity found in <paramref name="text"/>, which must be of <paramref name="type"/>.</summary>
    public static ExtractedEntity Only(string text, string type, EntityExtractionOptions? options = null)
    {
        var entity = Assert.Single(Extract(text, options));
        Assert.Equal(type, entity.Type);
        Assert.Equal(text[entity.Start..entity.End], entity.Text);
        return entity;
    }

    /// <summary>The only entity of <paramref name="type"/>, with its text checked against its offsets.</summary>
    public static ExtractedEntity OnlyOfType(string text, string type, EntityExtractionOptions? options = null)
    {
        var entity = Assert.Single(Extract(text, options), e => e.Type == type);
        Assert.Equal(text[entity.Start..entity.End], entity.Text);
        return entity;
    }

    public static IEnumerable<string> Types(string text, EntityExtractionOptions? options = null) =>
        Extract(text, options).Select(e => e.Type);

    public static EntityExtractionOptions WithoutNumbers { get; } = new() { IncludeNumbers = false };
}
