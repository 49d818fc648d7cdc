namespace Parley.Server.Infrastructure.Errors;

/// <summary>
/// An expected failure thrown from deep inside a request that answers it itself (the error envelope
/// plus what the feature adds, such as a quota's reset time and <c>Retry-After</c>), so the exception
/// handler needs to know no feature.
/// </summary>
public interface IWritesOwnResponse
{
    Task WriteAsync(HttpContext context);
}
