using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Infrastructure.Http;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Knowledge;
using Parley.Server.Realtime;
using Parley.Server.Storage;

namespace Parley.Server.Widget;

/// <summary>A file a visitor attached to a conversation; the message it came with names it in <c>metadata.attachments</c>.</summary>
public sealed class MessageAttachment : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid MessageId { get; set; }
    public Guid? UploadedBy { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required byte[] Data { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class MessageAttachmentConfiguration : IEntityTypeConfiguration<MessageAttachment>
{
    public void Configure(EntityTypeBuilder<MessageAttachment> builder)
    {
        builder.ToTable("message_attachments");
        // Declared so EF inserts the message before the attachment that refers to it.
        builder.HasOne<Message>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>An attachment as the API shows it (never its bytes).</summary>
public sealed record AttachmentView(Guid Id, Guid ConversationId, Guid MessageId, int Sequence, string FileName, string ContentType, long SizeBytes, string Url, DateTime CreatedAt);

/// <summary>
/// Visitors' file attachments. The upload runs the knowledge upload's checks on the bytes
/// (<see cref="FileFormats.Sniff"/>: executables and archives refused, a name that contradicts the
/// content refused, a DOCX's parts counted before it is opened) and its size classes, plus images,
/// which a chat needs (screenshots) and knowledge cannot index; the file is stored, not indexed.
/// Only a channel with <c>allow_attachments</c> accepts them, whatever the widget shows.
/// </summary>
public static class WidgetAttachments
{
    /// <summary>Multipart framing around the file (boundaries, part headers).</summary>
    private const long FormOverheadBytes = 64 * 1024;

    public static void MapWidgetAttachments(RouteGroupBuilder visitorConversations)
    {
        visitorConversations.MapPost("/{id:guid}/attachments", UploadAsync)
            .RequireRateLimit(RateLimitPolicies.Upload)
            // No Accepts<IFormFile>: its content-type matcher would answer a JSON body before the handler
            // (and the visitor gate) could, without the error envelope.
            .DisableAntiforgery()
            .WithOperation("uploadWidgetAttachment", "Attach a file to the visitor's conversation (multipart 'file'; channels with allow_attachments only)");
        visitorConversations.MapGet("/{id:guid}/attachments/{attachmentId:guid}", DownloadAsync)
            .WithOperation("downloadWidgetAttachment", "Download a file attached to the visitor's own conversation");
    }

    /// <summary>Staff (and a customer, for their own conversations) download what visitors attached.</summary>
    public static RouteGroupBuilder MapConversationAttachments(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations").WithTags("Conversations");
        group.MapGet("/{id:guid}/attachments/{attachmentId:guid}", DownloadAsync)
            .WithOperation("downloadConversationAttachment", "Download a file attached to a conversation");
        return group;
    }

    private static async Task<Results<Created<AttachmentView>, ErrorResult>> UploadAsync(
        Guid id, HttpRequest request, ConversationService conversations, ConversationLocks locks, ParleyDb db, CurrentUser me, ConversationNotifier notifier,
        DomainEvents events, IOptions<KnowledgeOptions> knowledge, IOptions<WidgetOptions> widget, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!WidgetChannelFilter.Channel(request.HttpContext).Row.AllowAttachments)
        {
            return ErrorResult.Forbidden("This widget channel does not accept attachments (allow_attachments is off).");
        }

        if (await conversations.FindAsync(id, cancellationToken) is not { Channel: Channels.WebWidget } found)
        {
            return ErrorResult.NotFound("Conversation");
        }

        if (found.Status == ConversationStatus.Ended)
        {
            return ErrorResult.Conflict("This conversation has ended; start a new one.");
        }

        var (file, data, refusal) = await ReadFileAsync(request, knowledge.Value, widget.Value.MaxAttachmentBytes, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        using var turn = await locks.AcquireAsync(id, cancellationToken);
        await db.Entry(found).ReloadAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var message = TurnPipeline.NewMessage(found, MessageTypes.User, $"[attachment: {file!.Name}]", now);
        message.SenderId = me.UserId;
        var attachment = new MessageAttachment
        {
            Id = Guid.CreateVersion7(),
            TenantId = found.TenantId,
            ConversationId = id,
            MessageId = message.Id,
            UploadedBy = me.UserId,
            FileName = file.Name,
            ContentType = file.ContentType,
            SizeBytes = data!.Length,
            Data = data,
            CreatedAt = now,
        };
        var view = View(attachment, message.Sequence);
        message.Metadata = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["attachments"] = new[] { new { id = view.Id, file_name = view.FileName, content_type = view.ContentType, size_bytes = view.SizeBytes, url = view.Url } },
        });
        found.LastSequence = message.Sequence;
        found.MessageCount++;
        found.LastMessageAt = found.UpdatedAt = now;
        db.Messages.Add(message);
        db.Add(attachment);
        await events.RaiseAsync(db, found.TenantId, EventTypes.MessageReceived, MessageEventData.From(message), found.UserId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await notifier.MessageStoredAsync(found, message, CancellationToken.None);
        return TypedResults.Created(view.Url, view);
    }

    private sealed record UploadedFile(string Name, string ContentType);

    private static async Task<(UploadedFile? File, byte[]? Data, ErrorResult? Refusal)> ReadFileAsync(
        HttpRequest request, KnowledgeOptions limits, long maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType || !(request.ContentType ?? "").Contains("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null, ErrorResult.Status(415, "Send the file as multipart/form-data with a 'file' field."));
        }

        if (request.ContentLength > maxBytes + FormOverheadBytes)
        {
            return (null, null, ErrorResult.Status(413, $"Attachments may be at most {maxBytes} bytes."));
        }

        var (form, unreadable) = await FormBodies.ReadAsync(request, new FormOptions { MultipartBodyLengthLimit = maxBytes + FormOverheadBytes }, cancellationToken);
        if (form is null)
        {
            return (null, null, unreadable);
        }

        var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
        if (file is null || file.Length == 0)
        {
            return (null, null, ErrorResult.Validation("file", "Attach a non-empty file in the 'file' field."));
        }

        if (file.Length > maxBytes)
        {
            return (null, null, ErrorResult.Status(413, $"Attachments may be at most {maxBytes} bytes."));
        }

        var data = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(data, cancellationToken);
        }

        var name = CleanName(file.FileName);
        string contentType;
        long max;
        if (FileFormats.ImageType(data) is { } image)
        {
            contentType = "image/" + (image == "JPEG" ? "jpeg" : image.ToLowerInvariant());
            max = limits.MaxImageBytes;
        }
        else
        {
            var sniffed = FileFormats.Sniff(name, data, limits.MaxArchiveEntries);
            if (sniffed.Kind is not { } kind)
            {
                return (null, null, ErrorResult.Status(sniffed.Status, sniffed.Reason));
            }

            // Served as a download either way; HTML is handed out as text so no browser renders it.
            contentType = kind == FileKind.Html ? "text/plain" : FileFormats.ContentType(kind);
            max = FileFormats.IsData(kind) ? limits.MaxDataBytes : limits.MaxDocumentBytes;
        }

        return data.Length > max
            ? (null, null, ErrorResult.Status(413, $"Files of this type may be at most {max} bytes."))
            : (new UploadedFile(name, contentType), data, null);
    }

    private static string CleanName(string? fileName)
    {
        var name = new string(Path.GetFileName(fileName ?? string.Empty).Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length == 0)
        {
            return "attachment";
        }

        return name.Length <= 200 ? name : name[^200..];
    }

    /// <summary>The conversation must be one the caller sees (a visitor or customer their own, staff their tenant's); a foreign one is 404.</summary>
    private static async Task<Results<FileContentHttpResult, ErrorResult>> DownloadAsync(
        Guid id, Guid attachmentId, ConversationService conversations, ParleyDb db, HttpContext http, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is null
            || await db.Set<MessageAttachment>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.ConversationId == id, cancellationToken) is not { } attachment)
        {
            return ErrorResult.NotFound("Attachment");
        }

        // Whatever the file holds, a browser saves it and never runs it in Parley's origin.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        return TypedResults.File(attachment.Data, attachment.ContentType, attachment.FileName);
    }

    private static AttachmentView View(MessageAttachment a, int sequence)
        => new(a.Id, a.ConversationId, a.MessageId, sequence, a.FileName, a.ContentType, a.SizeBytes, $"/api/v1/conversations/{a.ConversationId}/attachments/{a.Id}", a.CreatedAt);
}
