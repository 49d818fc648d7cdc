using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Parley.Server.Operations.Metrics;

/// <summary>
/// Listens to the framework's and Parley's System.Diagnostics.Metrics instruments and renders
/// them in the Prometheus text format (prometheus-net is not available here). Counters become
/// <c>_total</c> series, histograms get cumulative buckets, up-down counters become gauges.
/// </summary>
public sealed class PrometheusMetrics : IDisposable
{
    public const string ParleyMeter = "Parley";

    private static readonly string[] Meters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", ParleyMeter];

    // Dropped as labels: they would multiply series without telling an operator anything.
    private static readonly HashSet<string> IgnoredTags = ["url.scheme", "network.protocol.version", "network.protocol.name", "server.address", "server.port", "network.transport", "network.type"];

    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    private sealed class Series(string name, string kind, string labels, string? help)
    {
        public string Name { get; } = name;
        public string Kind { get; } = kind;
        public string Labels { get; } = labels;
        public string? Help { get; } = help;
        public double Value;
        public long Count;
        public readonly long[] BucketCounts = new long[Buckets.Length];
        public readonly Lock Gate = new();
    }

    public PrometheusMetrics(IMeterFactory meterFactory)
    {
        // Meters made by this host's factory only: another host in the same process (tests,
        // benchmarks) must not leak its requests into these figures.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Meters.Contains(instrument.Meter.Name) && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        var kind = instrument switch
        {
            Histogram<double> or Histogram<long> or Histogram<int> => "histogram",
            UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => "gauge",
            _ => "counter",
        };
        var name = MetricName(instrument, kind);
        var series = _series.GetOrAdd(name + labels, _ => new Series(name, kind, labels, instrument.Description));
        lock (series.Gate)
        {
            series.Value += value;
            series.Count++;
            if (kind == "histogram")
            {
                var i = Array.FindIndex(Buckets, b => value <= b);
                if (i >= 0)
                {
                    series.BucketCounts[i]++;
                }
            }
        }
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _series.Values.GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = group.First();
            if (first.Help is { Length: > 0 } help)
            {
                text.Append("# HELP ").Append(group.Key).Append(' ').Append(help.Replace('\n', ' ')).Append('\n');
            }

            text.Append("# TYPE ").Append(group.Key).Append(' ').Append(first.Kind).Append('\n');
            foreach (var s in group)
            {
                lock (s.Gate)
                {
                    if (s.Kind == "histogram")
                    {
                        long cumulative = 0;
                        for (var i = 0; i < Buckets.Length; i++)
                        {
                            cumulative += s.BucketCounts[i];
                            Line(text, s.Name + "_bucket", WithLabel(s.Labels, "le", Buckets[i].ToString(CultureInfo.InvariantCulture)), cumulative);
                        }

                        Line(text, s.Name + "_bucket", WithLabel(s.Labels, "le", "+Inf"), s.Count);
                        Line(text, s.Name + "_sum", s.Labels, s.Value);
                        Line(text, s.Name + "_count", s.Labels, s.Count);
                    }
                    else
                    {
                        Line(text, s.Name, s.Labels, s.Value);
                    }
                }
            }
        }

        text.Append("# TYPE process_uptime_seconds gauge\n");
        Line(text, "process_uptime_seconds", "", (DateTime.UtcNow - System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalSeconds);
        text.Append("# TYPE process_working_set_bytes gauge\n");
        Line(text, "process_working_set_bytes", "", Environment.WorkingSet);
        text.Append("# TYPE dotnet_gc_heap_bytes gauge\n");
        Line(text, "dotnet_gc_heap_bytes", "", GC.GetTotalMemory(false));
        // The tiered JIT recompiles hot code for a while after start (or after a new kind of traffic);
        // when these stop growing the server runs its final code.
        text.Append("# TYPE dotnet_jit_compiled_methods_total counter\n");
        Line(text, "dotnet_jit_compiled_methods_total", "", System.Runtime.JitInfo.GetCompiledMethodCount());
        text.Append("# TYPE dotnet_jit_compilation_seconds_total counter\n");
        Line(text, "dotnet_jit_compilation_seconds_total", "", System.Runtime.JitInfo.GetCompilationTime().TotalSeconds);
        return text.ToString();
    }

    private static void Line(StringBuilder text, string name, string labels, double value)
        => text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private static string WithLabel(string labels, string key, string value)
        => labels.Length == 0 ? $"{{{key}=\"{value}\"}}" : $"{labels[..^1]},{key}=\"{value}\"}}";

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<(string, string)>(tags.Length);
        foreach (var tag in tags)
        {
            if (!IgnoredTags.Contains(tag.Key))
            {
                var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
                // Route groups render a collection's list endpoint as "/users/"; report "/users".
                if (tag.Key == "http.route" && value.Length > 1 && value.EndsWith('/'))
                {
                    value = value[..^1];
                }

                pairs.Add((Sanitize(tag.Key), value));
            }
        }

        if (pairs.Count == 0)
        {
            return "";
        }

        pairs.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return "{" + string.Join(',', pairs.Select(p => $"{p.Item1}=\"{Escape(p.Item2)}\"")) + "}";
    }

    private static string MetricName(Instrument instrument, string kind)
    {
        var name = Sanitize(instrument.Name);
        if (instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            name += "_seconds";
        }

        return kind == "counter" && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public void Dispose() => _listener.Dispose();
}
