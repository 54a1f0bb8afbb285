package io.sluice.core.pipeline;

import io.sluice.core.cdr.CallTimes;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.CdrFields;
import io.sluice.core.cdr.CdrNormalizer;
import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.CdrValidator;
import io.sluice.core.cdr.Parsed;
import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.core.cdr.RawRecord;
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
 * <p>{@link #prepare} is pure CPU and thread-safe; {@link #commit} does the port calls and must be called
 * by one thread at a time per store. For every batch, records in = accepted + rejected + duplicates
 * (CDR-3); {@link BatchOutcome} refuses to exist otherwise.
 */
public final class CdrBatchProcessor {
    private final CdrPipelineConfig config;
    private final CdrValidator validator;
    private final CdrNormalizer normalizer;
    private final UsageAggregator aggregator = new UsageAggregator();
    private final ProfileStore profiles;
    private final DedupStore dedup;
    private final UsageStore usage;
    private final Archive archive;
    private final DeadLetters deadLetters;

    public CdrBatchProcessor(CdrPipelineConfig config, ProfileStore profiles, DedupStore dedup, UsageStore usage,
                             Archive archive, DeadLetters deadLetters) {
        this.config = config;
        this.validator = new CdrValidator(config.sourceZone());
        this.normalizer = new CdrNormalizer(new PhoneNumberNormalizer(config.defaultCountry(), config.numberCacheSize()));
        this.profiles = profiles;
        this.dedup = dedup;
        this.usage = usage;
        this.archive = archive;
        this.deadLetters = deadLetters;
    }

    public CdrPipelineConfig config() {
        return config;
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
        for (RawRecord raw : records) {
            Object decoded = decoder.decode(raw);
            if (decoded instanceof Rejection r) {
                rejections.add(r);
                continue;
            }
            Parsed parsed = parser.parse(raw, (String) decoded);
            if (parsed instanceof Rejection r) {
                rejections.add(r);
                continue;
            }
            CdrFields fields = (CdrFields) parsed;
            Validated checked = validator.validate(raw, fields);
            if (checked instanceof Rejection r) {
                rejections.add(r);
                continue;
            }
            Cdr cdr = normalizer.normalize(raw, fields, (CallTimes) checked);
            if (seen.add(cdr.key())) {
                candidates.add(cdr);
            } else {
                repeats++;
            }
        }
        return new PreparedBatch(id, records.size(), candidates, rejections, repeats);
    }

    /** Claim, enrich, aggregate and write a prepared batch through the ports. */
    public BatchOutcome commit(PreparedBatch batch) {
        List<Cdr> candidates = batch.candidates();
        List<RecordKey> keys = new ArrayList<>(candidates.size());
        for (Cdr c : candidates) {
            keys.add(c.key());
        }
        Set<RecordKey> fresh = candidates.isEmpty() ? Set.of() : dedup.claim(batch.id(), keys);

        Set<String> callers = new HashSet<>();
        for (Cdr c : candidates) {
            if (fresh.contains(c.key()) && c.caller().e164()) {
                callers.add(c.caller().text());
            }
        }
        Map<String, SubscriberProfile> known = callers.isEmpty() ? new HashMap<>() : profiles.findAll(callers);

        List<Cdr> accepted = new ArrayList<>(fresh.size());
        long unknown = 0;
        for (Cdr c : candidates) {
            if (!fresh.contains(c.key())) {
                continue;
            }
            SubscriberProfile profile = known.get(c.caller().text());
            Cdr enriched = profile == null ? c.withSubscriber(c.subscriber(), false) : c.withSubscriber(profile, true);
            if (profile == null) {
                unknown++;
            }
            accepted.add(enriched);
        }
        if (!accepted.isEmpty()) {
            usage.apply(batch.id(), aggregator.aggregate(accepted));
            archive.append(batch.id(), accepted);
        }
        if (!batch.rejections().isEmpty()) {
            deadLetters.store(batch.id(), batch.rejections());
        }
        long duplicates = batch.batchDuplicates() + (candidates.size() - accepted.size());
        return new BatchOutcome(batch.recordsIn(), accepted.size(), batch.rejections().size(), duplicates, unknown,
                batch.rejections());
    }
}
