using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Parley.Server.Conversations.Llm;

/// <summary>
/// Streams from the provider through one Polly pipeline shared by every turn:
/// retry (outermost; exponential backoff with jitter, and only while nothing has been streamed, so
/// text the customer has seen is never repeated) → circuit breaker (counts every attempt; while
/// open, calls fail at once with <see cref="BrokenCircuitException"/> and the turn falls back to the
/// built-in engine) → a cap on one whole stream. Inside an attempt a watchdog ends the stream when
/// the first token, or any next chunk, is later than <see cref="LlmOptions.TimeoutSeconds"/>.
/// </summary>
public sealed class LlmResilience
{
    private static readonly ResiliencePropertyKey<StreamProgress> Progress = new("parley.llm.progress");

    private readonly ResiliencePipeline _pipeline;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _clock;
    private readonly CircuitBreakerStateProvider _circuit = new();

    public LlmResilience(IOptions<LlmOptions> options, TimeProvider clock, ILogger<LlmResilience> logger)
    {
        var o = options.Value;
        _clock = clock;
        _idleTimeout = TimeSpan.FromSeconds(o.TimeoutSeconds);
        var builder = new ResiliencePipelineBuilder { Name = "parley-llm", TimeProvider = clock };
        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(o.RetryBaseDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(o.RetryMaxDelaySeconds),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context)),
                // A 429 that says when to come back is obeyed, within the configured ceiling.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is LlmProviderException { RetryAfter: { } after }
                    ? (TimeSpan?)TimeSpan.FromSeconds(Math.Min(after.TotalSeconds, o.RetryMaxDelaySeconds))
                    : null),
                OnRetry = args =>
                {
                    logger.LogWarning("LLM attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms",
                        args.AttemptNumber + 1, Describe(args.Outcome.Exception), Math.Round(args.RetryDelay.TotalMilliseconds));
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = o.CircuitBreakerFailureRatio,
            MinimumThroughput = o.CircuitBreakerMinimumThroughput,
            SamplingDuration = TimeSpan.FromSeconds(o.CircuitBreakerSamplingSeconds),
            BreakDuration = TimeSpan.FromSeconds(o.CircuitBreakerBreakSeconds),
            StateProvider = _circuit,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && !CallerCancelled(e, args.Context)),
            OnOpened = args =>
            {
                logger.LogWarning("LLM circuit opened for {BreakSeconds} s after {Reason}; answering with the built-in engine meanwhile",
                    args.BreakDuration.TotalSeconds, Describe(args.Outcome.Exception));
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                logger.LogInformation("LLM circuit closed; the provider answers again");
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(TimeSpan.FromSeconds(o.MaxStreamSeconds));
        _pipeline = builder.Build();
    }

    /// <summary>Open or half-open: the provider is being avoided.</summary>
    public CircuitState CircuitState => _circuit.CircuitState;

    /// <summary>
    /// The provider's updates for one answer. The attempt runs as a producer writing to a channel
    /// (a Polly callback cannot yield), so retries and the breaker see the attempt's real outcome,
    /// including failures after the first token.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IChatClient chat, IList<ChatMessage> messages, ChatOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The reader continues on the producer's thread: an update travels on to the client before the
        // next chunk is read, with no wait for a pool thread (decision 0009).
        var channel = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = ProduceAsync(chat, messages, options, channel.Writer, stop.Token);
        try
        {
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return update;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }
    }

    private async Task ProduceAsync(IChatClient chat, IList<ChatMessage> messages, ChatOptions options, ChannelWriter<ChatResponseUpdate> writer, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        var progress = new StreamProgress();
        context.Properties.Set(Progress, progress);
        try
        {
            await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Self.AttemptAsync(state.Chat, state.Messages, state.Options, state.Writer, state.Progress, ctx.CancellationToken),
                context,
                (Self: this, Chat: chat, Messages: messages, Options: options, Writer: writer, Progress: progress));
            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask AttemptAsync(
        IChatClient chat, IList<ChatMessage> messages, ChatOptions options, ChannelWriter<ChatResponseUpdate> writer, StreamProgress progress, CancellationToken cancellationToken)
    {
        using var watchdog = new CancellationTokenSource(_idleTimeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        var finished = false;
        try
        {
            await foreach (var update in chat.GetStreamingResponseAsync(messages, options, linked.Token))
            {
                watchdog.CancelAfter(_idleTimeout);
                finished |= update.FinishReason is not null;
                if (update.Contents.Count > 0)
                {
                    progress.Started = true;
                }

                await writer.WriteAsync(update, cancellationToken);
            }
        }
        // Usually an OperationCanceledException; a socket torn down by the cancellation can surface as IOException.
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException
            && watchdog.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new LlmTimeoutException(
                progress.Started
                    ? $"The model stopped streaming for {_idleTimeout.TotalSeconds:0.###} s."
                    : $"The model sent no token within {_idleTimeout.TotalSeconds:0.###} s.",
                e);
        }

        // Every compatible server ends with a finish_reason; a stream that stops without one was cut
        // (a proxy's idle timeout, a restart), and half an answer must not be stored as the answer.
        if (!finished)
        {
            throw new LlmProviderException("The model's stream ended before the model finished.");
        }
    }

    private static bool ShouldRetry(Exception? e, ResilienceContext context)
    {
        if (e is null || CallerCancelled(e, context) || context.Properties.GetValue(Progress, new StreamProgress()).Started)
        {
            return false;
        }

        return e switch
        {
            BrokenCircuitException => false,
            LlmProviderException provider => provider.IsTransient,
            TimeoutException or TimeoutRejectedException or HttpRequestException or IOException or OperationCanceledException => true,
            _ => false,
        };
    }

    private static bool CallerCancelled(Exception e, ResilienceContext context)
        => e is OperationCanceledException && context.CancellationToken.IsCancellationRequested;

    private static string Describe(Exception? e) => e switch
    {
        null => "no exception",
        LlmProviderException p => p.Status == 0 ? "provider unreachable" : $"HTTP {p.Status}",
        _ => e.GetType().Name,
    };

    private sealed class StreamProgress
    {
        /// <summary>Set once anything with content has been passed on: from then on, no retry.</summary>
        public volatile bool Started;
    }
}
