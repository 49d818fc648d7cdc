using Parley.Engine.Redaction.Learned;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Spans from the learned <see cref="EntityTagger"/> for the enabled types it knows, at a priority per type
/// (<see cref="DetectorCatalog"/>): never above the structured detectors, so every validated or patterned
/// value (card, IBAN, phone, email, labelled postcode) still wins an overlap.
/// </summary>
internal sealed class LearnedEntityDetector(EntityTagger tagger, IReadOnlySet<string> enabledTypes, Func<string, int> priority) : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        foreach (var (type, start, end) in tagger.Tag(text))
        {
            if (enabledTypes.Contains(type))
            {
                yield return new PiiSpan(type, start, end, priority(type));
            }
        }
    }
}
