using System.CommandLine;
using Parley.Client;
using Spectre.Console;

namespace Parley.Cli.Commands;

public static class AuthCommands
{
    public static Command Login()
    {
        var email = new Option<string?>("--email") { Description = "Email or username (asked for when missing)." };
        var apiKey = new Option<string?>("--api-key") { Description = "Use an API key (prk_...) instead of a password." };
        var command = new Command("login", "Sign in and keep the credentials in the user's config directory (mode 0600). The password is asked for, or read from stdin when piped.")
        {
            email,
            apiKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var client = context.Anonymous();
            User me;
            if (parse.GetValue(apiKey) is { Length: > 0 } key)
            {
                client.UseApiKey(key);
                me = await SignInAsync(() => client.Auth.MeAsync(ct));
                context.SaveLogin(context.Config.WithoutCredentials() with { ApiKey = key, Email = me.Email });
            }
            else
            {
                var login = parse.GetValue(email) ?? Ask("Email: ", secret: false);
                var password = Ask("Password: ", secret: true);
                if (string.IsNullOrEmpty(login) || string.IsNullOrEmpty(password))
                {
                    throw CliException.Usage("An email and a password are needed (or --api-key).");
                }

                var result = await SignInAsync(() => client.Auth.LoginAsync(login, password, ct));
                me = result.User ?? await client.Auth.MeAsync(ct);
                context.SaveLogin(context.Config with { Email = me.Email });
            }

            CliContext.Info($"Logged in to {context.Server} as {me.Email} ({me.Role}).");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A refused login is an error (exit 1), not "not logged in": the user just tried.</summary>
    private static async Task<T> SignInAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ParleyApiException e) when (e.Status == 401)
        {
            throw new CliException(ExitCodes.Error, e.Message);
        }
    }

    private static string Ask(string prompt, bool secret)
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine()?.Trim() ?? "";
        }

        var question = new TextPrompt<string>(prompt);
        return AnsiConsole.Prompt(secret ? question.Secret() : question);
    }

    public static Command Logout()
    {
        var command = new Command("logout", "End the login on the server and forget the stored credentials.");
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            if (!context.Config.HasCredentials)
            {
                CliContext.Info("Not logged in.");
                return ExitCodes.Ok;
            }

            if (context.Config.ApiKey is null)
            {
                await context.Client().Auth.LogoutAsync(ct);
            }

            context.SaveLogin(context.Config.WithoutCredentials());
            CliContext.Info("Logged out.");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command WhoAmI()
    {
        var command = new Command("whoami", "Show the signed-in user.");
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var me = await context.Client().Auth.MeAsync(ct);
            context.WriteObject(me, "id", "email", "username", "role", "tenant_id", "subscription_plan");
            return ExitCodes.Ok;
        });
        return command;
    }
}
