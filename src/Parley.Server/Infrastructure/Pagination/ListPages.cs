using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Infrastructure.Pagination;

/// <summary>
/// Short lists kept whole in memory (the plans, a ticket's comments) that documents show as bare
/// arrays: the whole list as an array, or the Integration Platform's page envelope when <c>page</c>/<c>size</c> are
/// explicit (docs/api-conventions.md). They have no sortable or filterable fields, so a sort,
/// filter or search is a 400 like on every other list, never silently ignored.
/// </summary>
public static class ListPages
{
    public static Results<ArrayPageResult<T>, ErrorResult> Of<T>(IReadOnlyList<T> all, PageQuery query)
    {
        var errors = query.Errors.ToList();
        errors.AddRange(query.Sort.Select(s => new FieldError("sort", $"'{s.Field}' is not a sortable field of this list.")));
        errors.AddRange(query.Filters.Keys.Select(f => new FieldError($"filter[{f}]", $"'{f}' is not a filterable field of this list.")));
        if (query.Search is { Length: > 0 })
        {
            errors.Add(new FieldError("search", "This list cannot be searched."));
        }

        return errors.Count > 0 ? ErrorResult.InvalidQuery(errors) : new ArrayPageResult<T>(PageOf<T>.Slice(all, query));
    }
}
