using System.Globalization;
using System.Text.Json;
using Parley.Server.Evaluation;

namespace Parley.Tests.Understanding;

/// <summary>
/// The <c>eval</c> command through the same entry point Program.cs calls. Real data: the Presidio set
/// and HWU64 (CLINC150's 30-second training is already floored in Parley.Engine.Tests, so CLINC150's
/// format is checked on a small file in its format instead). Floors are the engine's.
/// </summary>
public sealed class EvaluationCommandTests
{
    private static async Task<(int Code, Dictionary<string, string> Figures, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await EvaluationCommand.RunAsync(args, output, error, CancellationToken.None);
        var figures = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
        return (code, figures, error.ToString());
    }

    private static double Number(Dictionary<string, string> figures, string name)
        => double.Parse(figures[name].Split(' ')[0], CultureInfo.InvariantCulture);

    [SharedDataFact]
    public async Task Pii_prints_span_scores_above_the_engine_floors()
    {
        var (code, figures, error) = await RunAsync("pii", "--data", SharedData.File("pii", "presidio_synth"));

        Assert.True(code == 0, error);
        Assert.True(Number(figures, "span_f2") >= 0.687, figures["span_f2"]);
        Assert.True(Number(figures, "span_precision") >= 0.907, figures["span_precision"]);
        Assert.True(Number(figures, "typed_recall") >= 0.647, figures["typed_recall"]);
        foreach (var type in new[] { "CREDIT_CARD", "US_SSN", "IBAN_CODE", "EMAIL_ADDRESS", "PHONE_NUMBER" })
        {
            Assert.True(Number(figures, $"recall {type}") >= 0.98, $"{type}: {figures[$"recall {type}"]}");
        }

        // Ordinary chat (CLINC150 and HWU64 test utterances, beside the PII data): the tagger adds almost nothing to what the rules flag.
        Assert.True(Number(figures, "chat_spans_per_1000") <= 8, figures["chat_spans_per_1000"]);
        Assert.True(Number(figures, "chat_title_cased_spans_per_1000") <= 45, figures["chat_title_cased_spans_per_1000"]);
        Assert.Contains("chat_flagged_1", figures.Keys);
    }

    [SharedDataFact]
    public async Task Intents_on_hwu64_prints_accuracy_above_the_engine_floor()
    {
        var (code, figures, error) = await RunAsync("intents", "--data", SharedData.File("intents", "hwu64"));

        Assert.True(code == 0, error);
        Assert.StartsWith("HWU64", figures["dataset"]);
        Assert.True(Number(figures, "accuracy") >= 0.8803, figures["accuracy"]);
        Assert.True(Number(figures, "macro_f1") >= 0.85, figures["macro_f1"]);
        Assert.Equal("n/a", figures["oos_recall"]);
    }

    [SharedDataFact]
    public async Task Intents_on_the_hwu64_ten_shot_split_prints_in_scope_accuracy_above_its_floor()
    {
        var (code, figures, error) = await RunAsync("intents", "--data", SharedData.File("intents", "hwu64"), "--shots", "10", "--resamples", "0");

        Assert.True(code == 0, error);
        Assert.StartsWith("HWU64 10-shot", figures["dataset"]);

        // Measured on the published split with both sentence encoders (Auto: 10 examples per intent; decision 0031)
        // and the head's hidden layer (decision 0029): 85.87 % (mean over it and four seeded splits 84.54 %, sd 0.76);
        // all-MiniLM-L6-v2 alone 84.29 % (mean 83.49 %); its linear head alone 84.76 %; n-grams alone 72.86 %.
        // The floor is issue 18's target.
        Assert.Contains("n-grams + sentence encoder", figures["split published"], StringComparison.Ordinal);
        Assert.True(Number(figures, "in_scope_accuracy_published_split") >= 0.85, figures["in_scope_accuracy_published_split"]);
    }

    [Theory]
    [InlineData("--shots", "ten")]
    [InlineData("--shots", "0")]
    [InlineData("--resamples", "-1")]
    public async Task Intents_refuses_a_malformed_number_with_a_clear_message(string flag, string value)
    {
        var (code, _, error) = await RunAsync("intents", "--data", Path.GetTempPath(), flag, value);

        Assert.Equal(1, code);
        Assert.Contains(flag, error);
    }

    [Fact]
    public async Task Intents_reads_the_clinc150_format_and_reports_out_of_scope_recall()
    {
        var directory = Directory.CreateTempSubdirectory("parley-clinc-").FullName;
        try
        {
            string[][] Items(string intent, params string[] texts) => texts.Select(t => new[] { t, intent }).ToArray();
            var greet = Items("greeting", "hello there", "hi friend", "good morning to you", "hey how are you", "hello hello", "hi, nice to meet you");
            var balance = Items("balance", "what is my balance", "how much money do i have", "show my account balance", "check my balance please", "balance in my checking", "how much is in savings");
            var oos = Items("oos", "how tall is mount everest", "who won the world cup", "what is the capital of peru", "tell me a joke about cats");
            var data = new Dictionary<string, string[][]>
            {
                ["train"] = [.. greet[..4], .. balance[..4]],
                ["val"] = [greet[4], balance[4]],
                ["test"] = [greet[5], balance[5]],
                ["oos_train"] = oos[..2],
                ["oos_val"] = [oos[2]],
                ["oos_test"] = [oos[3]],
            };
            await File.WriteAllTextAsync(Path.Combine(directory, "data_full.json"), JsonSerializer.Serialize(data));

            var (code, figures, error) = await RunAsync("intents", "--data", directory);

            Assert.True(code == 0, error);
            Assert.StartsWith("CLINC150", figures["dataset"]);
            Assert.Contains("test: 3 (out of scope 1)", figures["train"]);
            Assert.InRange(Number(figures, "in_scope_accuracy"), 0, 1);
            Assert.InRange(Number(figures, "oos_recall"), 0, 1);
            Assert.InRange(Number(figures, "accuracy"), 0, 1);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Pii_scores_a_tagger_trained_on_one_file_against_another_and_refuses_a_file_that_is_no_model()
    {
        var directory = Directory.CreateTempSubdirectory("parley-pii-model-");
        try
        {
            // Names the rules alone do not find: one word, no "my name is", so only a tagger that learned them can.
            static object Sample(string first, string city) => new
            {
                full_text = $"Forward the invoice to {first} in {city} before Friday.",
                spans = new object[]
                {
                    new { entity_type = "PERSON", entity_value = first, start_position = 23, end_position = 23 + first.Length },
                    new { entity_type = "GPE", entity_value = city, start_position = 27 + first.Length, end_position = 27 + first.Length + city.Length },
                },
            };

            string[] firsts = ["Alina", "Boris", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kaori", "Lars"];
            string[] cities = ["Lisbon", "Tallinn", "Porto", "Ghent", "Bergen", "Lyon", "Graz", "Turku", "Split", "Malmo", "Leeds", "Cork"];
            var train = Path.Combine(directory.FullName, "train.json");
            var test = Path.Combine(directory.FullName, "test.json");
            await File.WriteAllTextAsync(train, JsonSerializer.Serialize(Enumerable.Range(0, 60).Select(i => Sample(firsts[i % 12], cities[(i * 5) % 12])).ToArray()));
            await File.WriteAllTextAsync(test, JsonSerializer.Serialize(new[] { Sample("Marta", "Oslo"), Sample("Nils", "Riga") }));
            var model = Path.Combine(directory.FullName, "tagger.bin");

            var written = await RunAsync("pii", "--data", train, "--write-model", model, "--negatives", "0");
            Assert.True(written.Code == 0, written.Error);
            var scored = await RunAsync("pii", "--data", test, "--model", model);
            Assert.True(scored.Code == 0, scored.Error);
            Assert.StartsWith(model, scored.Figures["tagger"]);
            var shipped = await RunAsync("pii", "--data", test);
            Assert.DoesNotContain("tagger", shipped.Figures.Keys);
            // The model learned this template; the figures are its own, not the shipped model's.
            Assert.True(Number(scored.Figures, "span_recall") > Number(shipped.Figures, "span_recall"), $"{scored.Figures["span_recall"]} vs shipped {shipped.Figures["span_recall"]}");

            var garbage = Path.Combine(directory.FullName, "garbage.bin");
            await File.WriteAllTextAsync(garbage, "not a model");
            var refused = await RunAsync("pii", "--data", test, "--model", garbage);
            Assert.Equal(1, refused.Code);
            Assert.Contains("not a tagger model", refused.Error);
            Assert.Equal(1, (await RunAsync("pii", "--data", test, "--model", Path.Combine(directory.FullName, "missing.bin"))).Code);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Unknown_kinds_missing_options_and_missing_data_are_clear_errors()
    {
        var unknown = await RunAsync("sentiment", "--data", "/tmp");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("unknown evaluation 'sentiment'", unknown.Error);
        Assert.Contains("usage:", unknown.Error);

        Assert.Equal(2, (await RunAsync()).Code);
        Assert.Equal(2, (await RunAsync("intents")).Code);

        var missing = await RunAsync("intents", "--data", "/nonexistent/parley-data");
        Assert.Equal(1, missing.Code);
        Assert.Contains("No intent data set", missing.Error);
        Assert.Equal(1, (await RunAsync("pii", "--data", "/nonexistent/parley-data.json")).Code);
    }
}
