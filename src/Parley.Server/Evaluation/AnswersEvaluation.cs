using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parley.Server.Knowledge;
using static Parley.Server.Evaluation.AnswersServer;

namespace Parley.Server.Evaluation;

/// <summary>
/// <c>eval answers --data &lt;dir&gt;</c>: what a customer gets, end to end. Starts this server as its
/// own process on a scratch SQLite database and a free loopback port, loads the DSTC10 FAQ knowledge
/// base through the knowledge API (one FAQ source per hotel, restaurant or attraction, its domain as
/// category), and chats through <c>POST /api/v1/chat/process</c> as a registered customer. Each DSTC10
/// dialogue is replayed into one conversation: each customer turn through the chat, and each reply of
/// the dataset's agent (the human "system" side, who names the hotel or restaurant) as an agent message
/// (<c>POST /api/v1/messages/send</c>, type agent), then the last turn is asked. The 104
/// knowledge-seeking last turns are scored on their citations (first correct, any correct, answered
/// wrong, abstained); the 159 others and CLINC150's <c>oos_test</c> questions (each in a new
/// conversation) count how often an answer is given from the knowledge base when none fits. The
/// passages the bot had for each scored turn (its message's <c>retrieval</c> metadata) choose the
/// answer threshold by 5-fold cross-validation (<see cref="AnswersCalibration"/>).
/// <paramref name="dataPath"/> is the shared data directory (retrieval/dstc10_faq, intents/clinc150) or
/// the DSTC10 directory itself, with CLINC150 found beside it in the shared layout.
/// </summary>
public static class AnswersEvaluation
{
    public static async Task<AnswersReport> RunAsync(string dataPath, AnswersRun run, TextWriter output, CancellationToken ct)
    {
        var dstc = new[] { dataPath, Path.Combine(dataPath, "retrieval", "dstc10_faq"), Path.Combine(dataPath, "dstc10_faq") }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "knowledge.json")) && File.Exists(Path.Combine(d, "val", "logs.json")))
            ?? throw new FileNotFoundException($"No DSTC10 FAQ data (knowledge.json, val/logs.json, val/labels.json) under {dataPath}.");
        var clinc = new[] { Path.Combine(dataPath, "intents", "clinc150", "data_full.json"), Path.Combine(dstc, "..", "..", "intents", "clinc150", "data_full.json") }
            .Select(Path.GetFullPath).FirstOrDefault(File.Exists);

        var temp = Directory.CreateTempSubdirectory("parley-eval-answers-");
        using var server = StartServer(temp.FullName, out var baseAddress);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
            await WaitHealthyAsync(http, server, ct);
            var admin = await RegisterAsync(http, "admin", ct);
            var started = Stopwatch.GetTimestamp();
            var keys = await LoadKnowledgeAsync(http, admin, dstc, ct);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"knowledge: {keys.Documents} FAQs in {keys.Sources} sources, indexed through the API in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
            var customer = new Chatter(http, await RegisterAsync(http, "customer", ct), admin);

            using var logs = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dstc, "val", "logs.json"), ct));
            using var labels = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dstc, "val", "labels.json"), ct));
            var seeking = new Tally();
            var other = new Tally();
            var scored = new List<ScoredTurn>();
            var examples = new List<string>();
            int turns = 0, dialogues = 0;
            started = Stopwatch.GetTimestamp();
            output.WriteLine(run.UserTurnsOnly ? "replay: customer turns only" : "replay: customer turns through the chat, the dataset agent's replies as agent messages");
            foreach (var (log, label) in logs.RootElement.EnumerateArray().Zip(labels.RootElement.EnumerateArray()).Take(run.Dialogues ?? int.MaxValue))
            {
                var index = dialogues++;
                var said = log.EnumerateArray().Select(t => (User: t.GetProperty("speaker").GetString() == "U", Text: t.GetProperty("text").GetString() ?? "")).ToList();
                string? session = null;
                Turn? last = null;
                foreach (var (isUser, text) in said)
                {
                    if (isUser)
                    {
                        last = await customer.ChatAsync(session, text, ct);
                        session = last.SessionId;
                        turns++;
                    }
                    else if (!run.UserTurnsOnly && session is not null && !string.IsNullOrWhiteSpace(text))
                    {
                        await customer.AgentSaysAsync(session, text, ct);
                    }
                }

                if (last is null)
                {
                    continue;
                }

                var candidates = (await customer.RetrievalAsync(last, ct)).Select(c => new Candidate(keys.Find(c.SourceId, c.Title), c.Score, c.InContext, c.Similarity)).ToList();
                var cited = last.Citations.Select(c => keys.Find(c.SourceId, c.Title)).ToList();
                if (label.GetProperty("target").GetBoolean())
                {
                    var gold = label.GetProperty("knowledge")[0];
                    var goldKey = $"{gold.GetProperty("domain").GetString()}__{gold.GetProperty("entity_id")}__{gold.GetProperty("doc_id")}";
                    var first = cited.Count > 0 && cited[0].Contains(goldKey);
                    seeking.Add(last, first, cited.Any(c => c.Contains(goldKey)));
                    scored.Add(new ScoredTurn(ScoredTurn.Seeking, index % AnswersCalibration.FoldCount, goldKey, candidates));
                    if (last.Citations.Count > 0 && examples.Count < 10)
                    {
                        examples.Add($"  Q: {said[^1].Text}\n  A: {last.Response}\n  cites: {last.Citations[0].Source} / {last.Citations[0].Title} ({(first ? "correct" : "wrong")})");
                    }

                    if (run.Diagnose)
                    {
                        var rank = candidates.FindIndex(c => c.Keys.Contains(goldKey));
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  #{index} seeking escalated={Yes(last.Escalated)} abstained={Yes(last.Citations.Count == 0)} confidence={last.Confidence:F2} first={(cited.Count > 0 ? string.Join('|', cited[0]) : "-")} gold={goldKey} gold_rank={(rank < 0 ? "-" : (rank + 1).ToString(CultureInfo.InvariantCulture))} named_by={keys.NamedBy(goldKey, said)} passages={Passages(candidates, goldKey)}"));
                    }
                }
                else
                {
                    other.Add(last, false, false);
                    scored.Add(new ScoredTurn(ScoredTurn.Other, index % AnswersCalibration.FoldCount, null, candidates));
                    if (run.Diagnose)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  #{index} other escalated={Yes(last.Escalated)} answered={Yes(last.Citations.Count > 0)} confidence={last.Confidence:F2} passages={Passages(candidates, null)}"));
                    }
                }
            }

            var dialogueSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dialogues: {dialogues} replayed, {turns} chat turns in {dialogueSeconds:F1} s ({dialogueSeconds * 1000 / Math.Max(1, turns):F1} ms per turn)"));
            output.WriteLine($"knowledge-seeking last turns: {seeking.Count}");
            output.WriteLine($"correct_first_citation: {Share(seeking.FirstCorrect, seeking.Count)}");
            output.WriteLine($"correct_any_citation: {Share(seeking.AnyCorrect, seeking.Count)}");
            output.WriteLine($"answered_wrong: {Share(seeking.Answered - seeking.FirstCorrect, seeking.Count)}");
            output.WriteLine($"abstained: {Share(seeking.Count - seeking.Answered, seeking.Count)}");
            output.WriteLine($"escalated: {Share(seeking.Escalated, seeking.Count)}");
            output.WriteLine($"other last turns (no FAQ needed): {other.Count}");
            output.WriteLine($"other_answered_from_knowledge: {Share(other.Answered, other.Count)}");
            output.WriteLine($"other_escalated: {Share(other.Escalated, other.Count)}");

            var oos = new Tally();
            if (clinc is null)
            {
                output.WriteLine("out_of_scope: not run (no intents/clinc150/data_full.json beside the DSTC10 data)");
            }
            else
            {
                using var clincData = JsonDocument.Parse(await File.ReadAllTextAsync(clinc, ct));
                var i = 0;
                foreach (var item in clincData.RootElement.GetProperty("oos_test").EnumerateArray().Take(run.OutOfScope ?? int.MaxValue))
                {
                    var turn = await customer.ChatAsync(null, item[0].GetString() ?? "", ct);
                    oos.Add(turn, false, false);
                    var candidates = (await customer.RetrievalAsync(turn, ct)).Select(c => new Candidate(keys.Find(c.SourceId, c.Title), c.Score, c.InContext, c.Similarity)).ToList();
                    scored.Add(new ScoredTurn(ScoredTurn.OutOfScope, i++ % AnswersCalibration.FoldCount, null, candidates));
                    if (run.Diagnose)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  oos answered={Yes(turn.Citations.Count > 0)} passages={Passages(candidates, null)}"));
                    }
                }

                output.WriteLine($"out-of-scope questions (CLINC150 oos_test): {oos.Count}");
                output.WriteLine($"oos_answered_from_knowledge: {Share(oos.Answered, oos.Count)}");
                output.WriteLine($"oos_escalated: {Share(oos.Escalated, oos.Count)}");
            }

            var repeating = seeking.Repeating + other.Repeating + oos.Repeating;
            var answers = seeking.Answered + other.Answered + oos.Answered;
            output.WriteLine($"answers_starting_with_the_faq_question: {repeating}/{answers}");
            if (run.TurnsJson is { } turnsJson)
            {
                await File.WriteAllTextAsync(turnsJson, JsonSerializer.Serialize(scored), ct);
            }

            var calibration = AnswersCalibration.Run(scored);
            AnswersCalibration.Print(calibration, scored, output);
            // What ships keeps the elsewhere threshold low (a knowledge base without entity names answers): the in-context one is fitted beside it.
            var shipped = new Conversations.ConversationOptions();
            AnswersCalibration.PrintAtShippedElsewhere(AnswersCalibration.Run(scored, shipped.AnswerThreshold), output);
            // With the built-in encoder's similarity recorded: the in-context score and similarity thresholds fitted together.
            if (scored.Any(t => t.Candidates.Any(c => c.Similarity is not null)))
            {
                AnswersCalibration.PrintAtShippedElsewhere(
                    AnswersCalibration.RunWithSimilarity(scored, shipped.AnswerThreshold, shipped.AnswerThresholdInContext), output, "semantic");
                var at = AnswersCalibration.At(scored, new Thresholds(shipped.AnswerThreshold, shipped.AnswerThresholdInContext,
                    shipped.AnswerThresholdInContextWithSimilarity, shipped.AnswerMinSimilarityInContext));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"at_shipped_defaults {at.Threshold} (from the recorded passages): correct_first {at.CorrectFirst:F3}, answered_wrong {at.AnsweredWrong:F3}, other_answered {at.OtherAnswered:F3}, oos_answered {at.OutOfScopeAnswered:F3}"));
            }

            output.WriteLine("examples (first 10 answered knowledge-seeking turns):");
            foreach (var example in examples)
            {
                output.WriteLine(example);
            }

            return new AnswersReport(seeking.Count, seeking.FirstCorrect, seeking.AnyCorrect, seeking.Answered - seeking.FirstCorrect, seeking.Count - seeking.Answered,
                other.Count, other.Answered, oos.Count, oos.Answered, answers, repeating, calibration);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(CancellationToken.None);
            }

            try
            {
                temp.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner.
            }
        }
    }

    private static string Yes(bool value) => value ? "yes" : "no";

    /// <summary>The passages the bot had, in retrieval order: score, c for the source the conversation is about, + for the gold FAQ.</summary>
    private static string Passages(List<Candidate> candidates, string? gold)
        => candidates.Count == 0 ? "-" : string.Join(',', candidates.Select(c => c.Score.ToString("F2", CultureInfo.InvariantCulture) + (c.InContext ? "c" : "") + (gold is not null && c.Keys.Contains(gold) ? "+" : "")));

    private static string Share(int count, int total)
        => string.Create(CultureInfo.InvariantCulture, $"{(total == 0 ? 0 : (double)count / total):F4} ({count}/{total})");

    private static async Task<FaqKeys> LoadKnowledgeAsync(HttpClient http, string admin, string root, CancellationToken ct)
    {
        using var knowledge = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "knowledge.json"), ct));
        var keys = new FaqKeys();
        var pending = new List<string>();
        foreach (var domain in knowledge.RootElement.EnumerateObject())
        {
            foreach (var entity in domain.Value.EnumerateObject())
            {
                var name = entity.Value.GetProperty("name").ValueKind == JsonValueKind.String ? entity.Value.GetProperty("name").GetString()! : domain.Name;
                var docs = entity.Value.GetProperty("docs").EnumerateObject().Select(d => (Key: $"{domain.Name}__{entity.Name}__{d.Name}",
                    Question: d.Value.GetProperty("title").GetString() ?? "", Answer: d.Value.GetProperty("body").GetString() ?? "")).ToList();
                var accepted = await SendAsync(http, HttpMethod.Post, "/api/v1/knowledge/sources", admin, new
                {
                    name,
                    type = "faq",
                    category = domain.Name,
                    faqs = docs.Select(d => new { question = d.Question, answer = d.Answer }),
                }, ct);
                var sourceId = accepted.GetProperty("source").GetProperty("id").GetString()!;
                foreach (var doc in docs)
                {
                    keys.Add(sourceId, doc.Question, doc.Key);
                    keys.Name(doc.Key, name);
                }

                pending.Add(accepted.GetProperty("status_url").GetString()!);
                keys.Sources++;
                keys.Documents += docs.Count;
            }
        }

        foreach (var status in pending)
        {
            for (var i = 0; ; i++)
            {
                var body = await SendAsync(http, HttpMethod.Get, status, admin, null, ct);
                var state = body.GetProperty("status").GetString();
                // Searchable by keywords once ready; the figures are the product's with its vectors, so wait for them too.
                var vectors = body.TryGetProperty("embeddings", out var embeddings) ? embeddings.GetProperty("state").GetString() : null;
                if (state == "ready" && vectors is not ("pending" or "running"))
                {
                    break;
                }

                if (state == "failed" || i > 18000)
                {
                    throw new InvalidDataException($"Indexing {status} ended {state}.");
                }

                await Task.Delay(100, ct);
            }
        }

        return keys;
    }

    /// <summary>The customer's side of the chat (and the dataset agent's replies, sent by an admin as agent messages).</summary>
    private sealed class Chatter(HttpClient http, string customer, string admin)
    {
        public async Task<Turn> ChatAsync(string? session, string message, CancellationToken ct)
        {
            var body = await SendAsync(http, HttpMethod.Post, "/api/v1/chat/process", customer, new Dictionary<string, object?>
            {
                ["message"] = string.IsNullOrWhiteSpace(message) ? "hello" : message,
                ["session_id"] = session,
            }, ct);
            var citations = body.TryGetProperty("citations", out var c) && c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Select(x => new Cited(x.GetProperty("source_id").GetString()!, x.GetProperty("source").GetString() ?? "", x.GetProperty("title").GetString() ?? "")).ToList()
                : [];
            return new Turn(body.GetProperty("session_id").GetString()!, body.GetProperty("response").GetString() ?? "", citations,
                body.TryGetProperty("escalation_needed", out var e) && e.ValueKind == JsonValueKind.True,
                body.TryGetProperty("confidence", out var confidence) && confidence.ValueKind == JsonValueKind.Number ? confidence.GetDouble() : 0,
                body.TryGetProperty("response_message_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null);
        }

        public async Task AgentSaysAsync(string session, string text, CancellationToken ct)
            => await SendAsync(http, HttpMethod.Post, "/api/v1/messages/send", admin, new { session_id = session, content = text, message_type = "agent" }, ct);

        /// <summary>The passages the bot had for the turn (its message's <c>retrieval</c> metadata), in retrieval order.</summary>
        public async Task<List<(string SourceId, string Title, double Score, bool InContext, double? Similarity)>> RetrievalAsync(Turn turn, CancellationToken ct)
        {
            if (turn.ResponseMessageId is null)
            {
                return [];
            }

            var page = await SendAsync(http, HttpMethod.Get, $"/api/v1/conversations/{turn.SessionId}/messages?page=1&size=100", customer, null, ct);
            var items = page.ValueKind == JsonValueKind.Array ? page : page.GetProperty("items");
            var message = items.EnumerateArray().FirstOrDefault(m => m.GetProperty("id").GetString() == turn.ResponseMessageId);
            return message.ValueKind == JsonValueKind.Object && message.GetProperty("metadata").TryGetProperty("retrieval", out var retrieval) && retrieval.ValueKind == JsonValueKind.Array
                ? retrieval.EnumerateArray().Select(r => (r.GetProperty("source_id").GetString()!, r.GetProperty("title").GetString() ?? "", r.GetProperty("score").GetDouble(),
                    r.TryGetProperty("in_context", out var inContext) && inContext.ValueKind == JsonValueKind.True,
                    r.TryGetProperty("similarity", out var similarity) && similarity.ValueKind == JsonValueKind.Number ? similarity.GetDouble() : (double?)null)).ToList()
                : [];
        }
    }

    private sealed record Cited(string SourceId, string Source, string Title);

    private sealed record Turn(string SessionId, string Response, IReadOnlyList<Cited> Citations, bool Escalated, double Confidence, string? ResponseMessageId);

    private sealed class Tally
    {
        public int Count { get; private set; }
        public int Answered { get; private set; }
        public int FirstCorrect { get; private set; }
        public int AnyCorrect { get; private set; }
        public int Escalated { get; private set; }

        /// <summary>Answers that begin by repeating the question of the FAQ they cite (they should begin with its answer).</summary>
        public int Repeating { get; private set; }

        public void Add(Turn turn, bool first, bool any)
        {
            Count++;
            Answered += turn.Citations.Count > 0 ? 1 : 0;
            FirstCorrect += first ? 1 : 0;
            AnyCorrect += any ? 1 : 0;
            Escalated += turn.Escalated ? 1 : 0;
            Repeating += turn.Citations.Count > 0 && StartsWithQuestion(turn.Response, turn.Citations[0].Title) ? 1 : 0;
        }
    }

    /// <summary>The answer's first sentence is a question, or its first words are the FAQ question's words in order.</summary>
    private static bool StartsWithQuestion(string answer, string question)
    {
        var firstSentence = System.Text.RegularExpressions.Regex.Split(answer.Trim(), @"(?<=[.!?])\s+")[0];
        var words = TextAnalysis.Words(question);
        return firstSentence.EndsWith('?') || (words.Count > 0 && TextAnalysis.Words(answer).Take(words.Count).SequenceEqual(words));
    }

    /// <summary>FAQ keys by source and question (as words: the chunk title is the question, cleaned).</summary>
    private sealed class FaqKeys
    {
        private readonly Dictionary<(string, string), HashSet<string>> _keys = [];
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

        public int Sources { get; set; }
        public int Documents { get; set; }

        public void Add(string sourceId, string question, string key)
        {
            var k = (sourceId.ToLowerInvariant(), string.Join(' ', TextAnalysis.Words(question)));
            (_keys.TryGetValue(k, out var set) ? set : _keys[k] = []).Add(key);
        }

        /// <summary>The entity's name (its source's), by the key's domain__entity prefix.</summary>
        public void Name(string key, string name) => _names[key[..key.LastIndexOf("__", StringComparison.Ordinal)]] = string.Join(' ', TextAnalysis.Words(name));

        /// <summary>Who in the dialogue named the gold FAQ's entity: the customer, only the agent, or nobody (as written).</summary>
        public string NamedBy(string goldKey, IReadOnlyList<(bool User, string Text)> said)
        {
            var name = _names.GetValueOrDefault(goldKey[..goldKey.LastIndexOf("__", StringComparison.Ordinal)]);
            bool Names(bool user) => name is { Length: > 0 } && said.Any(t => t.User == user && $" {string.Join(' ', TextAnalysis.Words(t.Text))} ".Contains($" {name} ", StringComparison.Ordinal));
            return Names(true) ? "customer" : Names(false) ? "agent" : "nobody";
        }

        public HashSet<string> Find(string sourceId, string title)
            => _keys.GetValueOrDefault((sourceId.ToLowerInvariant(), string.Join(' ', TextAnalysis.Words(title)))) ?? [];
    }
}
