using System.Text;

namespace Parley.Client;

/// <summary>The list envelope every list endpoint answers: <c>{items, total, page, size, pages, has_next, has_prev}</c>.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int Size, int Pages, bool HasNext, bool HasPrev);

/// <summary>
/// Paging, sorting, filtering and search of a list (docs/api-conventions.md): <c>page</c> from 1,
/// <c>size</c> 1-100, <c>sort=field:asc|desc</c>, <c>filter[field]=value</c>, <c>search=text</c>.
/// </summary>
public sealed record ListQuery
{
    public int? Page { get; init; }
    public int? Size { get; init; }
    public string? Sort { get; init; }
    public string? Search { get; init; }
    public IReadOnlyDictionary<string, string>? Filters { get; init; }

    /// <summary>Further query parameters a list takes (<c>all=true</c> on /api-keys, <c>period</c> on analytics...).</summary>
    public IReadOnlyDictionary<string, string>? Extra { get; init; }

    public string ToQueryString(bool hasQuery = false)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("page", Page?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("size", Size?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("sort", Sort);
        Add("search", Search);
        foreach (var (field, value) in Filters ?? new Dictionary<string, string>())
        {
            Add($"filter[{field}]", value);
        }

        foreach (var (name, value) in Extra ?? new Dictionary<string, string>())
        {
            Add(name, value);
        }

        if (parts.Count == 0)
        {
            return "";
        }

        return new StringBuilder(hasQuery ? "&" : "?").AppendJoin('&', parts).ToString();
    }
}
