using System.Text;

namespace Parley.Server.Infrastructure.Http;

/// <summary>
/// <c>curl -d '{"message": ...}'</c> without <c>-H 'Content-Type: application/json'</c> labels the JSON
/// <c>application/x-www-form-urlencoded</c>; the Three-Database Chatbot document shows such calls to <c>/chat/message</c> and
/// <c>/tasks/analyze</c>. A URL-encoded body that starts with <c>{</c> is not a form (a form is
/// <c>name=value&amp;...</c>), so it is read as the JSON it is, on every route (those that also take
/// forms, like login, take JSON too). Any other form body sent to a JSON route still gets 415.
/// It runs before routing (<see cref="CurlJsonBodiesStartupFilter"/>): endpoint selection already
/// answers 415 for a content type the endpoint does not accept.
/// </summary>
public sealed class CurlJsonBodies(RequestDelegate next)
{
    private const string FormType = "application/x-www-form-urlencoded";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType?.StartsWith(FormType, StringComparison.OrdinalIgnoreCase) == true
            && await StartsLikeJsonAsync(request, context.RequestAborted))
        {
            request.ContentType = "application/json";
        }

        await next(context);
    }

    private static async Task<bool> StartsLikeJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        var buffer = new byte[64];
        int read;
        try
        {
            read = await request.Body.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // Left to the endpoint, behind the error handler, which reports it properly.
            return false;
        }
        finally
        {
            request.Body.Position = 0;
        }

        return Encoding.UTF8.GetString(buffer, 0, read).TrimStart().StartsWith('{');
    }
}

/// <summary>Puts <see cref="CurlJsonBodies"/> in front of the whole pipeline, routing included.</summary>
public sealed class CurlJsonBodiesStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<CurlJsonBodies>();
        next(app);
    };
}
