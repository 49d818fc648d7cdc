using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

/// <summary>Runs the redactor with only the given types enabled, so each detector is tested on its own.</summary>
internal static class Detect
{
    public static IReadOnlyList<(string Type, string Value)> Only(string type, string text) =>
        Values(new PiiRedactor(new RedactionOptions { EnabledTypes = [type] }), text);

    public static IReadOnlyList<(string Type, string Value)> All(string text) => Values(new PiiRedactor(), text);

    public static IReadOnlyList<string> ValuesOf(string type, string text) =>
        [.. Only(type, text).Select(s => s.Value)];

    private static List<(string Type, string Value)> Values(PiiRedactor redactor, string text) =>
        [.. redactor.FindSpans(text).Select(s => (s.Type, text[s.Start..s.End]))];
}
