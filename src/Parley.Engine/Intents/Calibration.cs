namespace Parley.Engine.Intents;

/// <summary>Raw scores of one held-out example and its true class (-1 when the model has no such class).</summary>
internal readonly record struct HeldOutScores(float[] Logits, int Label, bool IsOutOfScope);

/// <summary>Fits the temperature and the out-of-scope threshold on held-out examples.</summary>
internal static class Calibration
{
    /// <summary>
    /// The temperature minimising the negative log-likelihood of the held-out labels (Guo et al. 2017).
    /// The NLL is convex in 1/T, hence unimodal in log T, so a golden-section search is enough.
    /// </summary>
    public static double FitTemperature(IReadOnlyList<HeldOutScores> items, int classCount)
    {
        // A handful of held-out messages, all answered right, would drive the temperature to its
        // floor and make every answer look certain; below this many the raw scores are kept.
        const int MinimumExamples = 30;
        var labelled = items.Where(i => i.Label >= 0).ToList();
        if (labelled.Count < MinimumExamples)
        {
            return 1.0;
        }

        double Loss(double logT)
        {
            var temperature = Math.Exp(logT);
            var total = 0.0;
            foreach (var item in labelled)
            {
                total += LogLoss(item, temperature, classCount);
            }

            return total;
        }

        var (lo, hi) = (Math.Log(0.05), Math.Log(20.0));
        var ratio = (Math.Sqrt(5) - 1) / 2;
        for (var i = 0; i < 60; i++)
        {
            var a = hi - (ratio * (hi - lo));
            var b = lo + (ratio * (hi - lo));
            if (Loss(a) < Loss(b))
            {
                hi = b;
            }
            else
            {
                lo = a;
            }
        }

        return Math.Exp((lo + hi) / 2);
    }

    /// <summary>The negative log-likelihood of one labelled item's label at <paramref name="temperature"/>.</summary>
    public static double LogLoss(HeldOutScores item, double temperature, int classCount)
    {
        var inverse = 1.0 / temperature;
        var max = double.NegativeInfinity;
        for (var c = 0; c < classCount; c++)
        {
            max = Math.Max(max, item.Logits[c] * inverse);
        }

        var sum = 0.0;
        for (var c = 0; c < classCount; c++)
        {
            sum += Math.Exp((item.Logits[c] * inverse) - max);
        }

        return max + Math.Log(sum) - (item.Logits[item.Label] * inverse);
    }

    /// <summary>
    /// The highest threshold on the best in-scope probability that turns away at most
    /// <paramref name="maxAccuracyLoss"/> of the held-out in-scope messages the model gets right.
    /// A cap on lost in-scope accuracy is what a support bot can promise; tuning on out-of-scope
    /// examples instead was unstable, because a hundred or so of them (CLINC150's oos_val) sample the
    /// open world too thinly. Null when there are too few in-scope examples to trust.
    /// </summary>
    public static double? FitThreshold(IReadOnlyList<ThresholdItem> items, double maxAccuracyLoss, int minimumInScope)
    {
        var inScope = items.Where(i => !i.IsOutOfScope).ToList();
        if (inScope.Count < minimumInScope)
        {
            return null;
        }

        var rightScores = inScope.Where(i => i.Correct && !i.PredictedOutOfScope).Select(i => i.BestInScope).Order().ToList();
        var mayLose = (int)Math.Floor(maxAccuracyLoss * inScope.Count);
        return mayLose < rightScores.Count ? rightScores[mayLose] : 1.0;
    }
}

/// <summary>How the uncalibrated-threshold model fared on one held-out message.</summary>
internal readonly record struct ThresholdItem(double BestInScope, bool Correct, bool PredictedOutOfScope, bool IsOutOfScope);
