using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Parley.Client;
using Parley.ConsoleApp.Services;
using Parley.ConsoleApp.Shared;

namespace Parley.ConsoleApp.Pages.Admin;

/// <summary>
/// What the admin pages share: the session, the error envelope's message for the page's
/// <see cref="ErrorNote"/>, and reading JSON an admin typed (a schema, arguments).
/// </summary>
public abstract class AdminPage : ComponentBase
{
    [Inject] protected ConsoleSession Session { get; set; } = null!;

    protected string? Error { get; set; }

    protected ParleyClient Client => Session.Client;

    /// <summary>Loads the page's first data for admins only (the page shows "Admins only" to others).</summary>
    protected override Task OnInitializedAsync() => Session.IsAdmin ? Run(LoadAsync) : Task.CompletedTask;

    protected abstract Task LoadAsync();

    /// <summary>Runs an API call; a refusal shows the envelope's message (and request id) instead of a blank page.</summary>
    protected async Task Run(Func<Task> action)
    {
        try
        {
            Error = null;
            await action();
        }
        catch (ParleyApiException e)
        {
            Error = ErrorNote.Of(e);
        }
    }

    /// <summary>JSON typed into a text area, or an error message saying why it is not.</summary>
    protected static (JsonElement? Value, string? Problem) ParseJson(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (null, $"{what} is not valid JSON: {e.Message}");
        }
    }

    protected static string Lines(IEnumerable<string> values) => string.Join('\n', values);

    protected static string[] SplitLines(string? text)
        => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    protected static string When(DateTime? at)
        => at is { } t ? t.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "never";
}
