using System.IO.Compression;
using System.Text;

namespace Parley.Server.Knowledge;

/// <summary>What an upload is, decided from its bytes as well as its name.</summary>
public enum FileKind
{
    Text,
    Markdown,
    Html,
    Csv,
    Json,
    Xml,
    Docx,
    Pdf,
}

/// <summary>The outcome of sniffing: a kind, or the status and reason to refuse with.</summary>
public sealed record SniffResult(FileKind? Kind, int Status, string? Reason)
{
    public static SniffResult Ok(FileKind kind) => new(kind, 200, null);
    public static SniffResult Refuse(int status, string reason) => new(null, status, reason);
}

/// <summary>
/// Content checks for uploads. Executables and archives are refused (415) whatever their name;
/// a file whose bytes contradict its name (a "report.pdf" that is a ZIP, a "notes.txt" with binary
/// content) is refused as mismatched (422). Images are accepted by the AI Assistant Platform document but hold no text to
/// index, so they are refused with 415 until OCR exists.
/// </summary>
public static class FileFormats
{
    /// <param name="maxArchiveEntries">A DOCX declaring more parts is refused before its directory is loaded.</param>
    public static SniffResult Sniff(string fileName, ReadOnlySpan<byte> data, int maxArchiveEntries)
    {
        if (IsExecutable(data))
        {
            return SniffResult.Refuse(415, "Executable files are not accepted.");
        }

        if (ImageType(data) is { } image)
        {
            return SniffResult.Refuse(415, $"The file is an image ({image}); images hold no text to index.");
        }

        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var isPdf = data.StartsWith("%PDF-"u8);
        var isZip = data.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]);
        FileKind? claimed = extension switch
        {
            ".txt" or ".text" or ".log" => FileKind.Text,
            ".md" or ".markdown" => FileKind.Markdown,
            ".html" or ".htm" => FileKind.Html,
            ".csv" => FileKind.Csv,
            ".json" => FileKind.Json,
            ".xml" => FileKind.Xml,
            ".docx" => FileKind.Docx,
            ".pdf" => FileKind.Pdf,
            _ => null,
        };
        if (claimed is null && extension.Length > 0)
        {
            return SniffResult.Refuse(415, $"Files of type '{extension}' are not supported; send TXT, Markdown, HTML, CSV, JSON, XML, DOCX or PDF.");
        }

        if (claimed == FileKind.Pdf || (claimed is null && isPdf))
        {
            return isPdf ? SniffResult.Ok(FileKind.Pdf) : SniffResult.Refuse(422, "The file is named .pdf but its content is not a PDF.");
        }

        if (claimed == FileKind.Docx || (claimed is null && isZip))
        {
            if (isZip && ZipDirectory.DeclaredEntryCount(data) > maxArchiveEntries)
            {
                return SniffResult.Refuse(422, $"The file is an archive of more than {maxArchiveEntries} parts; a Word document holds far fewer.");
            }

            return isZip && IsDocx(data) ? SniffResult.Ok(FileKind.Docx)
                : isZip && claimed is null ? SniffResult.Refuse(415, "Archives are not accepted.")
                : SniffResult.Refuse(422, "The file is named .docx but its content is not a Word document.");
        }

        if (isPdf || isZip || !IsText(data))
        {
            return claimed is null
                ? SniffResult.Refuse(415, "The file is not a supported text or document format.")
                : SniffResult.Refuse(422, $"The file is named {extension} but its content is not text.");
        }

        var kind = claimed ?? GuessTextKind(data);
        return SniffResult.Ok(kind);
    }

    /// <summary>The size class of the AI Assistant Platform document: data files (CSV, JSON, XML) may be larger than documents.</summary>
    public static bool IsData(FileKind kind) => kind is FileKind.Csv or FileKind.Json or FileKind.Xml;

    private static bool IsExecutable(ReadOnlySpan<byte> data)
        => data.StartsWith("MZ"u8)
           || data.StartsWith((ReadOnlySpan<byte>)[0x7F, 0x45, 0x4C, 0x46])
           || data.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xED, 0xFA, 0xCE]) || data.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xED, 0xFA, 0xCF])
           || data.StartsWith((ReadOnlySpan<byte>)[0xCE, 0xFA, 0xED, 0xFE]) || data.StartsWith((ReadOnlySpan<byte>)[0xCF, 0xFA, 0xED, 0xFE])
           || data.StartsWith((ReadOnlySpan<byte>)[0xCA, 0xFE, 0xBA, 0xBE])
           || data.StartsWith("#!"u8)
           || data.StartsWith((ReadOnlySpan<byte>)[0x00, 0x61, 0x73, 0x6D]);

    /// <summary>PNG, JPEG, GIF or WebP by their magic bytes (chat attachments accept them; knowledge does not).</summary>
    public static string? ImageType(ReadOnlySpan<byte> data)
        => data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "PNG"
            : data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "JPEG"
            : data.StartsWith("GIF8"u8) ? "GIF"
            : data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8) ? "WebP"
            : null;

    private static bool IsDocx(ReadOnlySpan<byte> data)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(data.ToArray()), ZipArchiveMode.Read);
            return zip.GetEntry("word/document.xml") is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool IsText(ReadOnlySpan<byte> data)
    {
        if (data.IndexOf((byte)0) >= 0)
        {
            return false;
        }

        try
        {
            StrictUtf8.GetCharCount(data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static FileKind GuessTextKind(ReadOnlySpan<byte> data)
    {
        var head = Encoding.UTF8.GetString(data[..Math.Min(data.Length, 512)]).TrimStart('\uFEFF').TrimStart();
        return head.StartsWith('{') || head.StartsWith('[') ? FileKind.Json
            : head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase) ? FileKind.Html
            : head.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) ? FileKind.Xml
            : FileKind.Text;
    }

    public static string ContentType(FileKind kind) => kind switch
    {
        FileKind.Markdown => "text/markdown",
        FileKind.Html => "text/html",
        FileKind.Csv => "text/csv",
        FileKind.Json => "application/json",
        FileKind.Xml => "application/xml",
        FileKind.Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        FileKind.Pdf => "application/pdf",
        _ => "text/plain",
    };

    public static FileKind? FromContentType(string? contentType) => contentType?.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        "text/plain" => FileKind.Text,
        "text/markdown" => FileKind.Markdown,
        "text/html" or "application/xhtml+xml" => FileKind.Html,
        "text/csv" => FileKind.Csv,
        "application/json" => FileKind.Json,
        "application/xml" or "text/xml" => FileKind.Xml,
        "application/pdf" => FileKind.Pdf,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => FileKind.Docx,
        _ => null,
    };
}
