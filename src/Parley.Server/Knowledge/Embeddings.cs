using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Parley.Engine.Embeddings;

namespace Parley.Server.Knowledge;

/// <summary>
/// Vectors from the configured provider (<see cref="EmbeddingOptions.Provider"/>): the sentence encoder
/// built into the process (<see cref="SentenceEmbedder"/>, the default), or an OpenAI-compatible
/// <c>POST {BaseUrl}/embeddings</c> (OpenAI, Ollama, vLLM, llama.cpp). The endpoint is chosen by the
/// operator, like the LLM, so it is called directly rather than through the SSRF-guarded client meant
/// for tenant-supplied URLs.
/// </summary>
public sealed class EmbeddingClient(IHttpClientFactory factory, IOptions<KnowledgeOptions> options)
{
    public const string ClientName = "parley-embeddings";

    public bool IsConfigured => options.Value.Embeddings.IsConfigured;

    /// <summary>Whether vectors are made in the process (their cosine is then an answer feature of its own, see docs/knowledge.md).</summary>
    public bool IsBuiltIn => options.Value.Embeddings.IsBuiltIn;

    public string Model => IsBuiltIn ? EmbeddingOptions.BuiltInModel : options.Value.Embeddings.Model;

    public Task<List<float[]>> EmbedAsync(IReadOnlyList<string> inputs, CancellationToken cancellationToken) => EmbedAsync(inputs, null, cancellationToken);

    /// <summary>
    /// The vector of a search query. The built-in encoder remembers the last few hundred single texts
    /// (<see cref="SentenceEmbedder"/>), so a turn's text is encoded once however often it is searched.
    /// </summary>
    public async Task<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken)
        => (await EmbedAsync([query], cancellationToken))[0];

    /// <param name="inputs">The texts.</param>
    /// <param name="embedded">Told the number of inputs embedded so far after each batch (ingestion progress).</param>
    /// <param name="cancellationToken">Stops the requests.</param>
    public async Task<List<float[]>> EmbedAsync(IReadOnlyList<string> inputs, Func<int, Task>? embedded, CancellationToken cancellationToken)
    {
        if (IsBuiltIn)
        {
            return await EmbedInProcessAsync(inputs, embedded, cancellationToken);
        }

        var settings = options.Value.Embeddings;
        var vectors = new List<float[]>(inputs.Count);
        var http = factory.CreateClient(ClientName);
        http.Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        foreach (var batch in inputs.Chunk(settings.BatchSize))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, settings.BaseUrl.TrimEnd('/') + "/embeddings")
            {
                Content = JsonContent.Create(new EmbeddingRequest(settings.Model, batch)),
            };
            if (!string.IsNullOrEmpty(settings.ApiKey))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the embeddings endpoint answered {(int)response.StatusCode}");
            }

            var body = await response.Content.ReadFromJsonAsync<EmbeddingResponse>(cancellationToken)
                ?? throw new HttpRequestException("the embeddings endpoint answered no body");
            var data = body.Data.OrderBy(d => d.Index).ToList();
            if (data.Count != batch.Length)
            {
                throw new HttpRequestException($"the embeddings endpoint returned {data.Count} vectors for {batch.Length} inputs");
            }

            vectors.AddRange(data.Select(d => Normalize(d.Embedding)));
            if (embedded is not null)
            {
                await embedded(vectors.Count);
            }
        }

        return vectors;
    }

    /// <summary>
    /// The built-in encoder, a batch at a time. A failure of the model (it should have none: inputs are capped and
    /// blank ones give the zero vector) is an <see cref="EmbeddingUnavailableException"/>, handled as an endpoint outage is.
    /// </summary>
    private static async Task<List<float[]>> EmbedInProcessAsync(IReadOnlyList<string> inputs, Func<int, Task>? embedded, CancellationToken cancellationToken)
    {
        var vectors = new List<float[]>(inputs.Count);
        foreach (var batch in inputs.Chunk(SentenceEmbedder.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                vectors.AddRange(SentenceEmbedder.Shared.Embed(batch));
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                throw new EmbeddingUnavailableException("the built-in sentence encoder failed: " + e.Message, e);
            }

            if (embedded is not null)
            {
                await embedded(vectors.Count);
            }
        }

        return vectors;
    }

    /// <summary>Unit length, so cosine similarity is a dot product.</summary>
    public static float[] Normalize(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        return norm == 0 ? vector : vector.Select(v => (float)(v / norm)).ToArray();
    }

    public static byte[] ToBytes(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    public static float[] FromBytes(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            return 0;
        }

        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private sealed record EmbeddingRequest([property: JsonPropertyName("model")] string Model, [property: JsonPropertyName("input")] string[] Input);

    private sealed record EmbeddingResponse([property: JsonPropertyName("data")] List<EmbeddingData> Data);

    private sealed record EmbeddingData([property: JsonPropertyName("index")] int Index, [property: JsonPropertyName("embedding")] float[] Embedding);
}

/// <summary>The embeddings provider could not make vectors; search and ingestion fall back to keywords.</summary>
public sealed class EmbeddingUnavailableException(string message, Exception inner) : Exception(message, inner);
