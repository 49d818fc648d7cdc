using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Parley.Server.Infrastructure.Pagination;

/// <summary>The list envelope (the Integration Platform document, AI Assistant Platform): items with page arithmetic.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int Size, int Pages, bool HasNext, bool HasPrev)
{
    /// <summary>The page <paramref name="query"/> asks for, holding <paramref name="items"/> of <paramref name="total"/>.</summary>
    public static PageOf<T> For(IReadOnlyList<T> items, long total, PageQuery query)
        => new(items, total, query.Page, query.Size, (int)((total + query.Size - 1) / query.Size), query.Offset + items.Count < total, query.Offset > 0);

    /// <summary>The asked-for page of a list already in memory (registries, defaults merged with a tenant's rows).</summary>
    public static PageOf<T> Slice(IReadOnlyList<T> all, PageQuery query)
        => For(all.Skip(query.Offset).Take(query.Size).ToList(), all.Count, query);
}

/// <summary>Writes a <see cref="Page{T}"/> and the paging headers of the Customer Care AI and HeliosCS documents.</summary>
public sealed class PagedResult<T>(PageOf<T> page) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult<PageOf<T>>, IValueHttpResult
{
    public PageOf<T> Value => page;
    object? IValueHttpResult.Value => page;
    public int? StatusCode => 200;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        WriteHeaders(httpContext, page.Total, page.Page, page.Size, page.Pages);
        return TypedResults.Ok(page).ExecuteAsync(httpContext);
    }

    internal static void WriteHeaders(HttpContext httpContext, long total, int number, int size, int pages)
    {
        var headers = httpContext.Response.Headers;
        string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        headers["X-Total-Count"] = S(total);
        headers["X-Page"] = S(number);
        headers["X-Current-Page"] = S(number);
        headers["X-Page-Size"] = S(size);
        headers["X-Total-Pages"] = S(pages);
        headers["X-Page-Count"] = S(pages);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
        => builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(PageOf<T>), ["application/json"]));
}

/// <summary>
/// A page written as a bare JSON array, for the endpoints a document shows returning one
/// (Integration Platform's <c>GET /chat/sessions</c>); the paging figures travel in the headers only. A caller that
/// asks for a page explicitly (<c>page</c> or <c>size</c>) gets Integration Platform's pagination envelope instead.
/// </summary>
public sealed class ArrayPageResult<T>(PageOf<T> page) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public int? StatusCode => 200;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (PageQuery.AsksForPage(httpContext.Request.Query))
        {
            return new PagedResult<T>(page).ExecuteAsync(httpContext);
        }

        PagedResult<T>.WriteHeaders(httpContext, page.Total, page.Page, page.Size, page.Pages);
        return TypedResults.Ok(page.Items).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
        => builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(IReadOnlyList<T>), ["application/json"]));
}
