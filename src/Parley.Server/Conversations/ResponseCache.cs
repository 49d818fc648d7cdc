using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Parley.Server.ConversationModel;

namespace Parley.Server.Conversations;

/// <summary>
/// Answers to repeated questions. The key is the tenant, the assistant, the tenant's knowledge
/// generation and the normalised (redacted) question, so any change to the knowledge base or the
/// assistant (which bumps the generation) makes old answers unreachable at once. Every reusable
/// answer is kept, the built-in "I'm not sure" one included: it is what the bot knows until the
/// knowledge changes, and it keeps its confidence, so repeating it still counts towards escalation.
/// Escalations and answers that depend on history or live tool data never reach the cache.
/// </summary>
public sealed class ResponseCache(TimeProvider clock) : Infrastructure.Caching.ITenantCache, Understanding.IUnderstandingDependent, IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 20_000, Clock = null });
    private readonly ConcurrentDictionary<Guid, long> _generations = new();
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    public Answer? Find(Guid tenantId, Guid? assistantId, string question)
        => _cache.TryGetValue(Key(tenantId, assistantId, question), out Answer? answer) ? answer : null;

    public void Store(Guid tenantId, Guid? assistantId, string question, Answer answer)
        => _cache.Set(Key(tenantId, assistantId, question), answer, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpiration = clock.GetUtcNow() + Lifetime,
        });

    /// <summary>
    /// The question with the passages retrieval found for it: earlier turns can change what is found
    /// for the same words ("what time is check-in there?"), and the answer follows the passages.
    /// </summary>
    public static string Question(string text, IReadOnlyList<Knowledge.Passage> passages)
        => passages.Count == 0 ? text : text + " \u0001" + string.Join(",", passages.Select(p => p.ChunkId.ToString("N")));

    /// <summary>The tenant's knowledge or an assistant changed: forget every cached answer of the tenant.</summary>

    public void Invalidate(Guid tenantId) => _generations.AddOrUpdate(tenantId, 1, (_, g) => g + 1);

    public void Forget(Guid tenantId) => Invalidate(tenantId);

    public void UnderstandingChanged(Guid tenantId) => Invalidate(tenantId);

    private string Key(Guid tenantId, Guid? assistantId, string question)
        => $"{tenantId:N}|{assistantId:N}|{_generations.GetValueOrDefault(tenantId)}|{Normalize(question)}";

    private static string Normalize(string question)
        => string.Join(' ', question.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).TrimEnd('?', '!', '.', ' ');

    public void Dispose() => _cache.Dispose();
}
