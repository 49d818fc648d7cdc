using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Parley.Server.Infrastructure.Pagination;

/// <summary>The list envelope (documents 000, 003): items with page arithmetic.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int Size, int Pages, bool HasNext, bool HasPrev);

/// <summary>Writes a <see cref="Page{T}"/> and the paging headers of documents 002 and 004.</summary>
public sealed class PagedResult<T>(PageOf<T> page) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult<PageOf<T>>, IValueHttpResult
{
    public PageOf<T> Value => page;
    object? IValueHttpResult.Value => page;
    public int? StatusCode => 200;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var headers = httpContext.Response.Headers;
        string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        headers["X-Total-Count"] = S(page.Total);
        headers["X-Page"] = S(page.Page);
        headers["X-Current-Page"] = S(page.Page);
        headers["X-Page-Size"] = S(page.Size);
        headers["X-Total-Pages"] = S(page.Pages);
        headers["X-Page-Count"] = S(page.Pages);
        return TypedResults.Ok(page).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
        => builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(PageOf<T>), ["application/json"]));
}
