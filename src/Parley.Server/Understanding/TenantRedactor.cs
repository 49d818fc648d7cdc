using System.Text;
using System.Text.Json.Serialization;
using Parley.Engine.Redaction;

namespace Parley.Server.Understanding;

/// <summary>A tenant's stored redaction settings (JSON in <c>tenant_understanding.redaction</c>).</summary>
public sealed record RedactionPolicy(
    IReadOnlyList<string>? EnabledTypes,
    IReadOnlyList<string> DisabledTypes,
    bool UseMaskedValuesInText,
    IReadOnlyList<string> Allowlist)
{
    public const string Placeholder = "placeholder";
    public const string Masked = "masked";

    [JsonIgnore]
    public string Masking => UseMaskedValuesInText ? Masked : Placeholder;
}

/// <summary>
/// The engine's <see cref="PiiRedactor"/> with a tenant's allowlist on top: values the tenant lists
/// (its own support address, a public phone number) are left in the text. The engine has no allowlist,
/// so the kept spans are re-rendered here the way the engine renders them.
/// </summary>
public sealed class TenantRedactor
{
    private readonly PiiRedactor _redactor;
    private readonly HashSet<string> _allowed;
    private readonly bool _maskInText;

    public TenantRedactor(RedactionPolicy policy)
    {
        _redactor = new PiiRedactor(new RedactionOptions
        {
            EnabledTypes = policy.EnabledTypes is { } enabled ? [.. enabled] : PiiTypes.All,
            DisabledTypes = [.. policy.DisabledTypes],
            UseMaskedValuesInText = policy.UseMaskedValuesInText,
        });
        _allowed = new HashSet<string>(policy.Allowlist.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        _maskInText = policy.UseMaskedValuesInText;
    }

    public RedactionResult Redact(string text, IReadOnlyCollection<string>? protectedPhrases = null)
    {
        var result = _redactor.Redact(text, protectedPhrases);
        if (_allowed.Count == 0 || !result.Redactions.Any(r => _allowed.Contains(Normalize(r.Original))))
        {
            return result;
        }

        var kept = result.Redactions.Where(r => !_allowed.Contains(Normalize(r.Original))).ToList();
        var output = new StringBuilder(text.Length);
        var position = 0;
        foreach (var r in kept)
        {
            output.Append(text, position, r.Start - position);
            output.Append(_maskInText ? r.Masked : $"[{r.Type}]");
            position = r.End;
        }

        output.Append(text, position, text.Length - position);
        return new RedactionResult(output.ToString(), kept);
    }

    private static string Normalize(string value) => value.Trim();
}
