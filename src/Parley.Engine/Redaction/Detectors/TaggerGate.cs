using System.Text.RegularExpressions;
using Parley.Engine.Redaction.Learned;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// How sure the learned tagger must be before one of its spans is taken (<see cref="LearnedMode.Guarded"/>).
/// A name or place that is a single word with nothing around it that introduces a person or a place
/// ("Parcel never arrived", "my Jira issues", "in Excel") is the tagger's weakest evidence: it
/// rests on capitalisation alone, and people capitalise the first word of every message and the names of
/// products. (Organisations are opt-in and not gated: a tenant who switches them on wants them found.) Such a span needs a margin of at least <see cref="LoneWordMargin"/>; every span needs at least
/// <see cref="MinMargin"/>. Margins are <see cref="TaggedSpan.Margin"/>; both values are chosen by
/// cross-validation inside half A against flagged spans per 1,000 ordinary chat utterances
/// (<c>eval pii --folds 5</c>, docs/quality.md).
/// </summary>
public sealed partial record TaggerGate(float LoneWordMargin, float MinMargin)
{
    /// <summary>Every span the tagger finds (session 11's setting).</summary>
    public static TaggerGate Open { get; } = new(0f, 0f);

    /// <summary>What the product uses (docs/quality.md has the sweep it was chosen from).</summary>
    public static TaggerGate Shipped { get; } = new(6f, 0f);

    internal bool Passes(string text, string type, int start, int end, float margin)
    {
        if (margin < MinMargin)
        {
            return false;
        }

        if (type is not (PiiTypes.Person or PiiTypes.Location) || !OneWord(text, start, end))
        {
            return true;
        }

        // "What is Redis?", "how does Zapier work": one asks what a thing is, and who a person is.
        if (type == PiiTypes.Person && Cues.Before(text, start, 40, WhatQuestion()))
        {
            return false;
        }

        if (margin >= LoneWordMargin)
        {
            return true;
        }

        return type switch
        {
            PiiTypes.Person => Cues.Before(text, start, 40, PersonCues.Before()) || Cues.After(text, end, 40, PersonCues.After()) || Cues.After(text, end, 3, PersonCues.SpeakerColon()),
            _ => Cues.Before(text, start, 40, PlaceBefore()) || Cues.After(text, end, 6, PlaceAfter()),
        };
    }

    private static bool OneWord(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Living, moving, travelling, being from, or a place word: "lives in X", "moved to X", "I'm from X", "the city of X".</summary>
    [GeneratedRegex(@"(?i)(?:\b(?:live|lives|living|lived|moved|moving|move|relocated|relocating|based|located|born|raised|grew\s+up|reside|resides|residing|stay|stays|staying|stayed|visit|visiting|visited|travel|travelling|traveling|flew|fly|flying|drive|driving|drove|trip|holiday|vacation|near|outside|downtown|address\s+is)(?:\s+(?:in|to|at|near|from|of|around))?|\b(?:i'm|i\s+am|we're|we\s+are|originally|come|comes|came|greetings)\s+from|\b(?:city|town|village|country|state|county|province|region|suburb|neighbou?rhood)\s+of|\b(?:city|town|village|country|state|county|province)\s*:)\s*$", RegexOptions.RightToLeft)]
    private static partial Regex PlaceBefore();

    /// <summary>A state or country after a comma: "Springfield, IL".</summary>
    [GeneratedRegex(@"(?i)(?:\b(?:what|which|how)\s+(?:is|are|was|were|does|do|did|about)|\bwhat['’]s|\bhow\s+to\s+(?:use|set\s+up|install|configure|connect))\s+(?:a\s+|an\s+|the\s+)?$", RegexOptions.RightToLeft)]
    private static partial Regex WhatQuestion();

    [GeneratedRegex(@"^\s*,\s*[A-Z]{2}\b")]
    private static partial Regex PlaceAfter();
}
