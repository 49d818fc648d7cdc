using System.Text.Json;
using Microsoft.JSInterop;
using Parley.Client;

namespace Parley.ConsoleApp.Services;

/// <summary>
/// Who is signed in to this tab, and the one <see cref="ParleyClient"/> every page talks to Parley
/// through. Tokens live in sessionStorage (this tab only, gone when it closes); the client refreshes
/// them on a 401 and the new pair is saved again.
/// </summary>
public sealed class ConsoleSession
{
    private const string TokenKey = "parley.console.tokens";
    private const string UserKey = "parley.console.user";
    private readonly IJSRuntime _js;

    public ConsoleSession(ParleyClient client, IJSRuntime js)
    {
        Client = client;
        _js = js;
        client.TokensChanged += tokens => _ = SaveAsync(tokens);
    }

    public ParleyClient Client { get; }

    public User? User { get; private set; }

    public bool IsSignedIn => User is not null;

    public bool IsAdmin => User?.Role == "admin";

    public event Action? Changed;

    /// <summary>
    /// Restores a sign-in kept by this tab (a reload). The user saved with it shows the console at
    /// once, without waiting for a round trip; <c>/auth/me</c> then confirms it in the background, and
    /// a refused or ended sign-in is forgotten the moment the answer comes (the server checks every
    /// call anyway, so the saved role only decides which links show until then).
    /// </summary>
    public async Task RestoreAsync()
    {
        var saved = await _js.InvokeAsync<string?>("parleyConsole.load", TokenKey);
        if (string.IsNullOrEmpty(saved) || JsonSerializer.Deserialize<ParleyTokens>(saved, ParleyJson.Options) is not { AccessToken.Length: > 0 } tokens)
        {
            return;
        }

        Client.UseTokens(tokens);
        var savedUser = await _js.InvokeAsync<string?>("parleyConsole.load", UserKey);
        if (!string.IsNullOrEmpty(savedUser) && JsonSerializer.Deserialize<User>(savedUser, ParleyJson.Options) is { Role: "agent" or "admin" } user)
        {
            User = user;
            _ = ConfirmSoonAsync();
            return;
        }

        await ConfirmAsync();
    }

    /// <summary>
    /// The confirmation waits a moment, so its answer is not read in the middle of the page's own
    /// first calls (the browser runs .NET on one thread: reading it delayed the inbox's first rows,
    /// bench/console.sh). Until then the saved role only decides which links show.
    /// </summary>
    private async Task ConfirmSoonAsync()
    {
        await Task.Delay(BackgroundDelay);
        await ConfirmAsync();
    }

    /// <summary>How long work the first page does not need (confirming the sign-in, the waiting count) waits after a reload.</summary>
    public static readonly TimeSpan BackgroundDelay = TimeSpan.FromMilliseconds(400);

    private async Task ConfirmAsync()
    {
        try
        {
            var me = await Client.Auth.MeAsync();
            await AcceptAsync(me);
        }
        catch (ParleyApiException)
        {
            Client.UseTokens(null);
            await SaveAsync(null);
            await ForgetAsync();
        }
        catch (HttpRequestException)
        {
            // The server is out of reach: keep the saved sign-in; the next call will tell.
        }
    }

    /// <summary>Signs in; customers are refused (the console is for agents and admins) and signed out again.</summary>
    public async Task<string?> SignInAsync(string login, string password)
    {
        var result = await Client.Auth.LoginAsync(login, password);
        var me = result.User ?? await Client.Auth.MeAsync();
        return await AcceptAsync(me);
    }

    private async Task<string?> AcceptAsync(User me)
    {
        if (me.Role is not ("agent" or "admin"))
        {
            await Client.Auth.LogoutAsync();
            await ForgetAsync();
            return "The console is for agents and admins. Customers chat with the assistant instead.";
        }

        // What the console shows from the user: a new role or name redraws it, the same one does not.
        var changed = User is null || (User.Id, User.Role, User.Email, User.FullName, User.Username) != (me.Id, me.Role, me.Email, me.FullName, me.Username);
        User = me;
        await SaveUserAsync(me);
        if (changed)
        {
            Changed?.Invoke();
        }

        return null;
    }

    public async Task SignOutAsync()
    {
        await Client.Auth.LogoutAsync();
        await ForgetAsync();
    }

    private async Task ForgetAsync()
    {
        await SaveUserAsync(null);
        var had = User is not null;
        User = null;
        if (had)
        {
            Changed?.Invoke();
        }
    }

    private Task SaveUserAsync(User? user) => SaveAsync(UserKey, user is null ? null : JsonSerializer.Serialize(user, ParleyJson.Options));

    private Task SaveAsync(ParleyTokens? tokens) => SaveAsync(TokenKey, tokens is null ? null : JsonSerializer.Serialize(tokens, ParleyJson.Options));

    private async Task SaveAsync(string key, string? value)
    {
        try
        {
            await _js.InvokeVoidAsync("parleyConsole.save", key, value);
        }
        catch (JSException)
        {
            // Storage refused (private mode): the sign-in lasts until the tab reloads.
        }
    }
}
