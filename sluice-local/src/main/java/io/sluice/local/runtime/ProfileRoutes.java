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
}
