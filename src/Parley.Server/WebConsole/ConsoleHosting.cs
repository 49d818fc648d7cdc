namespace Parley.Server.WebConsole;

/// <summary>
/// Serves the agent and admin console (src/Parley.Console, Blazor WebAssembly) at /app. The server
/// only hands out its files: the console talks to Parley through the public API like any other
/// client (decision 0013), so nothing here needs a sign-in and the API enforces every role.
/// </summary>
public static class ConsoleHosting
{
    public const string BasePath = "/app";

    public static WebApplicationBuilder AddParleyConsole(this WebApplicationBuilder builder)
    {
        // A build that is run rather than published (`dotnet run`, tests) keeps the console's files
        // in its project folders and lists them in a manifest; without this only Development would
        // find them. A published server has no manifest and serves its wwwroot, so this is a no-op.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static WebApplication MapParleyConsole(this WebApplication app)
    {
        // Routing ignores a trailing slash, so only the exact "/app" is sent on to "/app/" (the
        // console's base address); relative links would otherwise resolve against "/".
        app.MapGet(BasePath, (HttpContext context) => context.Request.Path.Value!.EndsWith('/')
                ? Results.File("app/index.html", "text/html")
                : Results.Redirect(BasePath + "/"))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapStaticAssets().AllowAnonymous();
        // Deep links (/app/inbox, /app/conversations/{id}) load the console, whose router takes over.
        app.MapFallbackToFile(BasePath + "/{*path:nonfile}", "app/index.html").AllowAnonymous();
        return app;
    }
}
