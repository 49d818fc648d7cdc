namespace Parley.Server.Webhooks;

/// <summary>
/// Decides which endpoints get this instance's free delivery slots: round-robin across tenants
/// (least recently served first), and within a tenant across its endpoints, one slot per turn.
/// A tenant never holds more than <see cref="WebhookOptions.MaxInFlightPerTenant"/> slots and an
/// endpoint never more than <see cref="WebhookOptions.MaxInFlightPerEndpoint"/> (one while its
/// circuit is half-open), so a tenant whose endpoints hang cannot take the slots another tenant's
/// deliveries need, however old its backlog is. Used by the dispatcher's single loop only.
/// </summary>
public sealed class WebhookFairShare
{
    /// <summary>An endpoint with deliveries due now: how many, and whether its circuit is half-open.</summary>
    public sealed record Due(Guid TenantId, Guid WebhookId, bool HalfOpen, int Count, DateTime Oldest);

    private Dictionary<Guid, long> _tenantServed = [];
    private Dictionary<Guid, long> _endpointServed = [];
    private long _tick;

    private sealed class Candidate(Due due, int capacity)
    {
        public Due Due { get; } = due;
        public int Capacity { get; set; } = capacity;
    }

    private sealed class TenantTurn(Guid tenantId, int capacity, Queue<Candidate> endpoints)
    {
        public Guid TenantId { get; } = tenantId;
        public int Capacity { get; set; } = capacity;
        public Queue<Candidate> Endpoints { get; } = endpoints;
    }

    /// <summary>Slots per endpoint, in the order they were handed out.</summary>
    public List<(Due Endpoint, int Slots)> Plan(
        IReadOnlyList<Due> due, int free, IReadOnlyDictionary<Guid, int> tenantInFlight, IReadOnlyDictionary<Guid, int> endpointInFlight, WebhookOptions settings)
    {
        var turns = due
            .GroupBy(d => d.TenantId)
            .Select(g => new TenantTurn(
                g.Key,
                settings.MaxInFlightPerTenant - tenantInFlight.GetValueOrDefault(g.Key),
                new Queue<Candidate>(g
                    .Select(d => new Candidate(d, Math.Min(d.Count, (d.HalfOpen ? 1 : settings.MaxInFlightPerEndpoint) - endpointInFlight.GetValueOrDefault(d.WebhookId))))
                    .Where(c => c.Capacity > 0)
                    .OrderBy(c => _endpointServed.GetValueOrDefault(c.Due.WebhookId))
                    .ThenBy(c => c.Due.Oldest))))
            .Where(t => t.Capacity > 0 && t.Endpoints.Count > 0)
            .OrderBy(t => _tenantServed.GetValueOrDefault(t.TenantId))
            .ThenBy(t => t.Endpoints.Peek().Due.Oldest)
            .ToList();

        var slots = new Dictionary<Guid, (Due Endpoint, int Slots)>();
        var order = new List<Guid>();
        while (free > 0 && turns.Count > 0)
        {
            for (var i = 0; i < turns.Count && free > 0;)
            {
                var turn = turns[i];
                var candidate = turn.Endpoints.Dequeue();
                if (!slots.TryGetValue(candidate.Due.WebhookId, out var given))
                {
                    order.Add(candidate.Due.WebhookId);
                }

                slots[candidate.Due.WebhookId] = (candidate.Due, given.Slots + 1);
                candidate.Capacity--;
                turn.Capacity--;
                free--;
                _tenantServed[turn.TenantId] = ++_tick;
                _endpointServed[candidate.Due.WebhookId] = _tick;
                if (candidate.Capacity > 0)
                {
                    turn.Endpoints.Enqueue(candidate);
                }

                if (turn.Capacity == 0 || turn.Endpoints.Count == 0)
                {
                    turns.RemoveAt(i);
                }
                else
                {
                    i++;
                }
            }
        }

        Forget(due);
        return [.. order.Select(id => slots[id])];
    }

    /// <summary>Keeps the memory to tenants and endpoints that still have work: one that comes back counts as never served.</summary>
    private void Forget(IReadOnlyList<Due> due)
    {
        if (_endpointServed.Count <= 4 * (due.Count + 64))
        {
            return;
        }

        var tenants = due.Select(d => d.TenantId).ToHashSet();
        var endpoints = due.Select(d => d.WebhookId).ToHashSet();
        _tenantServed = _tenantServed.Where(p => tenants.Contains(p.Key)).ToDictionary();
        _endpointServed = _endpointServed.Where(p => endpoints.Contains(p.Key)).ToDictionary();
    }
}
