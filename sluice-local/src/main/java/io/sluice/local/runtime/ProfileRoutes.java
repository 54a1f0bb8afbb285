package io.sluice.local.runtime;

import io.javalin.http.Context;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code POST /v1/profiles}: a profiles CSV imported by the worker between batches (CDR-6). */
final class ProfileRoutes {
    /** Largest profiles CSV accepted by {@code POST /v1/profiles}. */
    static final long MAX_PROFILES_BYTES = 2L << 30;

    private final LocalRuntime rt;

    ProfileRoutes(LocalRuntime rt) {
        this.rt = rt;
    }

    /**
     * {@code POST /v1/profiles?default_country=CC}: a profiles CSV (msisdn,plan,home_country[,status]), imported by the
     * worker between batches; enrichment uses the new profiles from the next batch on. How {@code sluice profiles
     * import} works while this process owns the store.
     */
    void importProfiles(Context ctx) throws Exception {
        if (rt.stopping()) {
            Answers.json(ctx, 503, Map.of("error", "sluice up is shutting down"));
            return;
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT).split(";")[0].strip();
        if (!type.equals("text/csv")) {
            rt.stats().requestsRefused.incrementAndGet();
            Answers.json(ctx, 415, Map.of("error", "content type '" + type + "' is not taken: send the profiles CSV as text/csv"));
            return;
        }
        if (ctx.contentLength() > MAX_PROFILES_BYTES) {
            Answers.json(ctx, 413, Map.of("error", "profiles body over " + MAX_PROFILES_BYTES + " bytes"));
            return;
        }
        String country = Optional.ofNullable(ctx.queryParam("default_country")).orElse(rt.config().pipeline().defaultCountry());
        String name = Optional.ofNullable(ctx.queryParam("name")).filter(n -> !n.isBlank()).orElse("the request body");
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile(java.nio.file.Files.createDirectories(
                rt.config().dataDir().resolve("tmp")), "profiles-", ".csv");
        try {
            try (InputStream in = ClientFault.body(ctx)) {
                long n = java.nio.file.Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                if (n > MAX_PROFILES_BYTES) {
                    Answers.json(ctx, 413, Map.of("error", "profiles body over " + MAX_PROFILES_BYTES + " bytes"));
                    return;
                }
            }
            io.sluice.local.store.ProfileImporter.Result r;
            try {
                r = rt.onWorker(() -> {
                    io.sluice.local.store.ProfileImporter.Result result = new io.sluice.local.store.ProfileImporter(rt.pipeline().store(),
                            new io.sluice.core.cdr.PhoneNumberNormalizer(country, 100_000)).importCsv(tmp);
                    rt.pipeline().profilesChanged();
                    return result;
                });
            } catch (IllegalArgumentException e) {
                Answers.json(ctx, 400, Map.of("error", e.getMessage().replace(tmp.toString(), name)));
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("rows", r.rows());
            out.put("imported", r.imported());
            out.put("rejected", r.problems().size());
            out.put("problems", r.problems().stream().limit(100).map(p -> p.replace(tmp.toString(), name)).toList());
            Answers.json(ctx, 200, out);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    /** Most numbers one {@code POST /v1/profiles/lookup} takes. */
    static final int MAX_LOOKUP = 10_000;

    /**
     * {@code POST /v1/profiles/lookup} with {@code {"msisdns": ["+1...", ...]}} (E.164, at most {@link #MAX_LOOKUP}):
     * {@code {"profiles": {"+1...": {"plan", "home_country", "status"}}}}, the numbers with no profile left out. How
     * {@code sluice migrate verify} reads the store while this process owns it (MIG-1).
     */
    void lookup(Context ctx) throws Exception {
        java.util.List<String> numbers = numbers(ctx);
        if (numbers == null) {
            return;
        }
        Map<String, io.sluice.core.cdr.SubscriberProfile> found = rt.onWorker(
                () -> new io.sluice.local.store.DuckDbProfileStore(rt.pipeline().store()).findAll(numbers));
        Map<String, Object> profiles = new java.util.TreeMap<>();
        found.forEach((k, v) -> profiles.put(k, Map.of("plan", v.plan(), "home_country", v.homeCountry(), "status", v.status())));
        Answers.json(ctx, 200, Map.of("profiles", profiles));
    }

    /**
     * {@code POST /v1/profiles/delete} with {@code {"msisdns": [...]}}: removes those profiles, by the worker between
     * batches; answers {@code {"deleted": N}}. How {@code sluice migrate profiles --follow} applies a deleted source row.
     */
    void delete(Context ctx) throws Exception {
        java.util.List<String> numbers = numbers(ctx);
        if (numbers == null) {
            return;
        }
        long deleted = rt.onWorker(() -> {
            long n = new io.sluice.local.store.ProfileImporter(rt.pipeline().store(),
                    new io.sluice.core.cdr.PhoneNumberNormalizer(rt.config().pipeline().defaultCountry(), 1)).delete(numbers);
            rt.pipeline().profilesChanged();
            return n;
        });
        Answers.json(ctx, 200, Map.of("deleted", deleted));
    }

    /** The body's {@code msisdns}, or null after answering 400. */
    private static java.util.List<String> numbers(Context ctx) throws Exception {
        com.fasterxml.jackson.databind.JsonNode body;
        try (InputStream in = ClientFault.body(ctx)) {
            body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.readNBytes(MAX_LOOKUP * 64 + 1024));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            Answers.json(ctx, 400, Map.of("error", "the body is not JSON: " + e.getOriginalMessage()));
            return null;
        }
        if (body == null || !body.path("msisdns").isArray() || body.path("msisdns").size() > MAX_LOOKUP) {
            Answers.json(ctx, 400, Map.of("error", "send {\"msisdns\": [...]} with at most " + MAX_LOOKUP + " numbers"));
            return null;
        }
        java.util.List<String> numbers = new java.util.ArrayList<>();
        body.path("msisdns").forEach(n -> numbers.add(n.asText()));
        return numbers;
    }
}
