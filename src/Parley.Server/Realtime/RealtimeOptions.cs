using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Realtime;

/// <summary>How far back a reconnecting socket or event stream is replayed, and in what steps.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Parley:Realtime";

    /// <summary>
    /// The most stored messages a resume replays. A client further behind gets <c>resync_required</c>
    /// and the newest this many; it pages the older ones over REST.
    /// </summary>
    [Range(1, 1_000_000)] public int MaxResumeMessages { get; set; } = 10_000;

    /// <summary>Messages read from the database per step of a replay.</summary>
    [Range(1, 5_000)] public int ResumePageSize { get; set; } = 200;

    /// <summary>How long a replay waits for a socket client to make room in its outbox before it is cut off as too slow.</summary>
    [Range(1, 3_600)] public int ReplayStallSeconds { get; set; } = 30;
}
