using System.CommandLine;
using System.Text.Json;
using Parley.Client;
using Spectre.Console;

namespace Parley.Cli;

/// <summary>The options every command takes, and what a command needs: the server, a signed-in client, output.</summary>
public sealed class CliContext : IDisposable
{
    public const string DefaultServer = "http://localhost:8000";

    public static readonly Option<string?> ServerOption = new("--server")
    {
        Description = "The Parley server (default: PARLEY_URL, then the server you logged in to, then http://localhost:8000).",
        Recursive = true,
    };

    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON instead of tables (JSON lines in chat).", Recursive = true };

    private ParleyClient? _client;
    private HttpClient? _http;

    private CliContext(string server, CliConfig config, bool json)
    {
        Server = server;
        Config = config;
        Json = json;
    }

    public string Server { get; }

    public CliConfig Config { get; private set; }

    public bool Json { get; }

    public static CliContext From(ParseResult parse)
    {
        var config = CliConfig.Load();
        var server = parse.GetValue(ServerOption) ?? Environment.GetEnvironmentVariable("PARLEY_URL") ?? config.Server ?? DefaultServer;
        server = server.TrimEnd('/');
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw CliException.Usage($"--server must be an http(s) URL, not '{server}'.");
        }

        return new CliContext(server, config, parse.GetValue(JsonOption));
    }

    /// <summary>The stored login, when it was made against this server.</summary>
    private bool HasLogin => Config.HasCredentials && string.Equals(Config.Server?.TrimEnd('/'), Server, StringComparison.OrdinalIgnoreCase);

    /// <summary>A client without credentials (health, login).</summary>
    public ParleyClient Anonymous()
    {
        if (_client is not null)
        {
            return _client;
        }

        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), UseCookies = false })
        {
            BaseAddress = new Uri(Server + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client = new ParleyClient(_http);
        _client.TokensChanged += tokens =>
        {
            // Refreshed tokens are saved at once: the old refresh token is spent.
            Config = tokens is null
                ? Config.WithoutCredentials()
                : Config with { Server = Server, AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken, ApiKey = null };
            Config.Save();
        };
        return _client;
    }

    /// <summary>The client with the stored login; exit code 3 when there is none for this server.</summary>
    public ParleyClient Client()
    {
        if (!HasLogin)
        {
            throw CliException.NotLoggedIn(Server);
        }

        var client = Anonymous();
        if (client.Credentials is null)
        {
            if (Config.ApiKey is { } key)
            {
                client.UseApiKey(key);
            }
            else
            {
                client.UseTokens(new ParleyTokens(Config.AccessToken!, Config.RefreshToken));
            }
        }

        return client;
    }

    public void SaveLogin(CliConfig config)
    {
        Config = config with { Server = Server };
        Config.Save();
    }

    public void Dispose()
    {
        _client?.Dispose();
        _http?.Dispose();
    }

    // ---- output ----

#pragma warning disable CA1822 // an output method of the context, like the others
    public void WriteJson(object? value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), ParleyJson.Options));

    /// <summary>A table of the given columns (JSON names) of each item, or the items as JSON with --json.</summary>
    public void WriteTable<T>(IEnumerable<T> items, params string[] columns)
    {
        var rows = items.Select(i => JsonSerializer.SerializeToElement(i, ParleyJson.Options)).ToList();
        if (Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(rows, ParleyJson.Options));
            return;
        }

        if (rows.Count == 0)
        {
            Console.Out.WriteLine("(none)");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)));
        }

        foreach (var row in rows)
        {
            table.AddRow(columns.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(Cell(row, c))).ToArray());
        }

        AnsiConsole.Write(table);
    }

    /// <summary>One object as <c>field: value</c> lines, or JSON with --json.</summary>
    public void WriteObject<T>(T value, params string[] fields)
    {
        var element = JsonSerializer.SerializeToElement(value, ParleyJson.Options);
        if (Json)
        {
            Console.Out.WriteLine(element.GetRawText());
            return;
        }

        var grid = new Grid().AddColumn().AddColumn();
        foreach (var field in fields.Length > 0 ? fields : element.EnumerateObject().Select(p => p.Name).ToArray())
        {
            grid.AddRow(new Text(field + ":", new Style(decoration: Decoration.Bold)), new Text(Cell(element, field)));
        }

        AnsiConsole.Write(grid);
    }

    public static string Cell(JsonElement row, string column)
    {
        if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty(column, out var value))
        {
            return "";
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
            _ => value.GetRawText(),
        };
    }

    public static void Info(string line) => Console.Out.WriteLine(line);
}
