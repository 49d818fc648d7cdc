using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Http;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Storage;

namespace Parley.Server.Tasks.Datasets;

/// <summary>
/// <c>/datasets</c>: named CSV or JSON tables a tenant registers so <c>/tasks/analyze</c> can name them
/// in <c>data_source</c> (Three-Database Chatbot's <c>sales_database</c>). Every member of the tenant may register, list,
/// read and analyse them; the uploader or an admin deletes. Addressed by id or name; other tenants' are 404.
/// </summary>
public static partial class DatasetsApi
{
    private static readonly ListSpec<Dataset> ListSpec = new ListSpec<Dataset>(d => d.Id)
        .SortBy("created_at", d => d.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("name", d => d.Name)
        .SearchBy(term => d => d.Name.ToUpper().Contains(term.ToUpperInvariant()));

    public static RouteGroupBuilder MapDatasets(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/datasets").WithTags("Datasets");
        group.MapPost("", CreateAsync).RequireRateLimit(RateLimitPolicies.Upload).DisableAntiforgery().WithMetadata(new UploadLimit()).Accepts<IFormFile>("multipart/form-data");
        group.MapGet("", ListAsync);
        group.MapGet("/{key}", GetAsync);
        group.MapDelete("/{key}", DeleteAsync);
        return group;
    }

    /// <summary>The body limit of this endpoint is <see cref="TaskOptions.MaxDatasetBytes"/> (checked in the handler), not the general one.</summary>
    private sealed class UploadLimit : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => null;
    }

    private static async Task<Results<Created<DatasetView>, ErrorResult>> CreateAsync(
        HttpRequest request, ParleyDb db, CurrentUser me, IOptions<TaskOptions> tasks, IOptions<DatasetOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var maxBytes = tasks.Value.MaxDatasetBytes;
        if (!(request.ContentType ?? string.Empty).Contains("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorResult.Status(415, "Send multipart/form-data with a 'name' and the CSV or JSON 'file'.");
        }

        if (request.ContentLength > maxBytes + (64 * 1024))
        {
            return ErrorResult.Status(413, $"Datasets are limited to {maxBytes} bytes.");
        }

        var (form, unreadable) = await FormBodies.ReadAsync(request, new FormOptions { MultipartBodyLengthLimit = maxBytes + (64L * 1024) }, cancellationToken);
        if (form is null)
        {
            return unreadable!;
        }

        var name = form["name"].ToString().Trim();
        var description = form["description"].ToString().Trim();
        var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
        var errors = new List<FieldError>();
        if (!ValidName().IsMatch(name) || DataSources.All.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new FieldError("name", $"1-100 letters, digits, '_', '-' or '.', starting with a letter or digit, and not one of: {string.Join(", ", DataSources.All)}."));
        }

        if (description.Length > 2000)
        {
            errors.Add(new FieldError("description", "At most 2000 characters."));
        }

        if (file is null || file.Length == 0)
        {
            errors.Add(new FieldError("file", "Attach a non-empty CSV or JSON file in the 'file' field."));
        }

        if (errors.Count > 0)
        {
            return ErrorResult.Validation(errors);
        }

        if (file!.Length > maxBytes)
        {
            return ErrorResult.Status(413, $"Datasets are limited to {maxBytes} bytes.");
        }

        string content;
        using (var reader = new StreamReader(file.OpenReadStream(), new UTF8Encoding(false, throwOnInvalidBytes: true)))
        {
            try
            {
                content = await reader.ReadToEndAsync(cancellationToken);
            }
            catch (DecoderFallbackException)
            {
                return ErrorResult.Validation("file", "The file is not UTF-8 text.");
            }
        }

        var format = DatasetTable.DetectFormat(file.FileName, file.ContentType, content);
        DatasetTable table;
        try
        {
            table = DatasetTable.Parse(format, content, options.Value.MaxRows);
        }
        catch (TaskInputException e)
        {
            return ErrorResult.Validation("file", e.Message);
        }

        if (await db.Set<Dataset>().AnyAsync(d => d.Name == name, cancellationToken))
        {
            return ErrorResult.Conflict($"A dataset named '{name}' already exists; delete it first or choose another name.");
        }

        if (await db.Set<Dataset>().CountAsync(cancellationToken) >= options.Value.MaxPerTenant)
        {
            return ErrorResult.Conflict($"This tenant already has {options.Value.MaxPerTenant} datasets (Parley:Datasets:MaxPerTenant); delete one first.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var dataset = new Dataset
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            UserId = me.UserId,
            Name = name,
            Description = description.Length == 0 ? null : description,
            Format = format,
            FileName = file.FileName.Length is > 0 and <= 255 ? file.FileName : null,
            Content = content,
            SizeBytes = file.Length,
            RowCount = table.Rows.Count,
            Columns = JsonSerializer.Serialize(table.Header),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Set<Dataset>().Add(dataset);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another upload took the name between the check and the insert (the unique index refused this one).
            return ErrorResult.Conflict($"A dataset named '{name}' already exists; delete it first or choose another name.");
        }

        return TypedResults.Created($"/api/v1/datasets/{dataset.Id}", DatasetView.From(dataset));
    }

    private static Task<Results<PagedResult<DatasetView>, ErrorResult>> ListAsync(ParleyDb db, PageQuery query, CancellationToken cancellationToken)
        => ListSpec.ToPageAsync(db.Set<Dataset>().AsNoTracking(), query, DatasetView.From, cancellationToken);

    private static async Task<Results<Ok<DatasetView>, ErrorResult>> GetAsync(string key, ParleyDb db, CancellationToken cancellationToken)
        => await FindAsync(db, key, cancellationToken) is { } dataset ? TypedResults.Ok(DatasetView.From(dataset)) : ErrorResult.NotFound("Dataset");

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(string key, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, key, cancellationToken) is not { } dataset)
        {
            return ErrorResult.NotFound("Dataset");
        }

        if (!me.IsAdmin && dataset.UserId != me.UserId)
        {
            return ErrorResult.Forbidden("Only the uploader or an admin may delete a dataset.");
        }

        await db.Set<Dataset>().Where(d => d.Id == dataset.Id).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>By id or by name, within the caller's tenant (the query filter).</summary>
    private static Task<Dataset?> FindAsync(ParleyDb db, string key, CancellationToken cancellationToken)
        => Guid.TryParse(key, out var id)
            ? db.Set<Dataset>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken)
            : db.Set<Dataset>().AsNoTracking().FirstOrDefaultAsync(d => d.Name == key, cancellationToken);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex ValidName();
}

public sealed record DatasetView(
    Guid Id, string Name, string? Description, string Format, string? FileName, long SizeBytes, int RowCount, IReadOnlyList<string> Columns, Guid? UserId,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static DatasetView From(Dataset d) => new(
        d.Id, d.Name, d.Description, d.Format, d.FileName, d.SizeBytes, d.RowCount, JsonSerializer.Deserialize<string[]>(d.Columns) ?? [], d.UserId, d.CreatedAt, d.UpdatedAt);
}
