namespace Parley.Server.Knowledge;

/// <summary>
/// How deeply an HTML page nests its elements, read from its tags before AngleSharp builds a tree:
/// AngleSharp walks the tree recursively (selectors, <c>TextContent</c>, <c>Title</c>), so a page
/// nested tens of thousands deep would overflow the stack, which no handler can catch and which
/// takes the whole server down. Browsers cap the tree the same way (Chromium at 512 levels).
/// The count is an upper bound: void elements and elements whose end tag is optional (p, li, td...)
/// do not count, but an element a sloppy page never closes does, so the limit is generous.
/// </summary>
public static class HtmlDepth
{
    private static readonly HashSet<string> NotNesting = new(StringComparer.OrdinalIgnoreCase)
    {
        // void elements
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        // elements whose end tag may be left out: the parser closes them itself
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rp", "rt", "rtc",
        "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
    };

    /// <summary>Throws <see cref="ExtractionException"/> when elements are open more than <paramref name="maxDepth"/> deep.</summary>
    public static void Check(string html, int maxDepth)
    {
        var depth = 0;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && i + 1 < html.Length)
        {
            if (html.AsSpan(i).StartsWith("<!--"))
            {
                var end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }

            var closing = html[i + 1] == '/';
            var start = i + (closing ? 2 : 1);
            var nameEnd = start;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':'))
            {
                nameEnd++;
            }

            if (nameEnd == start || !char.IsAsciiLetter(html[start]))
            {
                i++;
                continue;
            }

            var name = html[start..nameEnd];
            var tagEnd = html.IndexOf('>', nameEnd);
            if (tagEnd < 0)
            {
                return;
            }

            i = tagEnd + 1;
            if (NotNesting.Contains(name))
            {
                continue;
            }

            if (closing)
            {
                depth = Math.Max(0, depth - 1);
                continue;
            }

            if (html[tagEnd - 1] == '/')
            {
                continue;
            }

            if (name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase))
            {
                // Raw text: its content is not markup.
                var end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? html.Length : end;
                continue;
            }

            if (++depth > maxDepth)
            {
                throw new ExtractionException($"document too complex: its elements are nested more than {maxDepth} levels deep.");
            }
        }
    }
}
