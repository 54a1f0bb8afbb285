package io.sluice.local.ingest;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.intake.EntryRules;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.local.store.DeadLetterQueries;
import io.sluice.local.store.DeadLetterQueries.DeadLetter;
import io.sluice.local.store.DuckDbDeadLetters;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sluice dlq replay}: sends dead letters back through the pipeline with other settings (a format, a source
 * zone, a default country): the local twin of the AWS redrive (issue 22). A page of dead letters goes in one
 * transaction: they leave the queue (kept in {@code dead_letters_superseded}) and their records are judged again,
 * each counted once: accepted, rejected again (a new dead letter with the new reason, same source and line), or a
 * duplicate of a record accepted meanwhile. A run stopped at any point leaves whole pages done and the rest queued;
 * run it again for the rest. Dead letters that cannot be judged again are left in the queue and counted apart: an
 * over-long record, of which only the first bytes were kept, and, without {@code --format}, a source whose dead
 * letters read as no format.
 */
public final class DeadLetterReplay {
    public static final int DEFAULT_PAGE = 10_000;

    /** What a replay did: dead letters taken and left, and what their records became. */
    public record Result(long selected, long replayed, long leftTruncated, long leftUnknownFormat, long recordsIn, long accepted,
                         long rejected, long duplicates) {
    }

    private final LocalCdrPipeline pipeline;
    private final Optional<CdrFormat> format;
    private final int pageSize;

    public DeadLetterReplay(LocalCdrPipeline pipeline, Optional<CdrFormat> format, int pageSize) {
        this.pipeline = pipeline;
        this.format = format;
        this.pageSize = pageSize;
    }

    /** Replays the dead letters of {@code reason} and {@code source} (each optional) that exist when it starts. */
    public Result run(Optional<RejectReason> reason, Optional<String> source) {
        DeadLetterQueries queries = new DeadLetterQueries(pipeline.store());
        DuckDbDeadLetters letters = new DuckDbDeadLetters(pipeline.store());
        long upTo = queries.lastId();
        long after = 0;
        long[] n = new long[8];
        Map<String, Optional<CdrFormat>> sniffed = new HashMap<>();
        int maxBytes = pipeline.processor().config().maxRecordBytes();
        while (true) {
            List<DeadLetter> page = queries.page(reason.map(Enum::name), source, after, upTo, pageSize);
            if (page.isEmpty()) {
                break;
            }
            after = page.get(page.size() - 1).id();
            n[0] += page.size();
            Map<CdrFormat, List<DeadLetter>> byFormat = new LinkedHashMap<>();
            for (DeadLetter d : page) {
                if (RejectReason.LINE_TOO_LONG.name().equals(d.reason())) {
                    n[2]++; // only its first bytes were kept: judging them again would judge another record
                    continue;
                }
                Optional<CdrFormat> f = format.isPresent() ? format
                        : sniffed.computeIfAbsent(d.source(), s -> EntryRules.sniff(sample(queries, reason, s, upTo), maxBytes,
                                pipeline.processor().config().freeSwitchTemplate()));
                if (f.isEmpty()) {
                    n[3]++;
                    continue;
                }
                byFormat.computeIfAbsent(f.get(), k -> new ArrayList<>()).add(d);
            }
            pipeline.store().inTransaction(c -> {
                for (var e : byFormat.entrySet()) {
                    // Named after the lowest dead letter it replays, which leaves the queue with it: no later replay has that
                    // id again (a page's range would: the dead letters a replay leaves behind are replayed later).
                    BatchId id = new BatchId("dlq-replay:" + e.getValue().get(0).id() + ":" + e.getKey().cliName());
                    letters.release(e.getValue(), id.value());
                    List<RawRecord> raws = new ArrayList<>(e.getValue().size());
                    for (DeadLetter d : e.getValue()) {
                        raws.add(new RawRecord(d.source(), d.line(), d.original(), d.original().length, false, false));
                    }
                    BatchOutcome o = pipeline.processor().commit(pipeline.processor().prepare(id, pipeline.processor().config().parser(e.getKey()), raws));
                    n[1] += e.getValue().size();
                    n[4] += o.recordsIn();
                    n[5] += o.accepted();
                    n[6] += o.rejected();
                    n[7] += o.duplicates();
                }
                return null;
            });
        }
        return new Result(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]);
    }

    /** The first dead letters of one source, one per line: enough for the format vote. */
    private static byte[] sample(DeadLetterQueries queries, Optional<RejectReason> reason, String source, long upTo) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DeadLetter d : queries.page(reason.map(Enum::name), Optional.of(source), 0, upTo, EntryRules.SNIFF_RECORDS)) {
            out.writeBytes(d.original());
            out.write('\n');
        }
        return out.toByteArray();
    }
}
