using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// The words around a phrase that make it a person's name. All are ordinary English patterns of
/// introducing, addressing, quoting or crediting someone; none lists names.
/// </summary>
internal static partial class PersonCues
{
    private const string NameWord = @"\p{Lu}(?:\p{Ll}+(?:-\p{Lu}?\p{Ll}+|['’]\p{Lu}\p{Ll}+)*|['’]\p{Lu}\p{Ll}+)(?:\p{Lu}\p{Ll}+)?";

    /// <summary>Capitalised words (Mc/O'/hyphenated parts allowed) with initials and particles between them.</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}_'’\-@./])" + NameWord + @"(?:[ ]+(?:\p{Lu}\.?[ ]+)*(?:\p{Ll}{1,4}[ ]+){0,2}" + NameWord + @")*(?![\p{L}\p{N}_@])")]
    public static partial Regex CapitalisedPhrase();

    /// <summary>Runs of lower-case words, looked at only when a whole message is typed in lower case.</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}_'’\-@./])\p{Ll}[\p{Ll}\-]*(?:[ ]+\p{Ll}[\p{Ll}\-]*)*(?![\p{L}\p{N}_@])")]
    public static partial Regex LowerCasePhrase();

    /// <summary>Cues strong enough to take even a lower-case name: the speaker says what the name is.</summary>
    [GeneratedRegex(@"(?i)(?:\bmy name is|\bname is|\bname's|\bname:|\bnamed(?: (?:him|her|them|it))?|\bcall me|\bcalls me|\bcalled|\bknown as|\bgoes by|\bchange it to|\bcorrect it to|\bname on the account\?? ?(?:user|customer|me)?:|\bname\? ?)[ \t]+(?=\p{Ll})")]
    public static partial Regex StrongCue();

    // Cues are chosen for support messages, which are full of product and company names: "by", "under",
    // "contacted", "X is not", "X's" also precede or follow "Apple", "Chrome" or "Settings", so they are
    // left out or narrowed to what only people do (authorship, family, being a beneficiary, saying things).

    /// <summary>Cues that make the capitalised phrase right after them a name.</summary>
    [GeneratedRegex(@"(?ix)(?:
          \b(?:my\s+name\s+is|name\s+is|name's|name:|(?:['’]s|my|your|his|her|their|our|the)\s+name|named(?:\s+(?:him|her|them|it))?|call\s+me|calls\s+me|(?:is|was|am|are|were|be)\s+called|known\s+as|goes\s+by|change\s+it\s+to|correct\s+it\s+to|name\?|user:)
        | \b(?:i\s?am|i'm|this\s+is|signed|yours|regards|sincerely|thanks|thank\s+you|cheers|dear|hi|hello|hey|greetings|attn|attention|c/o|from:|to:|cc:)
        | \b(?:speak|talk|spoke|talked|speaking|talking)\s+(?:to|with) | \b(?:shouted|yelled|smiled|waved|pointed|laughed)\s+at
        | \b(?:ask|asking|asked)\s+for | \bfollow(?:ing)?\s+up\s+with | \b(?:meet|met|meeting)\s+with | \bassistant\s+to | \bmarried\s+to | \baccording\s+to | \btribute\s+to
        | \b(?:said|says|told|asked|heard|thanked|invited|introduced|starring|featuring|feat\.)
        | \b(?:written|directed|sung|performed|produced|composed|painted|authored|recorded|narrated|illustrated|translated|arranged|signed)\s+by
        | \b(?:my|his|her|our|their|your)\s+(?:kid|son|daughter|child|wife|husband|partner|spouse|friend|brother|sister|mother|father|mom|dad|boss|manager|colleague|uncle|aunt|cousin|grandfather|grandmother|grandson|granddaughter|nephew|niece|fianc[ée]e?|girlfriend|boyfriend|assistant|lawyer|landlord|tenant|neighbou?r)
        | \b(?:producer|player|commenter|songwriter|singer|author|writer|director|actor|actress|artist|composer|president|ceo|founder|customer|agent|officer|guardian|beneficiary|patient|professor|teacher|student|client|colleague|coach|captain|manager|reporter|journalist|editor|host|chef)
        | \b(?:mr|mrs|ms|mx|dr|prof|sir|madam|miss|mme|mlle|herr|frau|doctor|professor)\.?
        )[,:]?\s*$", RegexOptions.RightToLeft)]
    public static partial Regex Before();

    /// <summary>"by" and "under" prove a name only for a full name ("a song by Natalie Åberg"), not "sent by Chrome".</summary>
    [GeneratedRegex(@"(?i)\b(?:by|under)\s+$", RegexOptions.RightToLeft)]
    public static partial Regex ByOrUnder();

    /// <summary>"Billing address: Sophie Lang" on a line of its own: the recipient above the street.</summary>
    [GeneratedRegex(@"(?i)\baddress:\s*$", RegexOptions.RightToLeft)]
    public static partial Regex AddressLabel();

    /// <summary>What only people do right after their name: speak, live, marry, inherit, belong to a family.</summary>
    [GeneratedRegex(@"(?x)^(?:
          ['’]s\s+(?:kid|kids|son|sons|daughter|daughters|child|children|wife|husband|partner|spouse|mother|father|mom|dad|brother|sister|friend|boss|family|parents|address|phone|birthday|killers?|funeral|grave|house|home|songs?|novels?|verses|books?)\b
        | \s*,\s*(?:can|could|would|will|please|thanks|thank|you|i|we|do|did|are|have|what|how|where|when|why|is|was)\b
        | \s+(?:said|says|asked|asks|told|tells|wrote|writes|replied|replies|shouted|shouts|explained|explains|noted|points\s+out|spent|began|listed|flew|lives|lived|moved|married|died|passed\s+away|had\s+given|just\s+(?:called|said|told|wrote|left|arrived|turned))\b
        | \s+(?:is|was)\s+(?:a\s+|an\s+)?(?:very\s+|so\s+|really\s+|such\s+a\s+)?(?:reliable|kind|nice|helpful|rude|friendly|polite|sympathetic|impulsive|patient|generous|honest|smart|lovely|sweet|funny|pregnant|married|single|divorced|retired|unemployed|deceased|born|from|influenced|\d{1,3}\s+years?)\b
        | \s+as\s+(?:a\s+|an\s+|the\s+|my\s+|our\s+)?(?:beneficiary|guardian|co-?signer|signatory|authori[sz]ed\s+user|joint\s+(?:owner|holder)|emergency\s+contact|next\s+of\s+kin|executor|trustee|dependa?en?t|spouse)\b
        | \s+(?:novel|novels|concert|concerts|biography|memoir|estate|fan\.)
        )")]
    public static partial Regex After();

    /// <summary>A vocative at a sentence's end: <c>Remember me, Kelly?</c>.</summary>
    [GeneratedRegex(@"^[!?]")]
    public static partial Regex EndOfVocative();

    /// <summary>A speaker label at the start of a line of dialogue: <c>Zuzana: "Who are you?"</c>.</summary>
    [GeneratedRegex(@"^\s*:")]
    public static partial Regex SpeakerColon();

    /// <summary>Organisation words: a phrase followed by one of these is a company, not a person.</summary>
    [GeneratedRegex(@"(?i)^\s*,?\s*(?:inc|llc|ltd|limited|corp|corporation|co|company|group|plc|gmbh|ag|sa|bank|software|technologies|technology|systems|solutions|insurance|capital|partners|associates|holdings|labs|media|university|college|school|hospital|foundation|institute|orchestra|club|foods|motors)\b")]
    public static partial Regex OrganisationAfter();

    /// <summary>
    /// What before a capitalised pair makes it a place, a company or the title of a work rather than a person:
    /// a preposition or article, a possessive ("Bulgakov's Cautionary Tales"), an opening quotation mark, or a
    /// capitalised function word mid-sentence, which means the text is in title case ("(But Secretly Love)").
    /// </summary>
    [GeneratedRegex(@"(?:(?i:\b(?:the|a|an|in|at|to|from|of|for|on|near|via|visit|visiting|into|across|around|with|before|after|during|since|until))|['’]s|[""“(]|(?<=[\p{L},;:][ ]|\()(?:But|And|Or|Of|The|To|In|On|For|With|At|By|From|A|An))\s*$", RegexOptions.RightToLeft)]
    public static partial Regex NotPersonBefore();

    /// <summary>Cues that only prove a name when the name is capitalised.</summary>
    [GeneratedRegex(@"(?i)\b(?:under|by|with|add|added|remove|removed|heard|called|given|gave|give)\s*$", RegexOptions.RightToLeft)]
    public static partial Regex WeakBefore();
}
