package io.sluice.local.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.core.monitoring.FunctionMetrics;
import java.time.Duration;
import java.time.Instant;

/**
 * The functions' counts in a Micrometer registry, scraped as Prometheus text at {@code GET /metrics} (MON-1), so an
 * existing Prometheus and Grafana can watch Sluice: {@code sluice_function_invocations_total},
 * {@code sluice_function_errors_total}, {@code sluice_function_throttles_total} and the histogram
 * {@code sluice_function_duration_seconds}, each with the label {@code function}.
 */
public final class PrometheusMetrics implements FunctionMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Override
    public void invoked(String function, Instant at, long durationNanos, Outcome outcome) {
        if (outcome == Outcome.THROTTLED) {
            counter("sluice.function.throttles", "Requests refused for load (429)", function).increment();
            return;
        }
        counter("sluice.function.invocations", "Invocations", function).increment();
        if (outcome == Outcome.ERROR) {
            counter("sluice.function.errors", "Invocations that failed", function).increment();
        }
        Timer.builder("sluice.function.duration").description("How long invocations took").tag("function", function)
                .publishPercentileHistogram().register(registry).record(Duration.ofNanos(Math.max(0, durationNanos)));
    }

    private Counter counter(String name, String description, String function) {
        return Counter.builder(name).description(description).tag("function", function).register(registry);
    }

    /** The registry, for gauges of the runtime (records, alarm states). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Everything in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }
}
