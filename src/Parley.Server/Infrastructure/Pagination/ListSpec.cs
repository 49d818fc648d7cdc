using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Infrastructure.Pagination;

/// <summary>
/// What one list endpoint lets callers sort, filter and search by. Anything else in the query is a
/// 400 naming the field, never silently ignored.
/// </summary>
public sealed class ListSpec<T>(Expression<Func<T, Guid>> tieBreaker)
{
    private readonly Dictionary<string, Func<IQueryable<T>, bool, bool, IQueryable<T>>> _sorts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<string, Expression<Func<T, bool>>?>> _filters = new(StringComparer.Ordinal);
    private Func<string, Expression<Func<T, bool>>>? _search;
    private (string Field, bool Descending) _default;

    public IReadOnlyCollection<string> SortFields => _sorts.Keys;
    public IReadOnlyCollection<string> FilterFields => _filters.Keys;

    public ListSpec<T> SortBy<TKey>(string field, Expression<Func<T, TKey>> key, bool isDefault = false, bool defaultDescending = false)
    {
        _sorts[field] = (query, descending, first) => (first, descending) switch
        {
            (true, false) => query.OrderBy(key),
            (true, true) => query.OrderByDescending(key),
            (false, false) => ((IOrderedQueryable<T>)query).ThenBy(key),
            (false, true) => ((IOrderedQueryable<T>)query).ThenByDescending(key),
        };
        if (isDefault)
        {
            _default = (field, defaultDescending);
        }

        return this;
    }

    /// <summary>A filter; the factory returns null when the value is not acceptable.</summary>
    public ListSpec<T> FilterBy(string field, Func<string, Expression<Func<T, bool>>?> predicate)
    {
        _filters[field] = predicate;
        return this;
    }

    public ListSpec<T> SearchBy(Func<string, Expression<Func<T, bool>>> predicate)
    {
        _search = predicate;
        return this;
    }

    public async Task<Results<PagedResult<TOut>, ErrorResult>> ToPageAsync<TOut>(
        IQueryable<T> source, PageQuery query, Func<T, TOut> map, CancellationToken cancellationToken)
    {
        var errors = query.Errors.ToList();
        foreach (var (field, value) in query.Filters)
        {
            if (!_filters.TryGetValue(field, out var make))
            {
                errors.Add(new FieldError($"filter[{field}]", $"Unknown filter field. Allowed: {string.Join(", ", _filters.Keys)}."));
            }
            else if (make(value) is { } predicate)
            {
                source = source.Where(predicate);
            }
            else
            {
                errors.Add(new FieldError($"filter[{field}]", $"'{value}' is not an accepted value."));
            }
        }

        if (query.Search is { } term)
        {
            if (_search is null)
            {
                errors.Add(new FieldError("search", "This list does not support search."));
            }
            else
            {
                source = source.Where(_search(term.Trim()));
            }
        }

        var sorts = query.Sort.Count > 0 ? query.Sort : _default.Field is null ? [] : [_default];
        var first = true;
        foreach (var (field, descending) in sorts)
        {
            if (!_sorts.TryGetValue(field, out var apply))
            {
                errors.Add(new FieldError("sort", $"Unknown sort field '{field}'. Allowed: {string.Join(", ", _sorts.Keys)}."));
                continue;
            }

            source = apply(source, descending, first);
            first = false;
        }

        if (errors.Count > 0)
        {
            return ErrorResult.InvalidQuery(errors);
        }

        source = first ? source.OrderBy(tieBreaker) : ((IOrderedQueryable<T>)source).ThenBy(tieBreaker);
        var total = await source.LongCountAsync(cancellationToken);
        var rows = await source.Skip(query.Offset).Take(query.Size).ToListAsync(cancellationToken);
        return new PagedResult<TOut>(PageOf<TOut>.For(rows.Select(map).ToList(), total, query));
    }
}
