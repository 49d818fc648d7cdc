using Parley.Engine.Intents;

namespace Parley.Engine.Tests.Intents;

/// <summary>A small hand-written data set: four intents, training examples and held-out paraphrases.</summary>
internal static class SyntheticIntents
{
    public static IReadOnlyList<LabeledUtterance> Training { get; } = Build(new()
    {
        ["weather"] = [
            "what's the weather today", "will it rain tomorrow", "is it sunny outside", "weather forecast for the weekend",
            "how cold is it going to be", "do I need an umbrella today", "temperature outside right now",
            "is it going to snow tonight", "what is the forecast", "how hot will it get this afternoon",
        ],
        ["play_music"] = [
            "play some music", "put on my favourite song", "play jazz", "start my workout playlist", "play the next track",
            "I want to listen to some rock", "shuffle my songs", "play something relaxing", "turn on the radio",
            "play the latest album by adele",
        ],
        ["set_alarm"] = [
            "set an alarm for 7am", "wake me up at six", "alarm at 5:30 tomorrow", "set my alarm for noon",
            "create an alarm for 8 in the morning", "I need an alarm at 9", "wake me in 20 minutes",
            "set a wake up call for 6:45", "alarm for tomorrow morning at seven", "please set an alarm",
        ],
        ["book_taxi"] = [
            "book me a taxi", "call a cab to the airport", "I need a ride to the station", "get me an uber",
            "order a taxi for 3pm", "send a car to my home", "book a cab downtown", "I need a taxi now",
            "can you get me a ride", "arrange a taxi to the hotel",
        ],
    });

    public static IReadOnlyList<LabeledUtterance> HeldOutParaphrases { get; } = Build(new()
    {
        ["weather"] = ["will it be rainy this weekend", "what's the temperature tomorrow", "is it snowing"],
        ["play_music"] = ["play my playlist", "put some jazz music on", "listen to a song"],
        ["set_alarm"] = ["wake me up at 7", "set an alarm for tomorrow", "alarm at 6am please"],
        ["book_taxi"] = ["get me a cab", "I need a taxi to the airport", "book a ride home"],
    });

    /// <summary>Negative examples; the unit tests probe with other unrelated messages.</summary>
    public static IReadOnlyList<LabeledUtterance> OutOfScopeTraining { get; } = Build(new()
    {
        [IntentModel.OutOfScopeIntent] = [
            "tell me a story about dragons", "what is the square root of two", "who wrote hamlet",
            "how do I fix my bike chain", "recommend a good book", "what's the capital of peru",
            "how many legs does a spider have", "translate thank you into german", "what's your favourite colour",
            "how do I cook rice",
        ],
    });

    /// <summary>Messages for comparing two models' answers.</summary>
    public static IReadOnlyList<string> Probes { get; } =
    [
        "is it raining", "play a song", "wake me at 8", "taxi please", "hello", "what is the meaning of life",
        "set an alarm and play music", "", "who are you",
    ];

    private static List<LabeledUtterance> Build(Dictionary<string, string[]> byIntent) =>
        byIntent.SelectMany(pair => pair.Value.Select(text => new LabeledUtterance(text, pair.Key))).ToList();
}
