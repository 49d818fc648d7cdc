using System.Globalization;
using Parley.Server.Evaluation;

namespace Parley.Tests.Conversations;

/// <summary>
/// <c>eval answers</c> through the command's entry point: this server as its own process, the DSTC10
/// FAQ knowledge base loaded through the API, dialogues replayed through the chat. To keep CI's run
/// short it asks a deterministic subset (the first 100 dialogues, the first 200 CLINC150 oos_test
/// questions) and floors its figures a little under the ones measured on it (docs/quality.md).
/// </summary>
public sealed class AnswerQualityTests
{
    [SharedDataFact]
    public async Task Dstc10_answers_stay_above_their_floors_and_off_topic_questions_below_their_ceiling()
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await EvaluationCommand.RunAsync(["answers", "--data", SharedData.Root, "--dialogues", "100", "--oos", "200"], output, error, CancellationToken.None);
        Assert.True(code == 0, error.ToString() + output);
        var figures = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        double Share(string name) => double.Parse(figures[name].Split(' ')[0], CultureInfo.InvariantCulture);

        var text = output.ToString();
        // On this subset at the shipped defaults (docs/quality.md, session 12, from the passages recorded in the full run):
        // 19/33 (0.576), 7/67 (0.104), 3/200 (0.015). The other-turn ceiling rose from 0.05 (session 11: 2/67) with the
        // semantic answer rule, which trades them for right answers within issue 18's limit (<= 10 % over all 159: 14/159).
        Assert.True(Share("correct_first_citation") >= 0.50, text);
        Assert.True(Share("other_answered_from_knowledge") <= 0.12, text);
        Assert.True(Share("oos_answered_from_knowledge") <= 0.03, text);
        Assert.StartsWith("0/", figures["answers_starting_with_the_faq_question"]);
    }
}
