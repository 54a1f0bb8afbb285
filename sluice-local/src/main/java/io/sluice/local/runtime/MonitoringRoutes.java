package io.sluice.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.sluice.core.monitoring.FunctionMonitor;
import io.sluice.core.monitoring.PeriodMetrics;
import io.sluice.core.pipeline.ErrorLog;
import io.sluice.local.monitoring.LocalMonitoring;
import io.sluice.local.monitoring.Simulation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The monitoring of {@code sluice up} over HTTP (MON-1..MON-4, MON-6; issue 19):
 * <ul>
 *   <li>{@code GET /} in a browser: the dashboard (24-hour summary, a graph per function, duration average and p99,
 *   alarm states, the latest error records); other clients get the JSON index as before.
 *   <li>{@code GET /metrics}: the Prometheus text format, for an existing Prometheus (bearer token in its scrape config).
 *   <li>{@code GET /v1/monitoring}: what the dashboard draws, as JSON; {@code GET /v1/errors?function=&from=&to=&limit=}.
 *   <li>{@code POST /v1/simulations} and {@code GET /v1/simulations/{id}}: synthetic invocations ({@code sluice simulate}).
 * </ul>
 * And {@link #instrumented}: a route run as one invocation of a function of the {@link LocalMonitoring}.
 */
final class MonitoringRoutes {
    static final int MAX_ERRORS = 1_000;
    static final int MAX_SIMULATIONS = 4;
    static final int MAX_SIMULATION_BODY = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";

    private final LocalRuntime rt;
    private final Map<String, Simulation> simulations = new ConcurrentHashMap<>();
    private final AtomicLong simulationIds = new AtomicLong();

    MonitoringRoutes(LocalRuntime rt) {
        this.rt = rt;
    }

    private LocalMonitoring monitoring() {
        return rt.monitoring();
    }

    /**
     * {@code route} as one invocation of {@code function}: 429 and 503 count as throttles, another 5xx or an exception
     * (not the client's fault) as an error with a record; the client's faults (4xx) are handled answers, as a Lambda
     * function's validation answers are.
     */
    Handler instrumented(String function, Handler route) {
        return ctx -> {
            Exception[] clientFault = new Exception[1];
            monitoring().instrumentation().invoke(function, () -> "{\"method\":\"" + ctx.method() + "\",\"path\":\"" + ctx.path()
                    + "\",\"content_type\":\"" + String.valueOf(ctx.contentType()).replace("\"", "'") + "\",\"content_length\":"
                    + ctx.contentLength() + "}", call -> {
                try {
                    route.handle(ctx);
                } catch (Exception e) {
                    if (HttpApi.isClientFault(e)) {
                        clientFault[0] = e; // answered 400 by the exception handler, outside the invocation's errors
                        return null;
                    }
                    throw e;
                }
                int status = ctx.statusCode();
                if (status == 429 || status == 503) {
                    call.throttled();
                } else if (status >= 500) {
                    call.failed(new IllegalStateException("answered " + status + ": " + Optional.ofNullable(ctx.result()).orElse("")));
                }
                return null;
            });
            if (clientFault[0] != null) {
                throw clientFault[0];
            }
        };
    }

    /** {@code GET /}: the dashboard for a browser, the JSON index for other clients. */
    boolean dashboard(Context ctx) throws IOException {
        String accept = Optional.ofNullable(ctx.header("Accept")).orElse("");
        if (!accept.contains("text/html")) {
            return false;
        }
        resource(ctx, "/io/sluice/local/dashboard/index.html", "text/html; charset=utf-8");
        return true;
    }

    void asset(Context ctx) throws IOException {
        switch (ctx.pathParam("name")) {
            case "dashboard.js" -> resource(ctx, "/io/sluice/local/dashboard/dashboard.js", "text/javascript; charset=utf-8");
            case "dashboard.css" -> resource(ctx, "/io/sluice/local/dashboard/dashboard.css", "text/css; charset=utf-8");
            case "uPlot.iife.min.js" -> resource(ctx, UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8");
            case "uPlot.min.css" -> resource(ctx, UPLOT + "uPlot.min.css", "text/css; charset=utf-8");
            default -> Answers.json(ctx, 404, Map.of("error", "no such asset: " + ctx.pathParam("name")));
        }
    }

    private static void resource(Context ctx, String path, String type) throws IOException {
        try (InputStream in = MonitoringRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + path);
            }
            Answers.mark(ctx);
            ctx.status(200).contentType(type).header("Cache-Control", "no-cache")
                    .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                    .header("X-Content-Type-Options", "nosniff").result(in.readAllBytes());
        }
    }

    private static String uplotVersion() {
        try (InputStream in = MonitoringRoutes.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the uPlot WebJar is missing from the classpath", e);
        }
    }

    /** {@code GET /metrics}. */
    void metrics(Context ctx) {
        Answers.mark(ctx);
        ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(monitoring().prometheus().scrape());
    }

    /** {@code GET /v1/monitoring?hours=24&function=}: the summary, the series per minute, the alarms, the latest errors. */
    void overview(Context ctx) {
        int hours;
        try {
            hours = Integer.parseInt(Optional.ofNullable(ctx.queryParam("hours")).orElse("24"));
        } catch (NumberFormatException e) {
            hours = -1;
        }
        if (hours < 1 || hours > 24) {
            Answers.json(ctx, 400, Map.of("error", "hours is 1 to 24 (the minutes are kept 24 hours)"));
            return;
        }
        String only = Optional.ofNullable(ctx.queryParam("function")).filter(f -> !f.isBlank()).orElse(null);
        Instant now = Instant.now();
        Instant from = now.minus(Duration.ofHours(hours));
        Map<String, List<PeriodMetrics.Period>> byFunction = new TreeMap<>();
        for (PeriodMetrics.Period p : monitoring().minutesSince(from, now)) {
            byFunction.computeIfAbsent(p.function(), f -> new ArrayList<>()).add(p);
        }
        for (FunctionMonitor.Status s : monitoring().alarms()) {
            byFunction.computeIfAbsent(s.function(), f -> new ArrayList<>());
        }
        List<Map<String, Object>> functions = new ArrayList<>();
        for (var e : byFunction.entrySet()) {
            functions.add(function(e.getKey(), e.getValue()));
        }
        List<Map<String, Object>> alarms = new ArrayList<>();
        for (FunctionMonitor.Status s : monitoring().alarms()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("alarm", s.alarm());
            a.put("function", s.function());
            a.put("metric", s.metric().name().toLowerCase(java.util.Locale.ROOT));
            a.put("state", s.state().name());
            a.put("since", s.since().toString());
            a.put("comparison", s.comparison());
            a.put("threshold", s.threshold());
            a.put("period_s", s.periodSeconds());
            a.put("datapoints_to_alarm", s.datapointsToAlarm());
            a.put("evaluation_periods", s.evaluationPeriods());
            a.put("datapoints", s.datapoints());
            alarms.add(a);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("generated_at", now.toString());
        out.put("hours", hours);
        out.put("alarm_period_s", monitoring().periodSeconds());
        out.put("functions", functions);
        out.put("alarms", alarms);
        out.put("errors", monitoring().latestErrors(only, from, now.plusSeconds(1), 50).stream().map(MonitoringRoutes::error).toList());
        Answers.json(ctx, 200, out);
    }

    private static Map<String, Object> function(String name, List<PeriodMetrics.Period> minutes) {
        minutes.sort(java.util.Comparator.comparing(PeriodMetrics.Period::start));
        long invocations = 0;
        long errors = 0;
        long throttles = 0;
        double sum = 0;
        List<Long> t = new ArrayList<>();
        List<Long> inv = new ArrayList<>();
        List<Long> err = new ArrayList<>();
        List<Double> avg = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (PeriodMetrics.Period p : minutes) {
            invocations += p.invocations();
            errors += p.errors();
            throttles += p.throttles();
            sum += p.sumMillis();
            t.add(p.start().getEpochSecond());
            inv.add(p.invocations());
            err.add(p.errors());
            avg.add(round(p.averageMillis()));
            p99.add(p.invocations() == 0 ? null : round(p.p99Millis()));
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("invocations", invocations);
        f.put("errors", errors);
        f.put("throttles", throttles);
        f.put("error_rate_percent", invocations == 0 ? 0 : round(100.0 * errors / invocations));
        f.put("average_ms", invocations == 0 ? 0 : round(sum / invocations));
        f.put("p99_ms_max", p99.stream().filter(java.util.Objects::nonNull).max(Double::compare).orElse(null));
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("t", t);
        series.put("invocations", inv);
        series.put("errors", err);
        series.put("average_ms", avg);
        series.put("p99_ms", p99);
        f.put("minutes", series);
        return f;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Map<String, Object> error(ErrorLog.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error_id", e.id());
        m.put("function", e.functionName());
        m.put("occurred_at", e.occurredAt().toString());
        m.put("type", e.type());
        m.put("message", e.message());
        m.put("duration_ms", e.durationMillis());
        m.put("event_snapshot", e.eventSnapshot());
        m.put("stack_trace", e.stackTrace());
        return m;
    }

    /** {@code GET /v1/errors?function=&from=&to=&limit=}: the error log by function and time (ISO-8601 instants). */
    void errors(Context ctx) {
        String function = Optional.ofNullable(ctx.queryParam("function")).filter(f -> !f.isBlank()).orElse(null);
        Instant from;
        Instant to;
        int limit;
        try {
            from = Optional.ofNullable(ctx.queryParam("from")).map(Instant::parse).orElse(Instant.now().minus(LocalMonitoring.ERRORS_KEPT));
            to = Optional.ofNullable(ctx.queryParam("to")).map(Instant::parse).orElse(Instant.now().plusSeconds(1));
            limit = Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("100"));
        } catch (DateTimeParseException | NumberFormatException e) {
            Answers.json(ctx, 400, Map.of("error", "from and to are instants (2026-12-04T10:00:00Z), limit a number"));
            return;
        }
        if (limit < 1 || limit > MAX_ERRORS) {
            Answers.json(ctx, 400, Map.of("error", "limit must be 1.." + MAX_ERRORS));
            return;
        }
        List<Map<String, Object>> found = monitoring().latestErrors(function, from, to, limit).stream()
                .filter(e -> e.occurredAt().isBefore(to)).map(MonitoringRoutes::error).toList();
        Answers.json(ctx, 200, Map.of("errors", found));
    }

    /** {@code POST /v1/simulations}: {"function", "rate", "error_rate", "latency_ms": [p50, p99], "duration_s"}. */
    void simulate(Context ctx) throws IOException {
        byte[] bytes = ClientFault.read(ctx, MAX_SIMULATION_BODY);
        if (bytes.length > MAX_SIMULATION_BODY) {
            Answers.json(ctx, 413, Map.of("error", "a simulation's settings fit in " + MAX_SIMULATION_BODY + " bytes"));
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            Answers.json(ctx, 400, Map.of("error", "the body is not JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
            return;
        }
        Simulation.Spec spec;
        try {
            JsonNode latency = body == null ? null : body.get("latency_ms");
            if (body == null || !body.isObject() || latency == null || !latency.isArray() || latency.size() != 2) {
                throw new IllegalArgumentException("give {\"function\", \"rate\", \"error_rate\", \"latency_ms\": [P50, P99], \"duration_s\"}");
            }
            spec = new Simulation.Spec(body.path("function").asText(null), body.path("rate").asDouble(), body.path("error_rate").asDouble(),
                    latency.get(0).asDouble(), latency.get(1).asDouble(), Duration.ofMillis((long) (body.path("duration_s").asDouble() * 1000)));
        } catch (IllegalArgumentException e) {
            Answers.json(ctx, 400, Map.of("error", e.getMessage()));
            return;
        }
        simulations.values().removeIf(s -> !s.running() && simulations.size() > 16);
        if (simulations.values().stream().filter(Simulation::running).count() >= MAX_SIMULATIONS) {
            ctx.header("Retry-After", "10");
            Answers.json(ctx, 429, Map.of("error", MAX_SIMULATIONS + " simulations are running already"));
            return;
        }
        String id = "sim-" + simulationIds.incrementAndGet();
        Simulation s = new Simulation(id, spec, monitoring().instrumentation(), System.nanoTime()).start();
        simulations.put(id, s);
        Answers.json(ctx, 202, s.status());
    }

    void simulation(Context ctx) {
        Simulation s = simulations.get(ctx.pathParam("id"));
        if (s == null) {
            Answers.json(ctx, 404, Map.of("error", "no simulation " + ctx.pathParam("id")));
            return;
        }
        Answers.json(ctx, 200, s.status());
    }

    /** Stops the simulations (sluice up stopping). */
    void stop() {
        simulations.values().forEach(Simulation::stop);
    }
}
