using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Http;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Storage;

namespace Parley.Server.Knowledge;

/// <summary>
/// <c>POST /files/upload</c> (the AI Assistant Platform and HeliosCS documents): multipart with <c>file</c>, optional
/// <c>category</c>, <c>metadata</c> (a JSON object) and <c>name</c>. The bytes are checked before
/// anything is stored; the file becomes a knowledge source of type <c>file</c>, indexed in the background.
/// Every role may upload; a plain user's file is private to them (see docs/security.md).
/// </summary>
public static class FilesApi
{
    public static RouteGroupBuilder MapFiles(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/files").WithTags("Files");
        group.MapPost("/upload", UploadAsync)
            .RequireRateLimit(RateLimitPolicies.Upload)
            .DisableAntiforgery()
            .WithMetadata(new UploadLimit())
            .Accepts<IFormFile>("multipart/form-data");
        return group;
    }

    /// <summary>The body limit of the upload endpoint follows the largest configured file class.</summary>
    private sealed class UploadLimit : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => null;
    }

    private static async Task<Results<Accepted<AcceptedSource>, ErrorResult>> UploadAsync(
        HttpRequest request, ParleyDb db, CurrentUser me, KnowledgeWrites writes, TextExtractor extractor, IOptions<KnowledgeOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!request.HasFormContentType || !(request.ContentType ?? "").Contains("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorResult.Status(415, "Send the file as multipart/form-data with a 'file' field.");
        }

        var limit = Math.Max(settings.MaxDataBytes, settings.MaxDocumentBytes) + (1024 * 1024);
        if (request.ContentLength > limit)
        {
            return ErrorResult.Status(413, $"Files may be at most {settings.MaxDataBytes} bytes (data) or {settings.MaxDocumentBytes} bytes (documents).");
        }

        var (form, unreadable) = await FormBodies.ReadAsync(request, new FormOptions { MultipartBodyLengthLimit = limit }, cancellationToken);
        if (form is null)
        {
            return unreadable!;
        }

        var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
        if (file is null || file.Length == 0)
        {
            return ErrorResult.Validation("file", "Attach a non-empty file in the 'file' field.");
        }

        var metadataText = form["metadata"].ToString();
        JsonElement? metadata = null;
        if (metadataText.Length > 0)
        {
            try
            {
                metadata = JsonDocument.Parse(metadataText).RootElement.Clone();
            }
            catch (JsonException)
            {
                return ErrorResult.Validation("metadata", "Must be a JSON object.");
            }

            if (metadata.Value.ValueKind != JsonValueKind.Object)
            {
                return ErrorResult.Validation("metadata", "Must be a JSON object.");
            }
        }

        var data = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(data, cancellationToken);
        }

        var fileName = Path.GetFileName(file.FileName ?? "upload");
        var sniffed = FileFormats.Sniff(fileName, data, settings.MaxArchiveEntries);
        if (sniffed.Kind is not { } kind)
        {
            return ErrorResult.Status(sniffed.Status, sniffed.Reason);
        }

        var max = FileFormats.IsData(kind) ? settings.MaxDataBytes : settings.MaxDocumentBytes;
        if (data.Length > max)
        {
            return ErrorResult.Status(413, $"{kind.ToString().ToUpperInvariant()} files may be at most {max} bytes.");
        }

        if (kind == FileKind.Pdf && !extractor.PdfSupported())
        {
            return ErrorResult.Status(503, "PDF files cannot be read on this server: pdftotext (poppler-utils) is not installed.");
        }

        var name = form["name"].ToString() is { Length: > 0 and <= SourceRequest.MaxNameLength } given ? given : fileName;
        var category = form["category"].ToString() is { Length: > 0 } c ? c : null;
        var sourceRequest = new SourceRequest(name, SourceTypes.Document, "-", null, category, metadata, null, null, null);
        // A plain user's upload is theirs: searched for them (and by staff), never used to answer others.
        var source = new KnowledgeSource
        {
            Id = Guid.NewGuid(),
            TenantId = me.RequiredTenantId,
            Name = "",
            Type = "",
            CreatedBy = me.UserId,
            OwnerUserId = me.IsAgentOrAdmin ? null : me.UserId,
        };
        writes.Apply(source, sourceRequest);
        source.Type = SourceTypes.File;
        source.Content = "";
        source.FileName = fileName;
        source.ContentType = FileFormats.ContentType(kind);
        source.SizeBytes = data.Length;
        db.Set<KnowledgeSource>().Add(source);
        db.Set<KnowledgeFile>().Add(new KnowledgeFile { SourceId = source.Id, TenantId = source.TenantId, Data = data });
        return await writes.QueueAsync(db, source, cancellationToken);
    }
}
