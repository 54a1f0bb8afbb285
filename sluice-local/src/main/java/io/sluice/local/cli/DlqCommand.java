package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.cdr.RejectReason;
import io.sluice.local.report.ReportPrinter;
import io.sluice.local.store.DeadLetterQueries.DeadLetter;
import io.sluice.local.store.DeadLetterQueries;
import io.sluice.local.store.LocalStore;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice dlq}: the rejected records, with where and why (CDR-3). */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = {"Inspect dead letters.", "Rejected records are kept with their original bytes, file, line and reason."},
        subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static String text(byte[] original) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(original)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return "hex:" + HexFormat.of().formatHex(original);
        }
    }

    static ObjectNode json(DeadLetter d) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("id", d.id());
        o.put("source", d.source());
        o.put("line", d.line());
        o.put("reason", d.reason());
        o.put("detail", d.detail());
        o.put("original", text(d.original()));
        o.put("original_bytes", d.original().length);
        o.put("batch_id", d.batchId());
        o.put("received_at", String.valueOf(d.receivedAt()));
        return o;
    }

    /** A dead letter as the running 'sluice up' sends it (GET /v1/dead-letters). */
    static DeadLetter fromJson(JsonNode d) {
        String at = d.path("received_at").asText("null");
        return new DeadLetter(d.path("id").asLong(), d.path("batch_id").asText(), d.path("source").asText(), d.path("line").asLong(),
                d.path("reason").asText(), d.path("detail").asText(), java.util.Base64.getDecoder().decode(d.path("original_base64").asText()),
                "null".equals(at) ? null : java.time.LocalDateTime.parse(at));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, newest first; page with --offset.")
    static final class ListDeadLetters implements Callable<Integer> {
        @Mixin
        DataDirOption store;

        @Option(names = "--reason", paramLabel = "REASON", description = "Only this reason: ${COMPLETION-CANDIDATES}.")
        RejectReason reason;

        @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N entries; 0 for all. "
                + "Default: ${DEFAULT-VALUE}. When more exist, a line on stderr says so (with --json too).")
        int limit;

        @Option(names = "--offset", defaultValue = "0", paramLabel = "N", description = "Skip the N newest (the next page: --offset 50). "
                + "Default: ${DEFAULT-VALUE}.")
        long offset;

        @Option(names = "--oldest-first", description = "Oldest first instead (then --offset skips the N oldest).")
        boolean oldestFirst;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() throws java.io.IOException {
            if (limit < 0 || offset < 0) {
                System.err.println("sluice: --limit must be 0 (all) or more, and --offset 0 or more");
                return ExitCodes.USAGE;
            }
            int limit = this.limit == 0 ? Integer.MAX_VALUE : this.limit;
            List<DeadLetter> letters;
            long total;
            Optional<UpClient> up = UpClient.of(store.dataDir);
            if (up.isPresent()) {
                // The API answers pages of at most 1,000 (issue 17): page through them with offset (newest first) or
                // after=<the last id> (oldest first).
                letters = new java.util.ArrayList<>();
                total = 0;
                long skip = offset;
                while (true) {
                    int page = Math.min(1_000, limit - letters.size());
                    HttpResponse<byte[]> r = up.get().get("/v1/dead-letters?limit=" + page
                            + "&order=" + (oldestFirst ? "oldest" : "newest") + "&offset=" + (skip + letters.size())
                            + (reason == null ? "" : "&reason=" + reason.name()));
                    if (r.statusCode() != 200) {
                        System.err.println("sluice: " + UpClient.error(r));
                        return UpClient.exitCode(r);
                    }
                    JsonNode n = new ObjectMapper().readTree(r.body());
                    total = n.path("total").asLong();
                    for (JsonNode d : n.path("dead_letters")) {
                        letters.add(fromJson(d));
                    }
                    if (n.path("next_offset").isNull() || n.path("next_offset").isMissingNode() || letters.size() >= limit) {
                        break;
                    }
                }
            } else {
                try (LocalStore s = LocalStore.openExisting(store.dataDir)) {
                    DeadLetterQueries q = new DeadLetterQueries(s);
                    Optional<String> r = Optional.ofNullable(reason).map(Enum::name);
                    letters = q.ordered(r, offset, limit, !oldestFirst);
                    total = q.count(Optional.ofNullable(reason).map(Enum::name));
                }
            }
            if (json) {
                ArrayNode a = new ObjectMapper().createArrayNode();
                letters.forEach(d -> a.add(json(d)));
                System.out.println(a);
            } else {
                for (DeadLetter d : letters) {
                    System.out.printf("%6d  %s:%d  %s  %s%n", d.id(), d.source(), d.line(), d.reason(), d.detail());
                }
                System.out.printf("(%d shown, %s, of %s%s; 'sluice dlq show ID' prints one with its original bytes)%n",
                        letters.size(), oldestFirst ? "oldest first" : "newest first", ReportPrinter.count(total, "dead letter", "dead letters"),
                        reason == null ? "" : " with reason " + reason);
            }
            if (offset + letters.size() < total || offset > 0) {
                // Said on stderr, so that a script reading the JSON on stdout still learns that the list was cut.
                long next = offset + letters.size();
                System.err.printf("sluice: %d of %d shown%s; %s--limit 0 lists all%n", letters.size(), total,
                        offset > 0 ? ", after skipping " + offset : "", next < total ? "--offset " + next + " shows the next page, " : "");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter with its original record.")
    static final class Show implements Callable<Integer> {
        @Mixin
        DataDirOption store;

        @Parameters(paramLabel = "ID", description = "Dead letter id, from 'sluice dlq list'.")
        long id;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--raw", description = "Write only the original bytes to stdout, exactly as received.")
        boolean raw;

        @Override
        public Integer call() throws Exception {
            Optional<DeadLetter> found;
            Optional<UpClient> up = UpClient.of(store.dataDir);
            if (up.isPresent()) {
                HttpResponse<byte[]> r = up.get().get("/v1/dead-letters/" + id);
                if (r.statusCode() == 200) {
                    found = Optional.of(fromJson(new ObjectMapper().readTree(r.body())));
                } else if (r.statusCode() == 404) {
                    found = Optional.empty();
                } else {
                    System.err.println("sluice: " + UpClient.error(r));
                    return UpClient.exitCode(r);
                }
            } else {
                try (LocalStore s = LocalStore.openExisting(store.dataDir)) {
                    found = new DeadLetterQueries(s).find(id);
                }
            }
            if (found.isEmpty()) {
                System.err.println("sluice: no dead letter with id " + id + "; see 'sluice dlq list'");
                return ExitCodes.USAGE;
            }
            DeadLetter d = found.get();
            if (raw) {
                System.out.write(d.original());
                System.out.flush();
            } else if (json) {
                System.out.println(json(d));
            } else {
                System.out.printf("id:       %d%nsource:   %s:%d%nreason:   %s%ndetail:   %s%nreceived: %s UTC%nbatch:    %s%noriginal (%d bytes):%n%s%n",
                        d.id(), d.source(), d.line(), d.reason(), d.detail(), d.receivedAt(), d.batchId(), d.original().length,
                        text(d.original()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Send dead letters back through the pipeline, with other settings.",
                "Each is counted once: accepted, rejected again (a new dead letter, same source and line) or a duplicate of a "
                    + "record accepted since. Replayed dead letters leave the queue and are kept apart. Pages of "
                    + "10,000 commit one by one: a run stopped at any point can be run again for the rest.",
                "Over-long records (only their first 64 KiB were kept) stay in the queue."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:Every replayed record was accepted or a duplicate.", ExitCodes.HELP_FAILED, ExitCodes.HELP_USAGE,
                "3:Done, but some records were rejected again or some dead letters could not be replayed."})
    static final class Replay implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--reason", paramLabel = "REASON", description = "Only dead letters of this reason: ${COMPLETION-CANDIDATES}.")
        RejectReason reason;

        @Option(names = "--source", paramLabel = "FILE", description = "Only dead letters of this source: a file as it was ingested "
                + "(relative paths are made absolute), or a source as 'sluice dlq list' prints it (http:3).")
        String source;

        @Option(names = "--format", paramLabel = "FORMAT", description = "Read them as asterisk, freeswitch or jsonl. Default: the "
                + "format each source's dead letters look like.")
        String format;

        @Option(names = "--dry-run", description = "Go through every step and keep nothing: prints what the replay would count.")
        boolean dryRun;

        @Option(names = "--json", description = "Print one JSON summary.")
        boolean json;

        @Override
        public Integer call() {
            Optional<io.sluice.core.cdr.CdrFormat> fmt = Optional.empty();
            if (format != null) {
                try {
                    fmt = Optional.of(io.sluice.core.cdr.CdrFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    System.err.println("sluice: unknown --format '" + format + "': asterisk, freeswitch or jsonl");
                    return ExitCodes.USAGE;
                }
            }
            if (UpClient.of(store.dataDir()).isPresent()) {
                System.err.println("sluice: 'sluice up' owns " + store.dataDir().toAbsolutePath() + "; stop it first to replay dead "
                        + "letters (the store has one writer)");
                return ExitCodes.USAGE;
            }
            Optional<String> src = Optional.ofNullable(source).map(Replay::sourceName);
            io.sluice.local.ingest.DeadLetterReplay.Result r;
            try (LocalStore s = LocalStore.openExisting(store.dataDir())) {
                var pipeline = new io.sluice.local.ingest.LocalCdrPipeline(s, store.pipelineConfig());
                var replay = new io.sluice.local.ingest.DeadLetterReplay(pipeline, fmt, io.sluice.local.ingest.DeadLetterReplay.DEFAULT_PAGE);
                if (dryRun) {
                    r = s.rolledBack(c -> replay.run(Optional.ofNullable(reason), src));
                    pipeline.archive().deleteOrphans();
                } else {
                    r = replay.run(Optional.ofNullable(reason), src);
                    pipeline.flush();
                }
            }
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("dry_run", dryRun);
                o.put("selected", r.selected());
                o.put("replayed", r.replayed());
                o.put("left_truncated", r.leftTruncated());
                o.put("left_unknown_format", r.leftUnknownFormat());
                o.put("records_in", r.recordsIn());
                o.put("accepted", r.accepted());
                o.put("rejected", r.rejected());
                o.put("duplicates", r.duplicates());
                System.out.println(o);
            } else {
                System.out.printf("%s%s %s: records in %d  accepted %d  rejected %d  duplicates %d%n", dryRun ? "dry run, nothing changed: " : "",
                        dryRun ? "would replay" : "replayed", ReportPrinter.count(r.replayed(), "dead letter", "dead letters"),
                        r.recordsIn(), r.accepted(), r.rejected(), r.duplicates());
                if (r.leftTruncated() > 0) {
                    System.out.println("left in the queue: " + ReportPrinter.count(r.leftTruncated(), "over-long record", "over-long records")
                            + " (only the first 64 KiB of each was kept)");
                }
                if (r.leftUnknownFormat() > 0) {
                    System.out.println("left in the queue: " + ReportPrinter.count(r.leftUnknownFormat(), "dead letter", "dead letters")
                            + " of sources that read as no format; pass --format");
                }
                if (r.selected() == 0) {
                    System.out.println("no dead letters matched" + (reason == null && source == null ? "" : " (--reason, --source)"));
                }
            }
            return r.rejected() == 0 && r.leftTruncated() + r.leftUnknownFormat() == 0 ? ExitCodes.OK : ExitCodes.REJECTED;
        }

        /** A file's source as ingest names it (absolute, normalized); other sources (http:3, s3://...) as given. */
        private static String sourceName(String given) {
            return given.contains(":") ? given : java.nio.file.Path.of(given).toAbsolutePath().normalize().toString();
        }
    }
}
