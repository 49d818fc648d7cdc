using System.IO.Compression;
using System.Text;

namespace Parley.Tests.Knowledge;

/// <summary>
/// Builds Word documents in the test, hostile ones included, so no binary is committed: a minimal
/// valid package ([Content_Types].xml, _rels/.rels, word/document.xml) whose document part is
/// written by the caller straight into the compressed entry (a 1 GB part never exists in memory).
/// </summary>
public static class HostileFiles
{
    private const string WordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    private const string ContentTypes =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>" +
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>" +
        "</Types>";

    private const string Relationships =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>" +
        "</Relationships>";

    public static byte[] Docx(Action<TextWriter> writeBody)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", ContentTypes);
            Write(zip, "_rels/.rels", Relationships);
            using var writer = new StreamWriter(zip.CreateEntry("word/document.xml", CompressionLevel.Optimal).Open(), new UTF8Encoding(false), 1 << 16);
            writer.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"{WordNs}\"><w:body>");
            writeBody(writer);
            writer.Write("</w:body></w:document>");
        }

        return buffer.ToArray();
    }

    private static void Write(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(content);
    }

    /// <summary>An ordinary document: a heading and paragraphs.</summary>
    public static byte[] Ordinary(string heading, params string[] paragraphs) => Docx(w =>
    {
        w.Write($"<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>{heading}</w:t></w:r></w:p>");
        foreach (var paragraph in paragraphs)
        {
            w.Write($"<w:p><w:r><w:t xml:space=\"preserve\">{paragraph}</w:t></w:r></w:p>");
        }
    });

    /// <summary>A paragraph inside <paramref name="depth"/> nested content controls (w:sdt/w:sdtContent).</summary>
    public static byte[] DeeplyNested(int depth) => Docx(w =>
    {
        for (var i = 0; i < depth; i++)
        {
            w.Write("<w:sdt><w:sdtContent>");
        }

        w.Write("<w:p><w:r><w:t>deep</w:t></w:r></w:p>");
        for (var i = 0; i < depth; i++)
        {
            w.Write("</w:sdtContent></w:sdt>");
        }
    });

    /// <summary>A document part of about <paramref name="unpackedBytes"/> of repeated paragraphs: a few MB compressed.</summary>
    public static byte[] ZipBomb(long unpackedBytes) => Docx(w =>
    {
        var paragraph = "<w:p><w:r><w:t>Refunds are accepted within thirty days of delivery for unused items.</w:t></w:r></w:p>";
        var block = new StringBuilder().Insert(0, paragraph, (64 * 1024) / paragraph.Length).ToString();
        for (long written = 0; written < unpackedBytes; written += block.Length)
        {
            w.Write(block);
        }
    });
}
