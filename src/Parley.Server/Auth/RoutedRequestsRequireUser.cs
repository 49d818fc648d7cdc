using Microsoft.AspNetCore.Authorization;

namespace Parley.Server.Auth;

/// <summary>
/// The fallback policy: every API endpoint needs a signed-in caller unless it opts out. Requests
/// that matched no real endpoint (unknown paths, routing's own 405/415 answers, the docs UI
/// middleware) pass, so they get their true status instead of a misleading 401.
/// </summary>
public sealed class RoutedRequestsRequireUser : AuthorizationHandler<RoutedRequestsRequireUser>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoutedRequestsRequireUser requirement)
    {
        var routed = context.Resource is HttpContext http && http.GetEndpoint() is RouteEndpoint;
        if (!routed || context.User.Identity?.IsAuthenticated == true)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
