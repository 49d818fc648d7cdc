using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.Secrets;

namespace Parley.Server.Tools;

/// <summary>
/// Runs a custom HTTP tool: <c>{name}</c> placeholders in the URL template's path and query are
/// filled with URL-escaped arguments; the other arguments go in the query (GET, DELETE) or as the
/// JSON body (POST, PUT, PATCH). The secret header is decrypted only for the call.
/// </summary>
public sealed partial class CustomToolRunner(IHttpClientFactory clients, SecretProtector secrets, OutboundGuard guard)
{
    public static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Null when the template is acceptable: an allowed URL whose scheme and host carry no placeholder.</summary>
    public string? CheckTemplate(string? template)
    {
        if (string.IsNullOrWhiteSpace(template) || template.Length > 2000)
        {
            return "Required, at most 2000 characters.";
        }

        var sample = Placeholder().Replace(template, "x");
        if (guard.CheckUrl(sample) is { } problem)
        {
            return "The URL " + problem + ".";
        }

        var authority = new Uri(sample).GetLeftPart(UriPartial.Authority);
        return template.StartsWith(authority, StringComparison.OrdinalIgnoreCase) && !authority.Contains('{', StringComparison.Ordinal)
            ? null
            : "Placeholders may appear only in the path and query, never in the scheme, host or port.";
    }

    public async Task<ToolResult> RunAsync(CustomTool tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var url = Placeholder().Replace(tool.UrlTemplate, m =>
        {
            used.Add(m.Groups[1].Value);
            return Uri.EscapeDataString(Scalar(arguments[m.Groups[1].Value]));
        });
        var rest = arguments.Where(a => !used.Contains(a.Key)).ToList();
        var method = HttpMethod.Parse(tool.Method);
        var sendsBody = method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch;
        if (!sendsBody && rest.Count > 0)
        {
            var query = string.Join('&', rest.Select(a => Uri.EscapeDataString(a.Key) + "=" + Uri.EscapeDataString(Scalar(a.Value))));
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
        }

        if (guard.CheckUrl(url) is { } problem)
        {
            return new ToolResult(false, "blocked: the URL " + problem, null, "blocked");
        }

        using var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (tool.SecretHeaderName is { } header && secrets.Unprotect(tool.SecretHeaderValue) is { } value)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        if (sendsBody)
        {
            var body = new JsonObject();
            foreach (var (key, node) in rest)
            {
                body[key] = node?.DeepClone();
            }

            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(tool.TimeoutSeconds));
        try
        {
            using var http = clients.CreateClient(OutboundHttp.ClientName);
            using var response = await http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            JsonNode? json = null;
            try
            {
                json = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }

            var status = (int)response.StatusCode;
            var clipped = text.Length <= 300 ? text : text[..297] + "...";
            return response.IsSuccessStatusCode
                ? new ToolResult(true, $"HTTP {status}: {clipped}", json ?? JsonValue.Create(text.Length <= 4000 ? text : text[..4000]))
                : new ToolResult(false, $"HTTP {status} from the tool's endpoint", new JsonObject { ["status"] = status }, status == 401 ? "unauthorized" : $"http_error {status}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = OutboundHttp.Describe(timeout.IsCancellationRequested ? new TimeoutException() : e);
            return new ToolResult(false, reason, null, reason);
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]{0,63})\}")]
    private static partial Regex Placeholder();
}
