using System.Diagnostics;
using System.Globalization;
using Parley.Engine.Intents;

// Usage: IntentBench [HWU64 directory]. Classifies messages one at a time on one thread with
//   (1) Parley's default model (what a tenant without its own model gets) and
//   (2) a 64-intent model trained on HWU64's train split (a large tenant), on HWU64's test messages,
//   (3) a model trained on HWU64's published 10-shot split, which carries the sentence-encoder head (a small
//       tenant: each message costs a call to each of the two built-in encoders, decision 0031), on the same messages,
//   (4) the same 10-shot model with the shared encoder alone (SecondEncoder off: one encoder call, as format 3),
// and prints the time per message. Target (issue 4): under 1 ms per message (n-gram models; the encoder costs more).
var hwu = args.Length > 0 ? args[0] : null;
var inv = CultureInfo.InvariantCulture;
string[] support =
[
    "where is my order", "I want a refund for my last purchase", "can I talk to a real person", "hello there",
    "how do I reset my password", "what time do you open on saturday", "my card was charged twice",
    "thanks, that solved it", "the package arrived broken and I'm really upset", "what's the weather in paris",
];

var started = Stopwatch.GetTimestamp();
var defaults = DefaultIntents.Train();
Console.WriteLine(string.Create(inv, $"default model: {defaults.Intents.Count} intents, trained in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms"));
Measure("default model, support messages", defaults, [.. Enumerable.Range(0, 2000).Select(i => support[i % support.Length] + (i % 3 == 0 ? "" : $" {i}"))]);

if (hwu is not null)
{
    var train = IntentDatasets.LoadHwu64(Path.Combine(hwu, "train.csv"));
    var test = IntentDatasets.LoadHwu64(Path.Combine(hwu, "test.csv")).Select(u => u.Text).ToArray();
    started = Stopwatch.GetTimestamp();
    var model = IntentTrainer.Train(train, new IntentTrainingOptions { OutOfScopeThreshold = 0 });
    Console.WriteLine(string.Create(inv, $"HWU64 model: {model.Intents.Count} intents, {train.Count} examples, trained in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
    Measure("HWU64 model, HWU64 test messages", model, test);

    var shots = IntentDatasets.LoadFewShot(Path.Combine(hwu, "fewshot_dnnc_splits", "train_10.csv"));
    started = Stopwatch.GetTimestamp();
    var small = IntentTrainer.Train(shots, new IntentTrainingOptions { OutOfScopeThreshold = 0 });
    Console.WriteLine(string.Create(inv, $"HWU64 10-shot model: {small.Intents.Count} intents, {shots.Count} examples, encoder {(small.UsesEncoder ? "yes" : "no")}, trained in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
    Measure("HWU64 10-shot model with both sentence encoders, HWU64 test messages (encoder calls included)", small, test[..500]);
    var one = IntentTrainer.Train(shots, new IntentTrainingOptions { OutOfScopeThreshold = 0, SecondEncoder = false });
    Measure("HWU64 10-shot model with all-MiniLM-L6-v2 alone (SecondEncoder off), the next 500 test messages", one, test[500..1000]);
}

void Measure(string name, IntentModel model, string[] messages)
{
    foreach (var m in messages.Take(200))
    {
        model.Classify(m);
    }

    var times = new double[messages.Length];
    for (var i = 0; i < messages.Length; i++)
    {
        var t = Stopwatch.GetTimestamp();
        model.Classify(messages[i]);
        times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
    }

    Array.Sort(times);
    double P(double q) => times[(int)Math.Round(q * (times.Length - 1))];
    var mean = times.Average();
    Console.WriteLine(string.Create(inv,
        $"{name}: {messages.Length} messages, one thread: mean {mean:F4} ms, p50 {P(0.5):F4} ms, p99 {P(0.99):F4} ms, {1000 / mean:F0} messages/s  (target < 1 ms per message: {(mean < 1 ? "MET" : "NOT MET")} on the mean; p99 includes the scheduler's pauses on a busy machine)"));
}
