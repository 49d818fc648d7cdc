using System.Diagnostics;
using System.Diagnostics.Metrics;
using Parley.Server.Operations.Metrics;

namespace Parley.Server.Conversations;

/// <summary>Chat figures exported on /metrics (parley_chat_turns_total, parley_chat_turn_duration_seconds).</summary>
public sealed class ChatMetrics
{
    private readonly Counter<long> _turns;
    private readonly Histogram<double> _duration;

    public ChatMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(PrometheusMetrics.ParleyMeter);
        _turns = meter.CreateCounter<long>("parley.chat.turns", description: "Chat turns answered, by engine and outcome.");
        _duration = meter.CreateHistogram<double>("parley.chat.turn.duration", unit: "s", description: "Time to answer a chat turn, storage included.");
    }

    public void Turn(string engine, bool escalated, bool cached, double seconds)
    {
        var tags = new TagList { { "engine", engine }, { "escalated", escalated ? "true" : "false" }, { "cached", cached ? "true" : "false" } };
        _turns.Add(1, tags);
        _duration.Record(seconds, new TagList { { "engine", engine } });
    }
}
