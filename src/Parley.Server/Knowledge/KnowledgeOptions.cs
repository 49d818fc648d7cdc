using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Knowledge;

/// <summary>Knowledge base settings (<c>Parley:Knowledge</c>); every one has a working default.</summary>
public sealed class KnowledgeOptions
{
    public const string Section = "Parley:Knowledge";

    /// <summary>The AI Assistant Platform document's limits: images 10 MB, documents 50 MB, data files (CSV, JSON, XML) 100 MB.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImageBytes { get; set; } = 10L * 1024 * 1024;

    [Range(1, long.MaxValue)]
    public long MaxDocumentBytes { get; set; } = 50L * 1024 * 1024;

    [Range(1, long.MaxValue)]
    public long MaxDataBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Text sent in a JSON body (<c>content</c>) is capped separately.</summary>
    [Range(1, 100_000_000)]
    public int MaxContentChars { get; set; } = 5_000_000;

    /// <summary>Text one file (or page) may yield once extracted; more fails the source as too large.</summary>
    [Range(1_000, 500_000_000)]
    public int MaxExtractedChars { get; set; } = 10_000_000;

    /// <summary>Passages one source may be cut into; more fails the source as too large.</summary>
    [Range(1, 10_000_000)]
    public int MaxChunks { get; set; } = 20_000;

    /// <summary>How deep elements may nest in a DOCX, HTML or JSON file (Word itself stays far below).</summary>
    [Range(8, 10_000)]
    public int MaxNestingDepth { get; set; } = 256;

    /// <summary>What a DOCX may unpack to: its declared sizes are checked, and the bytes are counted while inflating.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUnpackedBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Parts (ZIP entries) a DOCX may hold.</summary>
    [Range(1, 1_000_000)]
    public int MaxArchiveEntries { get; set; } = 1_000;

    /// <summary>Wall-clock time to extract the text of one file (pdftotext is killed when it runs out).</summary>
    [Range(1, 86_400)]
    public int MaxExtractionSeconds { get; set; } = 120;

    /// <summary>URL sources are opt-in: off until an operator enables them.</summary>
    public bool AllowUrlSources { get; set; }

    [Range(200, 20_000)]
    public int ChunkChars { get; set; } = 1_000;

    [Range(0, 5_000)]
    public int ChunkOverlapChars { get; set; } = 150;

    /// <summary>Where <c>pdftotext</c> (poppler-utils) is; found on PATH when empty.</summary>
    public string PdfToTextPath { get; set; } = "pdftotext";

    /// <summary>How long a worker owns a claimed job before another may take it over.</summary>
    [Range(5, 86_400)]
    public int LeaseSeconds { get; set; } = 300;

    [Range(0.05, 3_600)]
    public double PollSeconds { get; set; } = 1;

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Runs the ingestion worker in this instance (turn off on API-only instances).</summary>
    public bool RunWorker { get; set; } = true;

    public EmbeddingOptions Embeddings { get; set; } = new();
}

/// <summary>
/// Where passage and query vectors come from: an OpenAI-compatible <c>/v1/embeddings</c> endpoint, the
/// sentence encoder built into the process (all-MiniLM-L6-v2, the default when no endpoint is set), or none
/// (keyword search only).
/// </summary>
public sealed class EmbeddingOptions
{
    public const string BuiltIn = "builtin";
    public const string Endpoint = "endpoint";
    public const string None = "none";

    /// <summary>The model name stored with vectors made in the process (a change of provider shows per chunk and source).</summary>
    public const string BuiltInModel = "builtin/all-MiniLM-L6-v2";

    /// <summary><c>builtin</c>, <c>endpoint</c> or <c>none</c>; empty: <c>endpoint</c> when BaseUrl is set, else <c>builtin</c>.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The API root that <c>embeddings</c> is appended to, e.g. <c>http://127.0.0.1:11434/v1</c>.</summary>
    public string BaseUrl { get; set; } = "";

    public string Model { get; set; } = "";

    public string? ApiKey { get; set; }

    [Range(1, 2048)]
    public int BatchSize { get; set; } = 64;

    [Range(0.1, 600)]
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Passages the background fill embeds and then writes in one short transaction (progress after each).</summary>
    [Range(1, 10_000)]
    public int FillBatchSize { get; set; } = 64;

    /// <summary>
    /// While vectors are filled in, how often search is told to reload the tenant's vectors (and answers to forget
    /// cached replies), so passages count by meaning as their batches land; 0: after every batch.
    /// </summary>
    [Range(0, 3_600)]
    public double RefreshSeconds { get; set; } = 2;

    public bool IsConfigured => EffectiveProvider != None;

    /// <summary>The provider in use once the default is applied.</summary>
    public string EffectiveProvider => Provider.Trim().ToLowerInvariant() switch
    {
        "" => string.IsNullOrWhiteSpace(BaseUrl) ? BuiltIn : Endpoint,
        var p => p,
    };

    public bool IsBuiltIn => EffectiveProvider == BuiltIn;

    /// <summary>Whether the settings make sense together (checked at start).</summary>
    public bool IsValid => EffectiveProvider switch
    {
        BuiltIn or None => true,
        Endpoint => !string.IsNullOrWhiteSpace(BaseUrl) && !string.IsNullOrWhiteSpace(Model),
        _ => false,
    };
}
