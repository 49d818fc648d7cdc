using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Widget;

/// <summary>Create (<c>name</c> required) or change (every field optional) a widget channel.</summary>
public sealed partial record WidgetChannelRequest(
    string? Name, Guid? AssistantId, string? Greeting, string[]? AllowedOrigins, string? Color, string? Position,
    string[]? PreChatFields, bool? AllowAttachments, Dictionary<string, string>? Strings, bool? IsActive) : IValidatable
{
    public const int MaxOrigins = 50;
    public const int MaxStrings = 100;

    public IEnumerable<FieldError> Validate()
    {
        if (Name is not null && (Name.Trim().Length is 0 or > 100))
        {
            yield return new FieldError("name", "1 to 100 characters.");
        }

        if (Greeting is { Length: > 1000 })
        {
            yield return new FieldError("greeting", "At most 1000 characters.");
        }

        if (AllowedOrigins is { } origins)
        {
            if (origins.Length > MaxOrigins)
            {
                yield return new FieldError("allowed_origins", $"At most {MaxOrigins} origins.");
            }

            foreach (var origin in origins.Where(o => WidgetOrigins.Normalize(o) is null))
            {
                yield return new FieldError("allowed_origins", $"'{Shorten(origin)}' is not an origin: use scheme://host[:port] (http or https, no path), or \"*\".");
            }
        }

        if (Color is not null && !ColorPattern().IsMatch(Color))
        {
            yield return new FieldError("color", "A colour as #rrggbb.");
        }

        if (Position is not null and not (WidgetDefaults.Left or WidgetDefaults.Right))
        {
            yield return new FieldError("position", "left or right.");
        }

        if (PreChatFields?.FirstOrDefault(f => !WidgetDefaults.PreChatFields.Contains(f)) is { } field)
        {
            yield return new FieldError("pre_chat_fields", $"'{Shorten(field)}' is not one of: name, email.");
        }

        if (Strings is { } strings && (strings.Count > MaxStrings || strings.Any(s => !KeyPattern().IsMatch(s.Key) || s.Value is null || s.Value.Length > 500)))
        {
            yield return new FieldError("strings", $"At most {MaxStrings} entries; keys are 1-64 of a-z, 0-9, _ and values at most 500 characters.");
        }
    }

    private static string Shorten(string? value) => value is null ? "null" : value.Length > 80 ? value[..80] : value;

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColorPattern();

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex KeyPattern();
}

/// <summary>A channel as admins see it; the identity secret never appears (only on creation and rotation).</summary>
public sealed record WidgetChannelView(
    Guid Id, string Name, string WebsiteToken, Guid? AssistantId, string? Greeting, string[] AllowedOrigins, string Color, string Position,
    string[] PreChatFields, bool AllowAttachments, Dictionary<string, string> Strings, bool IsActive, bool IsDefault, string Channel,
    string EmbedSnippet, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static WidgetChannelView From(WidgetChannel c, string serverOrigin) => new(
        c.Id, c.Name, c.WebsiteToken, c.AssistantId, c.Greeting, ReadArray(c.AllowedOrigins), c.Color, c.Position, ReadArray(c.PreChatFields),
        c.AllowAttachments, ReadStrings(c.Strings), c.IsActive, c.IsDefault, ConversationModel.Channels.WebWidget,
        $"<script src=\"{serverOrigin}/widget.js\" data-website-token=\"{c.WebsiteToken}\" async></script>", c.CreatedAt, c.UpdatedAt);

    public static string[] ReadArray(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];

    public static Dictionary<string, string> ReadStrings(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}

/// <summary>A visitor as admins see it: what the pre-chat form or the host site told about them.</summary>
public sealed record WidgetVisitorView(Guid Id, Guid ChannelId, string? Identifier, bool Identified, string? Name, string? Email, DateTime CreatedAt, DateTime LastSeenAt)
{
    public static WidgetVisitorView From(WidgetVisitor v) => new(v.Id, v.ChannelId, v.Identifier, v.Identifier != null, v.Name, v.Email, v.CreatedAt, v.LastSeenAt);
}

/// <summary>Creation and secret rotation: the one time the identity secret is shown.</summary>
public sealed record WidgetChannelCreated(WidgetChannelView Channel, string IdentitySecret);

public sealed record WidgetSecret(Guid ChannelId, string IdentitySecret);

/// <summary>What the widget needs to draw itself; public (anyone holding the website token may read it).</summary>
public sealed record WidgetConfig(
    string WebsiteToken, string Name, string? Greeting, string Color, string Position, string[] PreChatFields, bool AllowAttachments,
    Dictionary<string, string> Strings)
{
    public static WidgetConfig From(WidgetChannel c) => new(
        c.WebsiteToken, c.Name, c.Greeting, c.Color, c.Position, WidgetChannelView.ReadArray(c.PreChatFields), c.AllowAttachments,
        WidgetChannelView.ReadStrings(c.Strings));
}

/// <summary>
/// Start a visitor. With <c>identifier</c> and <c>identifier_hash</c> (hex HMAC-SHA256 of the
/// identifier with the channel's identity secret) the visitor is the host site's user of that id.
/// </summary>
public sealed record VisitorRequest(string? Identifier, string? IdentifierHash, string? Name, string? Email) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (Identifier is not null && (Identifier.Length is 0 or > 200))
        {
            yield return new FieldError("identifier", "1 to 200 characters.");
        }

        if ((Identifier is null) != (IdentifierHash is null))
        {
            yield return new FieldError(Identifier is null ? "identifier" : "identifier_hash", "identifier and identifier_hash go together.");
        }

        if (Name is { Length: > 200 })
        {
            yield return new FieldError("name", "At most 200 characters.");
        }

        if (Email is not null && (Email.Length > 254 || !Email.Contains('@', StringComparison.Ordinal)))
        {
            yield return new FieldError("email", "A valid email address.");
        }
    }
}

public sealed record VisitorRefreshRequest(string? RefreshToken) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (string.IsNullOrWhiteSpace(RefreshToken))
        {
            yield return new FieldError("refresh_token", "Required.");
        }
    }
}

/// <summary>A visitor's tokens: the access token reaches only the widget's routes and the visitor's own conversations.</summary>
public sealed record VisitorSession(
    Guid VisitorId, bool Identified, string AccessToken, string RefreshToken, string TokenType, int ExpiresIn, WidgetConfig Config);

public sealed record WidgetConversationView(Guid Id, Guid ConversationId, string Status, string Channel, int LastSequence, string Title, DateTime CreatedAt, DateTime? LastMessageAt)
{
    public static WidgetConversationView From(ConversationModel.Conversation c)
        => new(c.Id, c.Id, c.Status, c.Channel, c.LastSequence, c.Title, c.CreatedAt, c.LastMessageAt);
}

/// <summary>The visitor's satisfaction rating when the conversation ends (counted as CSAT by analytics).</summary>
public sealed record RatingRequest(int? Rating, string? Comment) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (Rating is not (>= 1 and <= 5))
        {
            yield return new FieldError("rating", "An integer from 1 to 5.");
        }

        if (Comment is { Length: > 2000 })
        {
            yield return new FieldError("comment", "At most 2000 characters.");
        }
    }
}

public sealed record RatingResponse(Guid Id, Guid ConversationId, Guid MessageId, int Rating, string? Comment, string Category, DateTime CreatedAt);
