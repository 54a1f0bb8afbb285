package io.sluice.local.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * {@code sluice generate}: writes realistic synthetic CDR files and a subscriber profile file, for demos, tests
 * and benchmarks of the CDR pipeline (CDR-1..CDR-6, CDR-11).
 *
 * <p>The output is a stream: lines are built in a reused byte buffer and written in 1 MiB blocks (by a second
 * thread, so that the kernel's copy overlaps generation), and the only state is bounded (a few hundred recent
 * lines for duplicates, one minute's call fingerprints, an array per hour of the window), so memory does not
 * depend on the record count. One seeded {@link SplittableRandom} drives everything, hence the same spec gives
 * byte-identical files; the sequence of calls depends neither on the format nor on the number of files.
 *
 * <p>Lines come in time order, minute by minute over the window, each minute getting its share of the total
 * from the diurnal profile (rotated logs, like Master.csv). Exactly {@code round(records * invalidRate)} lines
 * are invalid and {@code round(records * duplicateRate)} repeat an earlier valid line (spread at random by
 * selection sampling; together at most half the lines); every other line is a distinct valid call, with a
 * unique call id and, as far as the number space allows, a (caller, start second, callee) no other call has.
 */
public final class CdrGenerator {
    /** Progress is reported every this many lines, and once at the end. */
    public static final int PROGRESS_EVERY = 100_000;
    /** The profiles file's name ends so, beside the CDR folder: {@code cdrs/} and {@code cdrs-profiles.csv}. */
    public static final String PROFILES_SUFFIX = "-profiles.csv";
    private static final int MAX_PLACEMENT_TRIES = 64;

    /**
     * What {@link #generate} wrote. Always {@code records == validRecords + invalidRecords + duplicateRecords}:
     * ingesting the files accepts exactly the valid records, rejects the invalid ones and counts the duplicates
     * (CDR-3, CDR-5).
     *
     * @param files            the CDR files, in order ({@code cdr-0001.csv}, ...)
     * @param profilesCsv      subscriber profiles ({@code msisdn,plan,home_country,status}) for about 90% of the subscribers
     * @param records          lines written, including invalid lines and duplicates
     * @param validRecords     distinct valid calls
     * @param invalidRecords   lines the core rejects
     * @param duplicateRecords lines that repeat an earlier valid line byte for byte
     * @param fraudLabelsCsv   with {@code --fraud-rate}, the labels of the injected fraud and decoys ({@link #labelsFile}),
     *                         else null
     */
    public record GenerationResult(List<Path> files, Path profilesCsv, long records, long validRecords,
                                   long invalidRecords, long duplicateRecords, Path fraudLabelsCsv) {

        public GenerationResult {
            files = List.copyOf(files);
            if (records != validRecords + invalidRecords + duplicateRecords) {
                throw new IllegalStateException("Generated line counts do not add up: " + records + " != valid "
                        + validRecords + " + invalid " + invalidRecords + " + duplicates " + duplicateRecords);
            }
        }
    }

    private CdrGenerator() {
    }

    /**
     * Writes {@code spec.files()} CDR files ({@code cdr-0001.csv}, or {@code .jsonl}) into {@code outDir}, creating it if
     * missing and replacing files of those names, and the profiles beside it ({@link #profilesFile}): not inside, so
     * that the folder holds CDRs only and {@code sluice ingest DIR} takes all of it (issue 22).
     *
     * @param progress told the number of lines written so far, every {@value #PROGRESS_EVERY} lines and at the end;
     *                 may be null
     */
    public static GenerationResult generate(GeneratorSpec spec, Path outDir, LongConsumer progress) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(outDir, "outDir");
        Files.createDirectories(outDir);
        NumberPlan plan = new NumberPlan(spec.seed(), spec.subscribers());
        Path profiles = profilesFile(outDir);
        writeProfiles(plan, profiles);
        return new Run(spec, plan, outDir, progress == null ? n -> { } : progress).execute(profiles);
    }

    private static TrafficModel.Burst[] labelled(GeneratorSpec spec, NumberPlan plan, DiurnalProfile diurnal,
                                                 SplittableRandom rnd, Path outDir) throws IOException {
        FraudPlan fraud = new FraudPlan(spec, plan, diurnal, rnd);
        if (fraud.lines() * 2 > spec.records()) {
            throw new IllegalArgumentException("The 'fraudRate' value '" + spec.fraudRate() + "' is invalid: its fraud and decoys take "
                    + fraud.lines() + " lines, more than half of the " + spec.records() + " records; give more records or a lower rate");
        }
        fraud.write(plan, labelsFile(outDir));
        return fraud.bursts.toArray(new TrafficModel.Burst[0]);
    }

    /** The fraud labels file's name ends so, beside the CDR folder: {@code cdrs-fraud-labels.csv}. */
    public static final String LABELS_SUFFIX = "-fraud-labels.csv";

    /**
     * Where the labels of {@code --fraud-rate} go, beside the folder: {@code subscriber,label,start_utc,calls}, one line
     * per fraudster (label: the rule that should find it) and per decoy ({@code decoy-...}: no rule should).
     */
    public static Path labelsFile(Path outDir) {
        Path abs = outDir.toAbsolutePath().normalize();
        String name = abs.getFileName() == null ? "sluice" : abs.getFileName().toString();
        return abs.resolveSibling(name + LABELS_SUFFIX);
    }

    /** Where the profiles of a folder of generated CDRs go: {@code <folder>-profiles.csv} beside it. */
    public static Path profilesFile(Path outDir) {
        Path abs = outDir.toAbsolutePath().normalize();
        String name = abs.getFileName() == null ? "sluice" : abs.getFileName().toString();
        return abs.resolveSibling(name + PROFILES_SUFFIX);
    }

    /**
     * {@code msisdn,plan,home_country,status} for about 90% of the subscribers, so that the rest show up as unknown
     * subscribers when CDRs are enriched (CDR-6).
     */
    private static void writeProfiles(NumberPlan plan, Path file) throws IOException {
        byte[] header = AsciiLine.ascii("msisdn,plan,home_country,status\n");
        byte[][] plans = {AsciiLine.ascii(",prepaid-basic,US,"), AsciiLine.ascii(",postpaid-standard,US,"),
                AsciiLine.ascii(",postpaid-unlimited,US,"), AsciiLine.ascii(",business,US,")};
        byte[][] statuses = {AsciiLine.ascii("active\n"), AsciiLine.ascii("suspended\n"), AsciiLine.ascii("barred\n")};
        AsciiLine line = new AsciiLine(64);
        try (BlockWriter out = new BlockWriter(file)) {
            out.write(line.clear().bytes(header));
            for (int i = 0; i < plan.subscribers; i++) {
                if (!plan.hasProfile(i)) {
                    continue;
                }
                long traits = plan.traits(i);
                int p = (int) ((traits >>> 4) % 100);
                int tariff = NumberPlan.account(traits) >= 0 ? 3 : p < 40 ? 0 : p < 85 ? 1 : 2;
                int s = (int) ((traits >>> 52) % 100);
                int status = s < 95 ? 0 : s < 99 ? 1 : 2;
                line.clear().ch('+').ch('1').digits(plan.subscriber(i), 10).bytes(plans[tariff]).bytes(statuses[status]);
                out.write(line);
            }
        }
    }

    /** One generation: the random stream, the counters and the open file. */
    private static final class Run {
        private final GeneratorSpec spec;
        private final Path outDir;
        private final LongConsumer progress;
        private final SplittableRandom rnd;
        private final NumberPlan plan;
        private final TrafficModel model;
        private final CdrLineWriter writer;
        private final Call call = new Call();
        private final AsciiLine line = new AsciiLine(1024);
        private final RecentLines recent = new RecentLines();
        private final CallFingerprints fingerprints = new CallFingerprints();
        private final List<Path> files = new ArrayList<>();
        private BlockWriter sink;
        private long fileEnd;
        private long written;
        private long valid;
        private long invalid;
        private long duplicates;
        private long invalidLeft;
        private long duplicatesLeft;
        private long seq;

        Run(GeneratorSpec spec, NumberPlan plan, Path outDir, LongConsumer progress) {
            this.spec = spec;
            this.outDir = outDir;
            this.progress = progress;
            this.rnd = new SplittableRandom(spec.seed());
            this.plan = plan;
            this.model = new TrafficModel(rnd, plan, spec.northAmerican());
            this.writer = CdrLineWriter.of(spec.format(), spec.seed());
            long n = spec.records();
            this.invalidLeft = Math.min(Math.round(n * spec.invalidRate()), n / 2);
            this.duplicatesLeft = Math.min(Math.round(n * spec.duplicateRate()), n / 2 - invalidLeft);
        }

        GenerationResult execute(Path profiles) throws IOException {
            long n = spec.records();
            try {
                nextFile();
                if (n > 0) {
                    generateLines(n);
                }
                while (files.size() < spec.files()) {
                    nextFile();
                }
            } finally {
                if (sink != null) {
                    sink.close();
                }
            }
            if (written % PROGRESS_EVERY != 0 || written == 0) {
                progress.accept(written);
            }
            return new GenerationResult(files, profiles, written, valid, invalid, duplicates,
                    spec.fraudRate() > 0 ? labelsFile(outDir) : null);
        }

        private void generateLines(long n) throws IOException {
            DiurnalProfile diurnal = new DiurnalProfile(spec.endDate(), spec.days());
            // With --fraud-rate the fraud is the labelled kind only; without, a few unlabelled premium bursts as ever.
            TrafficModel.Burst[] bursts = spec.fraudRate() > 0 ? labelled(spec, plan, diurnal, rnd, outDir) : model.bursts(n, diurnal);
            long burstLines = 0;
            for (TrafficModel.Burst b : bursts) {
                burstLines += b.calls();
            }
            long ordinaryLines = n - burstLines;
            double total = diurnal.totalWeight();
            double cumulative = 0;
            long placed = 0;
            for (long m = 0, minutes = diurnal.minutes(); m < minutes; m++) {
                cumulative += diurnal.minuteWeight(m);
                long target = m == minutes - 1 ? ordinaryLines : Math.min(ordinaryLines, (long) (ordinaryLines * (cumulative / total)));
                long ordinary = target - placed;
                placed = target;
                int inBursts = 0;
                for (TrafficModel.Burst b : bursts) {
                    inBursts += b.linesInMinute(m);
                }
                if (ordinary + inBursts == 0) {
                    continue;
                }
                fingerprints.reset((int) Math.min(ordinary + inBursts, 1 << 24));
                long minuteStart = diurnal.firstEpochSecond + m * 60;
                for (long i = 0; i < ordinary; i++) {
                    emit(minuteStart, null);
                }
                for (TrafficModel.Burst b : bursts) {
                    for (int i = b.linesInMinute(m); i > 0; i--) {
                        emit(minuteStart, b);
                    }
                }
            }
        }

        /** One line: invalid, a duplicate or a valid call, chosen so that the totals come out exact. */
        private void emit(long minuteStart, TrafficModel.Burst burst) throws IOException {
            if (written == fileEnd) {
                nextFile();
            }
            long pick = rnd.nextLong(spec.records() - written);
            if (pick < invalidLeft) {
                invalidLeft--;
                buildCall(minuteStart, burst, false);
                call.defect = Defect.INVALID[model.nextInt(Defect.INVALID.length)];
                call.variant = model.nextInt(60);
                model.breakNumbers(call);
                writer.write(call, line);
                sink.write(line);
                invalid++;
            } else if (pick < invalidLeft + duplicatesLeft && !recent.isEmpty()) {
                duplicatesLeft--;
                sink.write(recent.pick(rnd));
                duplicates++;
            } else {
                // A duplicate drawn before any valid line exists becomes valid; it stays owed, and is drawn later.
                buildCall(minuteStart, burst, true);
                call.defect = Defect.NONE;
                writer.write(call, line);
                sink.write(line);
                recent.add(line, rnd);
                valid++;
            }
            written++;
            if (written % PROGRESS_EVERY == 0) {
                progress.accept(written);
            }
        }

        private void buildCall(long minuteStart, TrafficModel.Burst burst, boolean unique) {
            if (burst == null) {
                model.ordinary(call);
            } else {
                model.burst(call, burst);
            }
            call.seq = seq++;
            int second = model.nextInt(60);
            if (unique) {
                for (int tries = 1; !fingerprints.add(call.caller, second, call.calleeId) && tries < MAX_PLACEMENT_TRIES; tries++) {
                    if (tries % 8 == 0) {
                        model.redial(call, burst);
                    }
                    second = model.nextInt(60);
                }
            }
            call.place(minuteStart + second);
        }

        private void nextFile() throws IOException {
            if (sink != null) {
                sink.close();
                sink = null;
            }
            int index = files.size();
            Path file = outDir.resolve(String.format("cdr-%04d%s", index + 1, spec.fileExtension()));
            sink = new BlockWriter(file);
            files.add(file);
            // Lines are split evenly; the first (records % files) files take one more.
            fileEnd = spec.records() / spec.files() * (index + 1) + Math.min(index + 1, spec.records() % spec.files());
        }
    }
}
