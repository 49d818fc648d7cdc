using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Infrastructure.Http;

public static class ApiRoutes
{
    /// <summary>
    /// Maps the API twice, under <c>/api/v1</c> and at the root path, because the reference
    /// documents use both. Validation and the general rate limit apply once, here. /openapi.json lists
    /// each operation once, in its <c>/api/v1</c> form, and notes the root aliases in its description.
    /// </summary>
    public static WebApplication MapParleyApi(this WebApplication app, Action<RouteGroupBuilder> map)
    {
        foreach (var prefix in new[] { "/api/v1", "" })
        {
            var group = app.MapGroup(prefix)
                .AddEndpointFilter<ValidationFilter>()
                .RequireRateLimit(RateLimitPolicies.General);
            if (prefix.Length == 0)
            {
                group.ExcludeFromDescription();
            }

            map(group);
        }

        return app;
    }
}
