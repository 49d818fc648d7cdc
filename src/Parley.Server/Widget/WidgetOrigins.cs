namespace Parley.Server.Widget;

/// <summary>Origins as browsers send them (<c>scheme://host[:port]</c>, lower case, default port omitted).</summary>
public static class WidgetOrigins
{
    public const string Any = "*";

    /// <summary>The origin in canonical form, <c>*</c> for any, or null when the text is not an http(s) origin.</summary>
    public static string? Normalize(string? value)
    {
        if (value == Any)
        {
            return Any;
        }

        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0)
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }

    /// <summary>This server's own origin as the request reached it (the /demo page and same-site embeds).</summary>
    public static string Own(HttpRequest request) => Normalize($"{request.Scheme}://{request.Host}") ?? string.Empty;

    /// <summary>
    /// Whether a browser on <paramref name="origin"/> may use the channel. No Origin header means no
    /// cross-site browser is involved (browsers always send it on cross-origin requests and sockets).
    /// </summary>
    public static bool Allows(IReadOnlyCollection<string> allowed, string? origin, HttpRequest request)
    {
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        var normalized = Normalize(origin);
        return normalized is not null && normalized != Any
            && (allowed.Contains(Any) || allowed.Contains(normalized) || normalized == Own(request));
    }
}
