package io.sluice.bench;

import io.sluice.core.monitoring.FunctionMetrics;
import io.sluice.core.monitoring.Instrumentation;
import io.sluice.core.monitoring.PeriodMetrics;
import io.sluice.local.monitoring.PrometheusMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the one instrumentation costs per invocation (issue 19, MON-1): the same small body called directly (the
 * baseline, in the same run), through {@link Instrumentation} with the core's counting only (what a Lambda handler pays:
 * no metrics sink, Lambda counts), with the two per-period counts of sluice up, and with those and the Prometheus
 * registry (everything sluice up does per request but the error record, which only a failure writes). Nanoseconds per
 * invocation; an HTTP ingest of 500 CDRs takes milliseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
public class InstrumentationBenchmark {
    private Instrumentation handlerLike;
    private Instrumentation periods;
    private Instrumentation sluiceUp;
    private long n;

    @Setup
    public void setUp() {
        io.sluice.core.pipeline.ErrorLog unused = (f, at, e, d, ev) -> "never";
        handlerLike = new Instrumentation(FunctionMetrics.NONE, unused);
        PeriodMetrics alarm = new PeriodMetrics(60, 8);
        PeriodMetrics minutes = new PeriodMetrics(60, 5);
        periods = new Instrumentation(alarm.andThen(minutes), unused);
        PeriodMetrics alarm2 = new PeriodMetrics(60, 8);
        PeriodMetrics minutes2 = new PeriodMetrics(60, 5);
        sluiceUp = new Instrumentation(alarm2.andThen(minutes2).andThen(new PrometheusMetrics()), unused);
    }

    private long body() {
        return ++n * 31 + 7;
    }

    @Benchmark
    public void baselineDirectCall(Blackhole bh) {
        bh.consume(body());
    }

    @Benchmark
    public void lambdaHandlerInstrumentation(Blackhole bh) {
        bh.consume(handlerLike.invoke("stream", () -> "{}", call -> body()));
    }

    @Benchmark
    public void periodCounts(Blackhole bh) {
        bh.consume(periods.invoke("http-ingest", () -> "{}", call -> body()));
    }

    @Benchmark
    public void sluiceUpInstrumentation(Blackhole bh) {
        bh.consume(sluiceUp.invoke("http-ingest", () -> "{}", call -> body()));
    }
}
