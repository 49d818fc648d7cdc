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

    /// <summary>Restores a sign-in kept by this tab (a reload); a refused or ended one is forgotten.</summary>
    public async Task RestoreAsync()
    {
        var saved = await _js.InvokeAsync<string?>("parleyConsole.load", TokenKey);
        if (string.IsNullOrEmpty(saved) || JsonSerializer.Deserialize<ParleyTokens>(saved) is not { } tokens)
        {
            return;
        }

        Client.UseTokens(tokens);
        try
        {
            var me = await Client.Auth.MeAsync();
            await AcceptAsync(me);
        }
        catch (ParleyApiException)
        {
            Client.UseTokens(null);
            await SaveAsync(null);
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
            User = null;
            Changed?.Invoke();
            return "The console is for agents and admins. Customers chat with the assistant instead.";
        }

        User = me;
        Changed?.Invoke();
        return null;
    }

    public async Task SignOutAsync()
    {
        await Client.Auth.LogoutAsync();
        User = null;
        Changed?.Invoke();
    }

    private async Task SaveAsync(ParleyTokens? tokens)
    {
        try
        {
            await _js.InvokeVoidAsync("parleyConsole.save", TokenKey, tokens is null ? null : JsonSerializer.Serialize(tokens));
        }
        catch (JSException)
        {
            // Storage refused (private mode): the sign-in lasts until the tab reloads.
        }
    }
}
