using System.Net;
using System.Net.Http.Headers;

namespace Parley.Client;

/// <summary>Knowledge sources (FAQ, text, URL, files), their indexing status, search and file upload.</summary>
public sealed class KnowledgeResource(ParleyClient client) : ResourceBase(client)
{
    private const string Sources = "knowledge/sources";

    public Task<PageOf<KnowledgeSource>> ListAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<KnowledgeSource>(Sources, query, cancellationToken);

    public IAsyncEnumerable<KnowledgeSource> ListAllAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.AllAsync<KnowledgeSource>(Sources, query, cancellationToken);

    public Task<KnowledgeSource> GetAsync(Guid id, CancellationToken cancellationToken = default) => Client.GetAsync<KnowledgeSource>($"{Sources}/{Id(id)}", cancellationToken);

    public Task<SourceStatus> StatusAsync(Guid id, CancellationToken cancellationToken = default) => Client.GetAsync<SourceStatus>($"{Sources}/{Id(id)}/status", cancellationToken);

    /// <summary>Creates a source: <c>{name, type: faq|text|document|url, content | url | faqs, category}</c>; indexed in the background.</summary>
    public Task<AcceptedSource> CreateAsync(object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<AcceptedSource>(HttpMethod.Post, Sources, body, cancellationToken);

    /// <summary>Replaces a source (re-ingests it).</summary>
    public Task<AcceptedSource> UpdateAsync(Guid id, object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<AcceptedSource>(HttpMethod.Put, $"{Sources}/{Id(id)}", body, cancellationToken);

    public Task DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, $"{Sources}/{Id(id)}", null, cancellationToken);

    public Task<SearchResult> SearchAsync(string query, int? limit = null, string? category = null, CancellationToken cancellationToken = default)
        => Client.GetAsync<SearchResult>(
            $"knowledge/search?q={Escape(query)}{(limit is { } l ? $"&limit={l}" : "")}{(category is null ? "" : "&category=" + Escape(category))}", cancellationToken);

    /// <summary>
    /// Uploads a file (<c>POST /files/upload</c>), reporting bytes sent. The stream must be seekable
    /// for the retry after a token refresh; otherwise a 401 is not retried.
    /// </summary>
    public async Task<AcceptedSource> UploadAsync(Stream content, string fileName, string? category = null, string? name = null,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var start = content.CanSeek ? content.Position : 0;
        var attempt = 0;
        HttpRequestMessage Build()
        {
            if (attempt++ > 0)
            {
                if (!content.CanSeek)
                {
                    throw new ParleyApiException(401, "AUTHENTICATION_ERROR", "The login expired during the upload; sign in again and retry.");
                }

                content.Position = start;
            }

            var form = new MultipartFormDataContent();
            var file = new ProgressStreamContent(content, progress);
            file.Headers.ContentType = new MediaTypeHeaderValue(ContentTypes.For(fileName));
            form.Add(file, "file", fileName);
            if (category is not null)
            {
                form.Add(new StringContent(category), "category");
            }

            if (name is not null)
            {
                form.Add(new StringContent(name), "name");
            }

            return new HttpRequestMessage(HttpMethod.Post, ParleyClient.Path("files/upload")) { Content = form };
        }

        using var response = await Client.SendAsync(Build, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ParleyClient.ReadAsync<AcceptedSource>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Polls a source until it is ready or failed, reporting each status seen.</summary>
    public async Task<SourceStatus> WaitUntilSettledAsync(Guid id, IProgress<SourceStatus>? progress = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var status = await StatusAsync(id, cancellationToken).ConfigureAwait(false);
            progress?.Report(status);
            if (status.IsSettled)
            {
                return status;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(300), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stream content that reports how many bytes have been handed to the network.</summary>
    private sealed class ProgressStreamContent(Stream source, IProgress<long>? progress) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) => await CopyAsync(stream, CancellationToken.None).ConfigureAwait(false);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) => CopyAsync(stream, cancellationToken);

        private async Task CopyAsync(Stream target, CancellationToken cancellationToken)
        {
            var buffer = new byte[64 * 1024];
            long sent = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                sent += read;
                progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            if (source.CanSeek)
            {
                length = source.Length - source.Position;
                return true;
            }

            length = 0;
            return false;
        }
    }
}

/// <summary>The content type the server expects for a file name (it also sniffs the bytes).</summary>
public static class ContentTypes
{
    public static string For(string fileName) => System.IO.Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".txt" => "text/plain",
        ".md" or ".markdown" => "text/markdown",
        ".html" or ".htm" => "text/html",
        ".json" => "application/json",
        ".csv" => "text/csv",
        ".xml" => "application/xml",
        ".pdf" => "application/pdf",
        ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    };
}
