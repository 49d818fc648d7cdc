using System.Globalization;
using System.Reflection;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Infrastructure.Pagination;

/// <summary>
/// The list query every collection endpoint accepts: <c>page</c>/<c>size</c> (the Integration Platform document, AI Assistant Platform,
/// HeliosCS) or <c>limit</c>/<c>offset</c> (Customer Care AI), <c>sort=field:asc|desc</c>, <c>filter[field]=value</c>
/// and <c>search=</c>. Problems are collected, not thrown, and answered as one 400.
/// </summary>
public sealed class PageQuery
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    public int Page { get; private init; } = 1;
    public int Size { get; private init; } = DefaultSize;
    public int Offset { get; private init; }
    public IReadOnlyList<(string Field, bool Descending)> Sort { get; private init; } = [];
    public string? Search { get; private init; }
    public IReadOnlyDictionary<string, string> Filters { get; private init; } = new Dictionary<string, string>();
    public IReadOnlyList<FieldError> Errors { get; private init; } = [];

    public static ValueTask<PageQuery?> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult<PageQuery?>(Parse(context.Request.Query));

    /// <summary>Whether the caller named a page (the Integration Platform document: explicit <c>page</c>/<c>size</c> get the page envelope).</summary>
    public static bool AsksForPage(IQueryCollection query) => query.ContainsKey("page") || query.ContainsKey("size");

    public static PageQuery Parse(IQueryCollection query)
    {
        var errors = new List<FieldError>();
        int? Int(string name, int min, int max)
        {
            var raw = query[name].ToString();
            if (raw.Length == 0)
            {
                return null;
            }

            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                errors.Add(new FieldError(name, $"Must be a whole number from {min} to {max}."));
                return null;
            }

            return value;
        }

        var page = Int("page", 1, int.MaxValue / MaxSize);
        var size = Int("size", 1, MaxSize);
        var limit = Int("limit", 1, MaxSize);
        var offset = Int("offset", 0, int.MaxValue);
        var effectiveSize = limit ?? size ?? DefaultSize;
        var effectiveOffset = limit is not null || offset is not null ? offset ?? 0 : ((page ?? 1) - 1) * effectiveSize;

        var sort = new List<(string, bool)>();
        foreach (var part in query["sort"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':', 2);
            var direction = pieces.Length == 2 ? pieces[1].ToLowerInvariant() : "asc";
            if (direction is not ("asc" or "desc"))
            {
                errors.Add(new FieldError("sort", $"Direction '{pieces[1]}' must be asc or desc."));
                continue;
            }

            sort.Add((pieces[0], direction == "desc"));
        }

        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query)
        {
            if (key.StartsWith("filter[", StringComparison.Ordinal) && key.EndsWith(']'))
            {
                filters[key[7..^1]] = value.ToString();
            }
        }

        var search = query["search"].ToString();
        return new PageQuery
        {
            Page = effectiveOffset / effectiveSize + 1,
            Size = effectiveSize,
            Offset = effectiveOffset,
            Sort = sort,
            Search = search.Length == 0 ? null : search,
            Filters = filters,
            Errors = errors,
        };
    }
}
