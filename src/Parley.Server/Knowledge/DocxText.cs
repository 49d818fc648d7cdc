using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Parley.Server.Knowledge;

/// <summary>
/// Reads a DOCX's paragraphs with a forward-only <see cref="XmlReader"/> under a
/// <see cref="TextBudget"/>: never a DOM, never recursion over the file's nesting (a stack
/// overflow cannot be caught in .NET and takes the whole server down), the archive's declared
/// sizes checked up front and the inflated bytes counted while reading (headers lie).
/// See docs/decisions/0010-bounded-extraction-of-untrusted-files.md.
/// </summary>
public static class DocxText
{
    private const string WordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    public static string Read(byte[] data, TextBudget budget)
    {
        if (ZipDirectory.DeclaredEntryCount(data) > budget.MaxArchiveEntries)
        {
            throw TooManyParts(budget);
        }

        using var zip = new ZipArchive(new MemoryStream(data, writable: false), ZipArchiveMode.Read);
        if (zip.Entries.Count > budget.MaxArchiveEntries)
        {
            throw TooManyParts(budget);
        }

        // Declared sizes first: a bomb that admits its size is refused before one byte is inflated.
        if (zip.Entries.Sum(e => e.Length) > budget.MaxUnpackedBytes)
        {
            throw TooLarge(budget);
        }

        var part = zip.GetEntry("word/document.xml") ?? throw new ExtractionException("The Word document has no body.");
        using var stream = new CountingStream(part.Open(), budget.MaxUnpackedBytes, () => TooLarge(budget));
        using var reader = XmlReader.Create(stream, new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        });
        Paragraphs(reader, budget);
        return budget.ToString();
    }

    /// <summary>
    /// One paragraph per <c>w:p</c> (text of its <c>w:t</c> runs; paragraphs nested in text boxes
    /// join their outer paragraph), prefixed <c># </c> when its style is a heading or the title.
    /// </summary>
    private static void Paragraphs(XmlReader reader, TextBudget budget)
    {
        var paragraph = new StringBuilder();
        var paragraphDepth = -1;
        var textDepth = -1;
        var style = "";
        var chunk = new char[4096];
        while (reader.Read())
        {
            budget.Check();
            budget.CheckDepth(reader.Depth);
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when reader.NamespaceURI == WordNs:
                    if (reader.LocalName == "p" && paragraphDepth < 0 && !reader.IsEmptyElement)
                    {
                        paragraphDepth = reader.Depth;
                        style = "";
                    }
                    else if (reader.LocalName == "t" && paragraphDepth >= 0 && !reader.IsEmptyElement)
                    {
                        textDepth = reader.Depth;
                    }
                    else if (reader.LocalName == "pStyle" && paragraphDepth >= 0)
                    {
                        style = reader.GetAttribute("val", WordNs) ?? "";
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when textDepth >= 0:
                    // In pieces: one huge text node is never held whole.
                    int read;
                    while ((read = reader.ReadValueChunk(chunk, 0, chunk.Length)) > 0)
                    {
                        budget.Reserve(paragraph.Length + read);
                        paragraph.Append(chunk.AsSpan(0, read));
                        budget.Check();
                    }

                    break;
                case XmlNodeType.EndElement when reader.NamespaceURI == WordNs:
                    if (reader.LocalName == "t" && reader.Depth == textDepth)
                    {
                        textDepth = -1;
                    }
                    else if (reader.LocalName == "p" && reader.Depth == paragraphDepth)
                    {
                        var text = paragraph.ToString().Trim();
                        paragraph.Clear();
                        paragraphDepth = -1;
                        if (text.Length > 0)
                        {
                            var heading = style.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) || style == "Title";
                            budget.Append(heading ? "# " : "").Append(text).Append("\n\n");
                        }
                    }

                    break;
            }
        }
    }

    private static ExtractionException TooManyParts(TextBudget budget) => new($"document too complex: the DOCX holds more than {budget.MaxArchiveEntries} parts.");

    private static ExtractionException TooLarge(TextBudget budget) => new($"document too large: the DOCX unpacks to more than {budget.MaxUnpackedBytes} bytes.");
}
