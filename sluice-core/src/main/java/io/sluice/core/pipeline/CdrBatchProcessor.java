package io.sluice.core.pipeline;

import io.sluice.core.fraud.FraudDetector;
import io.sluice.core.cdr.CallTimes;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.CdrFields;
import io.sluice.core.cdr.CdrNormalizer;
import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.CdrValidator;
import io.sluice.core.cdr.Parsed;
import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.cdr.Validated;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place a batch of CDRs goes through the steps (ARCHITECTURE.md): parse, validate, normalize,
 * de-duplicate, enrich, aggregate, then archive and dead-letter, every effect behind a port. Both homes
 * call it: the local CLI and runtime with embedded adapters, the Lambda handlers with AWS ones.
 *
 * <p>Rejected records are de-duplicated like accepted ones, by the hash of their bytes: the same broken line
 * delivered twice is one dead letter and one duplicate. A record that spans lines and fails (a stray quote
 * glued good lines to a broken one) is judged line by line.
 *
 * <p>{@link #prepare} is pure CPU and thread-safe; {@link #commit} does the port calls and must be called
 * by one thread at a time per store. For every batch, records in = accepted + rejected + duplicates
 * (CDR-3), each term counted on its own: records in as they are framed (a multi-line record judged line by line
 * counts each line), duplicates as the records whose key was seen earlier in the batch or claimed already;
 * {@link PreparedBatch} and {@link BatchOutcome} refuse to exist when the counts do not add up, so a record
 * lost on the way fails the batch instead of passing for a duplicate.
 */
public final class CdrBatchProcessor {
    private final CdrPipelineConfig config;
    private final CdrValidator validator;
    private final CdrNormalizer normalizer;
    private final UsageAggregator aggregator = new UsageAggregator();
    private final ProfileStore profiles;
    private final CommitStrategy strategy;
    private final Archive archive;
    private final DeadLetters deadLetters;
    private final FraudDetector fraud;

    /** A processor for a store that commits a whole batch at once: {@link CommitStrategy.ClaimThenApply}. */
    public CdrBatchProcessor(CdrPipelineConfig config, ProfileStore profiles, DedupStore dedup, UsageStore usage,
                             Archive archive, DeadLetters deadLetters) {
        this(config, profiles, new CommitStrategy.ClaimThenApply(dedup, usage), archive, deadLetters);
    }

    /** A processor over a {@link RecordLedger} (the AWS home): {@link CommitStrategy.ThroughLedger}. */
    public CdrBatchProcessor(CdrPipelineConfig config, ProfileStore profiles, RecordLedger ledger, Archive archive,
                             DeadLetters deadLetters) {
        this(config, profiles, new CommitStrategy.ThroughLedger(ledger), archive, deadLetters);
    }

    public CdrBatchProcessor(CdrPipelineConfig config, ProfileStore profiles, CommitStrategy strategy, Archive archive,
                             DeadLetters deadLetters) {
        this(config, profiles, strategy, archive, deadLetters, null);
    }

    /**
     * As above, with the fraud rules of CDR-10 ({@code fraud}, or null for none) run on the records each batch accepts,
     * in the batch's commit: a duplicate is never shown to them, and a replayed batch adds nothing they count.
     */
    public CdrBatchProcessor(CdrPipelineConfig config, ProfileStore profiles, CommitStrategy strategy, Archive archive,
                             DeadLetters deadLetters, FraudDetector fraud) {
        this.fraud = fraud;
        this.config = config;
        this.validator = new CdrValidator(config.sourceZone());
        this.normalizer = new CdrNormalizer(new PhoneNumberNormalizer(config.defaultCountry(), config.numberCacheSize()));
        this.profiles = java.util.Objects.requireNonNull(profiles, "profiles");
        this.strategy = java.util.Objects.requireNonNull(strategy, "strategy");
        this.archive = java.util.Objects.requireNonNull(archive, "archive");
        this.deadLetters = java.util.Objects.requireNonNull(deadLetters, "deadLetters");
    }

    public CdrPipelineConfig config() {
        return config;
    }

    /** The fraud rules this processor runs, or null. */
    public FraudDetector fraud() {
        return fraud;
    }

    public BatchOutcome process(BatchId id, CdrParser parser, List<RawRecord> records) {
        return commit(prepare(id, parser, records));
    }

    /** Parse, validate, normalize and drop repeats within the batch. Writes nothing. */
    public PreparedBatch prepare(BatchId id, CdrParser parser, List<RawRecord> records) {
        RecordDecoder decoder = new RecordDecoder(config.maxRecordBytes());
        List<Cdr> candidates = new ArrayList<>(records.size());
        List<Rejection> rejections = new ArrayList<>();
        Set<RecordKey> seen = new HashSet<>(records.size() * 2);
        int repeats = 0;
        int in = 0;
        for (RawRecord raw : records) {
            Object result = check(decoder, parser, raw);
            List<Object> results;
            if (result instanceof Rejection && isMultiLine(raw)) {
                // A stray quote can glue good lines to a broken one: judge each line on its own instead.
                results = new ArrayList<>();
                for (RawRecord line : lines(raw)) {
                    results.add(check(decoder, parser, line));
                }
            } else {
                results = List.of(result);
            }
            for (Object r : results) {
                in++;
                RecordKey key = r instanceof Cdr c ? c.key() : ((Rejection) r).contentKey();
                if (!seen.add(key)) {
                    repeats++;
                } else if (r instanceof Cdr c) {
                    candidates.add(c);
                } else {
                    rejections.add((Rejection) r);
                }
            }
        }
        return new PreparedBatch(id, in, candidates, rejections, repeats);
    }

    /**
     * One record through decode, parse, validate and normalize: a {@link Cdr} or a {@link Rejection}. A fault
     * on one record (a bug in a parser, say) rejects that record with its bytes instead of failing the whole
     * batch again at every retry: one poison record must not stop a stream or a file.
     */
    private Object check(RecordDecoder decoder, CdrParser parser, RawRecord raw) {
        try {
            return checkRecord(decoder, parser, raw);
        } catch (RuntimeException e) {
            return Rejection.of(raw, RejectReason.PROCESSING_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Object checkRecord(RecordDecoder decoder, CdrParser parser, RawRecord raw) {
        Object decoded = decoder.decode(raw);
        if (decoded instanceof Rejection r) {
            return r;
        }
        Parsed parsed = parser.parse(raw, (String) decoded);
        if (parsed instanceof Rejection r) {
            return r;
        }
        CdrFields fields = (CdrFields) parsed;
        Validated checked = validator.validate(raw, fields);
        if (checked instanceof Rejection r) {
            return r;
        }
        return normalizer.normalize(raw, fields, (CallTimes) checked);
    }

    private static boolean isMultiLine(RawRecord raw) {
        if (raw.truncated()) {
            return false; // its later lines were not kept; it stays one rejection
        }
        for (byte b : raw.bytes()) {
            if (b == '\n') {
                return true;
            }
        }
        return false;
    }

    /** The physical lines of a multi-line record, each with its own line number; blank lines are no records. */
    private static List<RawRecord> lines(RawRecord raw) {
        List<RawRecord> out = new ArrayList<>();
        byte[] b = raw.bytes();
        int start = 0;
        long line = raw.line();
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '\n') {
                int end = i > start && b[i - 1] == '\r' ? i - 1 : i;
                byte[] part = java.util.Arrays.copyOfRange(b, start, end);
                if (!new String(part, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
                    boolean unclosed = i == b.length && raw.openQuote();
                    out.add(new RawRecord(raw.source(), line, part, part.length, false, unclosed && count(part, (byte) '"') % 2 == 1));
                }
                start = i + 1;
                line++;
            }
        }
        return out;
    }

    private static int count(byte[] b, byte c) {
        int n = 0;
        for (byte x : b) {
            if (x == c) {
                n++;
            }
        }
        return n;
    }

    /** Claim, enrich, aggregate and write a prepared batch through the ports. */
    public BatchOutcome commit(PreparedBatch batch) {
        return commitAll(batch.id(), List.of(batch)).get(0);
    }

    /**
     * Commits several prepared parts as one batch {@code id}: one claim, one aggregate update, one archive
     * append and one dead-letter write for all of them, and an outcome per part. This is how many small
     * inputs (HTTP requests of a few hundred records) share the cost of one store round trip while each
     * still learns what became of its own records. A record repeated across parts is accepted (or rejected)
     * in the first part that has it and is a duplicate in the later ones; a replay of the same id with the
     * same parts reports the same outcomes.
     */
    public List<BatchOutcome> commitAll(BatchId id, List<PreparedBatch> parts) {
        List<RecordKey> keys = distinctKeys(parts);
        return switch (strategy) {
            case CommitStrategy.ClaimThenApply c -> commitClaimingFirst(id, parts, keys, c.dedup(), c.usage());
            case CommitStrategy.ThroughLedger l -> commitThroughLedger(id, parts, keys, l.ledger());
        };
    }

    /** The keys of all parts, each once: every part is distinct within itself, and across parts the first wins. */
    private static List<RecordKey> distinctKeys(List<PreparedBatch> parts) {
        List<RecordKey> keys = new ArrayList<>();
        Set<RecordKey> distinct = parts.size() > 1 ? new HashSet<>() : null;
        for (PreparedBatch part : parts) {
            for (Cdr c : part.candidates()) {
                if (distinct == null || distinct.add(c.key())) {
                    keys.add(c.key());
                }
            }
            for (Rejection r : part.rejections()) {
                if (distinct == null || distinct.add(r.contentKey())) {
                    keys.add(r.contentKey());
                }
            }
        }
        return keys;
    }

    private List<BatchOutcome> commitClaimingFirst(BatchId id, List<PreparedBatch> parts, List<RecordKey> keys,
                                                   DedupStore dedup, UsageStore usage) {
        Set<RecordKey> fresh = keys.isEmpty() ? new HashSet<>() : new HashSet<>(dedup.claim(id, keys));

        Map<String, SubscriberProfile> known = profilesOf(parts, fresh);

        List<Cdr> allAccepted = new ArrayList<>(fresh.size());
        List<Rejection> allRejected = new ArrayList<>();
        List<BatchOutcome> outcomes = new ArrayList<>(parts.size());
        for (PreparedBatch part : parts) {
            long accepted = 0;
            long unknown = 0;
            long duplicates = part.batchDuplicates();
            List<Rejection> rejected = new ArrayList<>();
            for (Cdr c : part.candidates()) {
                if (!fresh.remove(c.key())) {
                    duplicates++; // claimed before, or taken by an earlier part of this batch
                    continue;
                }
                Cdr e = enriched(c, known);
                allAccepted.add(e);
                accepted++;
                if (e.hasFlag(Cdr.UNKNOWN_SUBSCRIBER)) {
                    unknown++;
                }
            }
            for (Rejection r : part.rejections()) {
                if (fresh.remove(r.contentKey())) {
                    rejected.add(r);
                } else {
                    duplicates++;
                }
            }
            allRejected.addAll(rejected);
            outcomes.add(new BatchOutcome(part.recordsIn(), accepted, rejected.size(), duplicates, unknown, rejected));
        }
        if (!allAccepted.isEmpty()) {
            usage.apply(id, aggregator.aggregate(allAccepted));
            archive.append(id, allAccepted);
            if (fraud != null) {
                fraud.evaluate(id, allAccepted);
            }
        }
        if (!allRejected.isEmpty()) {
            deadLetters.store(id, allRejected);
        }
        return outcomes;
    }

    private Map<String, SubscriberProfile> profilesOf(List<PreparedBatch> parts, Set<RecordKey> fresh) {
        Set<String> callers = new HashSet<>();
        for (PreparedBatch part : parts) {
            for (Cdr c : part.candidates()) {
                if (fresh.contains(c.key()) && c.caller().e164()) {
                    callers.add(c.caller().text());
                }
            }
        }
        return callers.isEmpty() ? new HashMap<>() : profiles.findAll(callers);
    }

    private static Cdr enriched(Cdr c, Map<String, SubscriberProfile> known) {
        SubscriberProfile profile = known.get(c.caller().text());
        return profile == null ? c.withSubscriber(c.subscriber(), false) : c.withSubscriber(profile, true);
    }

    /**
     * Archive and dead-letter what is not known to be a duplicate, then claim and count per record. A key that
     * another batch claims between the read and the claim is a duplicate in the outcome (and possibly an extra
     * archive row: at least once).
     */
    private List<BatchOutcome> commitThroughLedger(BatchId id, List<PreparedBatch> parts, List<RecordKey> keys,
                                                   RecordLedger ledger) {
        Set<RecordKey> candidates = new HashSet<>(keys);
        if (!keys.isEmpty()) {
            candidates.removeAll(ledger.claimedByOthers(id, keys));
        }
        Map<String, SubscriberProfile> known = profilesOf(parts, candidates);
        List<Cdr> toArchive = new ArrayList<>();
        List<Rejection> toDeadLetter = new ArrayList<>();
        Set<RecordKey> taken = new HashSet<>();
        for (PreparedBatch part : parts) {
            for (Cdr c : part.candidates()) {
                if (candidates.contains(c.key()) && taken.add(c.key())) {
                    toArchive.add(enriched(c, known));
                }
            }
            for (Rejection r : part.rejections()) {
                if (candidates.contains(r.contentKey()) && taken.add(r.contentKey())) {
                    toDeadLetter.add(r);
                }
            }
        }
        if (!toArchive.isEmpty()) {
            archive.append(id, toArchive);
        }
        if (!toDeadLetter.isEmpty()) {
            deadLetters.store(id, toDeadLetter);
        }
        List<RecordKey> rejectedKeys = new ArrayList<>(toDeadLetter.size());
        for (Rejection r : toDeadLetter) {
            rejectedKeys.add(r.contentKey());
        }
        Set<RecordKey> owned = toArchive.isEmpty() && rejectedKeys.isEmpty() ? new HashSet<>()
                : new HashSet<>(ledger.claimAndCount(id, toArchive, rejectedKeys));
        if (fraud != null && !owned.isEmpty()) {
            // The records this batch owns (on a replay of it, the same ones: the rules' state is idempotent by key and batch).
            List<Cdr> ownedAccepted = new ArrayList<>(toArchive.size());
            for (Cdr c : toArchive) {
                if (owned.contains(c.key())) {
                    ownedAccepted.add(c);
                }
            }
            fraud.evaluate(id, ownedAccepted);
        }

        List<BatchOutcome> outcomes = new ArrayList<>(parts.size());
        for (PreparedBatch part : parts) {
            long accepted = 0;
            long unknown = 0;
            long duplicates = part.batchDuplicates();
            List<Rejection> rejected = new ArrayList<>();
            for (Cdr c : part.candidates()) {
                if (owned.remove(c.key())) {
                    accepted++;
                    if (!known.containsKey(c.caller().text())) {
                        unknown++; // enriched() flags the same records
                    }
                } else {
                    duplicates++; // claimed by another batch, or by an earlier part of this one
                }
            }
            for (Rejection r : part.rejections()) {
                if (owned.remove(r.contentKey())) {
                    rejected.add(r);
                } else {
                    duplicates++;
                }
            }
            outcomes.add(new BatchOutcome(part.recordsIn(), accepted, rejected.size(), duplicates, unknown, rejected));
        }
        return outcomes;
    }
}
