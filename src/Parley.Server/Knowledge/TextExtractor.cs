using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.Options;

namespace Parley.Server.Knowledge;

/// <summary>The file could not be turned into text (corrupt, or a tool is missing).</summary>
public sealed class ExtractionException(string message) : Exception(message);

/// <summary>
/// Turns each supported format into plain text with <c># heading</c> lines the chunker titles
/// passages by: HTML through AngleSharp (scripts, styles and navigation dropped), CSV one paragraph
/// per row (<c>column: value</c>), JSON one line per leaf (<c>path: value</c>), DOCX paragraphs
/// with Heading styles, PDF through poppler's <c>pdftotext</c>.
/// </summary>
public sealed partial class TextExtractor(IOptions<KnowledgeOptions> options)
{
    /// <summary>
    /// The text of one untrusted file, read under the bounds of <see cref="KnowledgeOptions"/>
    /// (text, nesting, unpacked size, time); an <see cref="ExtractionException"/> says which was hit.
    /// </summary>
    public async Task<string> ExtractAsync(FileKind kind, byte[] data, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.MaxExtractionSeconds));
        var budget = new TextBudget(settings, deadline.Token);
        string text;
        try
        {
            text = kind switch
            {
                FileKind.Pdf => await PdfAsync(data, budget, deadline.Token),
                FileKind.Docx => DocxText.Read(data, budget),
                _ => FromText(kind, Decode(data), budget),
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ExtractionException($"document too large: reading it took longer than {settings.MaxExtractionSeconds} seconds.");
        }
        catch (Exception e) when (e is not ExtractionException and not OperationCanceledException)
        {
            throw new ExtractionException($"The {kind.ToString().ToUpperInvariant()} file could not be read: {e.Message}");
        }

        return text.Length > settings.MaxExtractedChars ? throw TextBudget.TooMuchText(settings.MaxExtractedChars) : text;
    }

    private static string FromText(FileKind kind, string text, TextBudget budget) => kind switch
    {
        FileKind.Html => Html(text, budget.MaxDepth * HtmlDepthFactor),
        FileKind.Csv => Csv(text, budget),
        FileKind.Json => Json(text, budget),
        FileKind.Xml => XmlTags().Replace(text, " "),
        FileKind.Markdown => Markdown(text),
        _ => text,
    };

    private static string Decode(byte[] data) => Encoding.UTF8.GetString(data).TrimStart('\uFEFF');

    // An HTML page's depth is counted from its tags, an upper bound (see HtmlDepth): it gets four times
    // the nesting the exact DOCX and JSON readers allow.
    private const int HtmlDepthFactor = 4;

    public static string Html(string html, int maxDepth)
    {
        HtmlDepth.Check(html, maxDepth);
        var document = new HtmlParser().ParseDocument(html);
        foreach (var element in document.QuerySelectorAll("script, style, noscript, nav, template, svg").ToList())
        {
            element.Remove();
        }

        foreach (var heading in document.QuerySelectorAll("h1, h2, h3, h4"))
        {
            heading.TextContent = "\n\n# " + heading.TextContent.Trim() + "\n\n";
        }

        foreach (var block in document.QuerySelectorAll("p, li, div, tr, br, section, article, blockquote, pre, dd, dt"))
        {
            block.InsertBefore(document.CreateTextNode("\n\n"), block.FirstChild);
            block.AppendChild(document.CreateTextNode("\n\n"));
        }

        var body = document.Body?.TextContent ?? document.DocumentElement.TextContent;
        var title = document.Title;
        return string.IsNullOrWhiteSpace(title) ? body : "# " + title.Trim() + "\n\n" + body;
    }

    private static string Markdown(string markdown)
    {
        var text = MarkdownLink().Replace(markdown, "$1");
        text = MarkdownEmphasis().Replace(text, "");
        // Headings stay as "# ..." lines; setext underlines and fences go.
        return MarkdownNoise().Replace(text, "");
    }

    private static string Csv(string csv, TextBudget output)
    {
        using var reader = new CsvReader(new StringReader(csv), new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null });
        if (!reader.Read() || !reader.ReadHeader())
        {
            return "";
        }

        var header = reader.HeaderRecord ?? [];
        while (reader.Read())
        {
            output.Check();
            for (var i = 0; i < header.Length; i++)
            {
                var value = reader.GetField(i);
                if (!string.IsNullOrWhiteSpace(value))
                {
                    output.Append(header[i]).Append(": ").Append(value.Trim()).Append(i < header.Length - 1 ? "; " : "");
                }
            }

            output.Append("\n\n");
        }

        return output.ToString();
    }

    private static string Json(string json, TextBudget output)
    {
        using var document = ParseJson(json, output.MaxDepth);
        void Walk(JsonElement element, string path, int depth)
        {
            output.Check();
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, depth + 1);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, path, depth + 1);
                        if (item.ValueKind == JsonValueKind.Object)
                        {
                            output.Append("\n\n");
                        }
                    }

                    break;
                case JsonValueKind.Null or JsonValueKind.Undefined:
                    break;
                default:
                    output.Append(path).Append(": ").Append(element.ToString()).Append('\n');
                    break;
            }
        }

        Walk(document.RootElement, "", 0);
        return output.ToString();
    }

    /// <summary>The walk of <see cref="Json"/> recurses once per level: the parser's depth limit is what bounds it.</summary>
    private static JsonDocument ParseJson(string json, int maxDepth)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = maxDepth });
        }
        catch (JsonException e) when (e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            throw new ExtractionException($"document too complex: its elements are nested more than {maxDepth} levels deep.");
        }
    }

    /// <summary>True when <c>pdftotext</c> can be started (checked at upload so a PDF is refused up front, not lost in the queue).</summary>
    public bool PdfSupported()
    {
        var tool = options.Value.PdfToTextPath;
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool);
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
    }

    private async Task<string> PdfAsync(byte[] data, TextBudget budget, CancellationToken deadline)
    {
        if (!PdfSupported())
        {
            throw new ExtractionException("PDF text extraction needs pdftotext (Debian/Ubuntu: apt-get install poppler-utils).");
        }

        var input = Path.GetTempFileName();
        Process? process = null;
        try
        {
            await File.WriteAllBytesAsync(input, data, deadline);
            var start = new ProcessStartInfo(options.Value.PdfToTextPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            foreach (var argument in (string[])["-enc", "UTF-8", "-q", input, "-"])
            {
                start.ArgumentList.Add(argument);
            }

            process = Process.Start(start) ?? throw new ExtractionException("pdftotext could not be started.");
            // Errors are only drained (a full pipe would stall the tool); the text is read in pieces up to the budget.
            var stderr = process.StandardError.BaseStream.CopyToAsync(Stream.Null, deadline);
            var chunk = new char[16 * 1024];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(chunk, deadline)) > 0)
            {
                budget.Append(chunk.AsSpan(0, read));
            }

            await process.WaitForExitAsync(deadline);
            await stderr;
            if (process.ExitCode != 0)
            {
                throw new ExtractionException($"pdftotext could not read the PDF (exit code {process.ExitCode}); it may be damaged or encrypted.");
            }

            // pdftotext separates pages with form feeds.
            return budget.ToString().Replace('\f', '\n');
        }
        finally
        {
            if (process is { HasExited: false })
            {
                // Out of time or text: the tool must not run on unobserved.
                process.Kill(entireProcessTree: true);
            }

            process?.Dispose();
            File.Delete(input);
        }
    }

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex XmlTags();

    [GeneratedRegex(@"!?\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"(\*\*|__|`)")]
    private static partial Regex MarkdownEmphasis();

    [GeneratedRegex(@"(?m)^(```.*|~~~.*|[=-]{3,}\s*|>\s?)$")]
    private static partial Regex MarkdownNoise();
}
