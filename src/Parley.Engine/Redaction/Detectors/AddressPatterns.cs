using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>The patterns of the address detector that are not about streets (see <see cref="StreetWords"/>).</summary>
internal static partial class AddressPatterns
{
    /// <summary>PO boxes and US military addresses (PSC/Unit/CMR ... Box ..., APO/FPO/DPO AA|AE|AP 12345).</summary>
    [GeneratedRegex(@"(?i)(?<![\p{L}\p{N}_])(?:p\.?[ ]?o\.?[ ]?box[ ]+\d{1,6}|postbox[ ]+\d{1,6}|(?:psc|unit|cmr)[ ]+\d{3,5},?[ ]+box[ ]+\d{3,5}(?:\s*[adf]po[ ]+a[aep][ ]+\d{5})?|us(?:ns|nv|s|cgc)[ ]+[\p{L}\-]+(?:[ ][\p{L}\-]+)?\s*,?\s*fpo[ ]+a[aep][ ]+\d{5})")]
    public static partial Regex PostBox();

    /// <summary>"the corner of Pachergasse 64 and Radolič Harbor".</summary>
    [GeneratedRegex(@"(?i)\bthe corner of[ ]+")]
    public static partial Regex Corner();

    /// <summary>Flat, suite and box designators that continue an address ("Apt. 658", "Suite 210").</summary>
    [GeneratedRegex(@"\G(?i:apt\.?|apartment|suite|ste\.?|unit|box|floor|fl\.?|room|rm\.?|flat|bldg\.?|building|#)[ ]*#?[ ]*[\p{L}\d][\p{L}\d\-]*")]
    public static partial Regex Unit();

    /// <summary>Phrases that introduce an address: the text after them is read as one.</summary>
    [GeneratedRegex(@"(?ix)\b(?:
          address(?:es)?\b(?:[^.?!\n:]{0,40}:|[^.?!\n:]{0,40}?\b(?:is|to|with|as|are)\b)
        | address\?[ ]*(?:it[ ]+is|it's)?
        | (?:lives?|living|resides?|residing|stay(?:s|ing)?|located|situated|moved|moving|relocat(?:ed|ing))[ ]+(?:at|on|to)
        | (?:office|offices|store|shop|restaurant|headquarters|hq|house|home|flat|apartment)[ ]+(?:is|are)[ ]+(?:at|on|located[ ]+at)
        | (?:sen[dt]|deliver(?:ed)?|ship(?:ped)?|mail(?:ed)?|post(?:ed)?|forward(?:ed)?|return(?:ed)?|taxi|cab|ride|arrived|come|coming)\b[^.?!\n]{0,30}?\b(?:to|at)(?:\?[ ]*(?:user|customer|me|answer)[ ]*:)?
        | meet(?:ing)?[ ]+(?:me|you|us|them)[ ]+at | (?:stop|drops?[ ]+\w+[ ]+off)[ ]+at | (?:north|south|east|west)[ ]+side[ ]+of
        | (?:it's|it[ ]+is)[ ]+(?:in|at|on) | \b(?:is|are)[ ]+(?:on|at) | the[ ]+following[?:]
        )[ \t]*\n?[ \t]*")]
    public static partial Regex Cue();
}
