using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Widget;

public sealed class WidgetOptions : IValidatableObject
{
    public const string Section = "Parley:Widget";

    /// <summary>On start, give the platform tenant a "Default website" channel when it has none (so /demo works at once).</summary>
    public bool CreateDefaultChannel { get; set; } = true;

    /// <summary>Origins the default channel allows besides the server's own (set when it is created).</summary>
    public string[] DefaultChannelOrigins { get; set; } = [];

    /// <summary>Serve the demo page at /demo (the default channel's widget on a sample page).</summary>
    public bool Demo { get; set; } = true;

    /// <summary>How long browsers may cache widget.js.</summary>
    [Range(0, 86_400)] public int ScriptCacheSeconds { get; set; } = 300;

    /// <summary>
    /// The largest file a visitor may attach (channels with allow_attachments). The knowledge upload's
    /// per-type limits (Parley:Knowledge:MaxImageBytes, MaxDocumentBytes, MaxDataBytes) apply as well.
    /// </summary>
    [Range(1, 25L * 1024 * 1024)] public long MaxAttachmentBytes { get; set; } = 10L * 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in DefaultChannelOrigins.Where(o => WidgetOrigins.Normalize(o) is null))
        {
            yield return new ValidationResult($"Parley:Widget:DefaultChannelOrigins: '{origin}' is not an origin (scheme://host[:port]) or \"*\".", [nameof(DefaultChannelOrigins)]);
        }
    }
}
