using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// IPv4 in dotted-quad form with octets of at most 255 (not a part of a longer dotted number such as a
/// version string), and IPv6 candidates confirmed by <see cref="IPAddress.TryParse(string, out IPAddress)"/>
/// with a "::" or eight groups and at least four hex digits (a bare "::" is punctuation), so a clock time like 11:34:35 never qualifies.
/// </summary>
internal sealed partial class IpAddressDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in IPv4().Matches(text))
        {
            yield return new PiiSpan(PiiTypes.IpAddress, match.Index, match.Index + match.Length, PiiPriority.Shape);
        }

        if (!text.Contains(':', StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (Match match in IPv6Candidate().Matches(text))
        {
            var value = match.Value;
            var isFull = value.Count(c => c == ':') == 7;
            if ((isFull || value.Contains("::", StringComparison.Ordinal))
                && value.Count(char.IsAsciiHexDigit) >= 4
                && IPAddress.TryParse(value, out var address)
                && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                yield return new PiiSpan(PiiTypes.IpAddress, match.Index, match.Index + match.Length, PiiPriority.Shape);
            }
        }
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\p{L}\p{N}_]|\.\d)")]
    private static partial Regex IPv4();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\p{L}\p{N}_:])")]
    private static partial Regex IPv6Candidate();
}
