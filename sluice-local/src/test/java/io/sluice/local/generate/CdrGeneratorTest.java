package io.sluice.local.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.Disposition;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.memory.InMemoryStores;
import io.sluice.local.generate.CdrGenerator.GenerationResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CdrGeneratorTest {
    private static final LocalDate END = LocalDate.of(2025, 3, 12);
    private static final LongConsumer QUIET = n -> { };

    @TempDir
    Path tmp;

    private static GeneratorSpec spec(CdrFormat format) {
        return new GeneratorSpec(20_000, 400, 3, format, 0.04, 0.03, 42L, END, 3, "US");
    }

    @ParameterizedTest
    @EnumSource(CdrFormat.class)
    void sameSpecGivesByteIdenticalFiles(CdrFormat format) throws IOException {
        GenerationResult first = CdrGenerator.generate(spec(format), tmp.resolve("a"), QUIET);
        GenerationResult second = CdrGenerator.generate(spec(format), tmp.resolve("b"), QUIET);

        assertThat(second.files()).hasSize(3);
        for (int i = 0; i < first.files().size(); i++) {
            assertThat(Files.readAllBytes(second.files().get(i))).isEqualTo(Files.readAllBytes(first.files().get(i)));
        }
        assertThat(Files.readAllBytes(second.profilesCsv())).isEqualTo(Files.readAllBytes(first.profilesCsv()));
        assertThat(second).usingRecursiveComparison().ignoringFields("files", "profilesCsv").isEqualTo(first);
    }

    @Test
    void anotherSeedGivesOtherTraffic() throws IOException {
        GenerationResult a = CdrGenerator.generate(spec(CdrFormat.ASTERISK), tmp.resolve("a"), QUIET);
        GenerationResult b = CdrGenerator.generate(spec(CdrFormat.ASTERISK).withSeed(43), tmp.resolve("b"), QUIET);

        assertThat(Files.readAllBytes(b.files().get(0))).isNotEqualTo(Files.readAllBytes(a.files().get(0)));
        assertThat(Files.readAllBytes(b.profilesCsv())).isNotEqualTo(Files.readAllBytes(a.profilesCsv()));
    }

    @ParameterizedTest
    @EnumSource(CdrFormat.class)
    void coreAcceptsTheValidLinesRejectsTheInvalidOnesAndCountsTheDuplicates(CdrFormat format) throws IOException {
        GeneratorSpec spec = spec(format);
        GenerationResult result = CdrGenerator.generate(spec, tmp, QUIET);

        assertThat(result.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("cdr-0001" + spec.fileExtension(), "cdr-0002" + spec.fileExtension(), "cdr-0003" + spec.fileExtension());
        assertThat(result.records()).isEqualTo(20_000);
        assertThat(result.validRecords() + result.invalidRecords() + result.duplicateRecords()).isEqualTo(result.records());
        assertThat(result.invalidRecords()).isEqualTo(800);
        assertThat(result.duplicateRecords()).isEqualTo(600);

        Ingested in = ingest(format, result);

        assertThat(in.recordsIn).isEqualTo(result.records());
        assertThat(in.accepted).isEqualTo(result.validRecords());
        assertThat(in.rejected).isEqualTo(result.invalidRecords());
        assertThat(in.duplicates).isEqualTo(result.duplicateRecords());
        assertThat(in.reasons).as("the invalid lines are broken in varied ways").hasSizeGreaterThanOrEqualTo(7);
        assertThat(in.unknownSubscribers).as("about a tenth of the callers have no profile")
                .isBetween(result.validRecords() / 50, result.validRecords() / 4);
    }

    @ParameterizedTest
    @EnumSource(CdrFormat.class)
    void duplicatesRepeatEarlierLinesByteForByteSometimesFromAnEarlierFile(CdrFormat format) throws IOException {
        GenerationResult result = CdrGenerator.generate(spec(format), tmp, QUIET);

        Map<String, Integer> fileOf = new HashMap<>();
        long repeats = 0;
        long fromEarlierFile = 0;
        for (int f = 0; f < result.files().size(); f++) {
            for (String line : Files.readAllLines(result.files().get(f), StandardCharsets.US_ASCII)) {
                Integer before = fileOf.putIfAbsent(line, f);
                if (before != null) {
                    repeats++;
                    fromEarlierFile += before < f ? 1 : 0;
                }
            }
        }
        assertThat(repeats).isEqualTo(result.duplicateRecords());
        assertThat(fromEarlierFile).isPositive();
    }

    @Test
    void trafficLooksLikeASwitchsTraffic() throws IOException {
        GeneratorSpec spec = new GeneratorSpec(60_000, 2_000, 7, CdrFormat.ASTERISK, 0, 0, 7L, END, 1, "US");
        GenerationResult result = CdrGenerator.generate(spec, tmp, QUIET);
        List<Cdr> calls = ingest(CdrFormat.ASTERISK, result).stores.archived();
        assertThat(calls).hasSize(60_000);

        long answered = calls.stream().filter(c -> c.disposition() == Disposition.ANSWERED).count();
        assertThat(share(answered, calls.size())).isBetween(0.66, 0.74);
        assertThat(share(calls.stream().filter(c -> c.disposition() == Disposition.NO_ANSWER).count(), calls.size())).isBetween(0.12, 0.18);
        assertThat(share(calls.stream().filter(Cdr::international).count(), calls.size())).isBetween(0.10, 0.15);
        assertThat(calls).extracting(Cdr::route).contains("SIP/carrier-a", "SIP/carrier-b", "SIP/intl-gw", "PJSIP/local");
        assertThat(calls).allSatisfy(c -> assertThat(c.caller().text()).startsWith("+1").hasSize(12));
        assertThat(calls.stream().filter(c -> c.callee().text().length() <= 4).count())
                .as("extensions and short codes").isBetween(3_000L, 6_000L);

        long windowStart = END.minusDays(6).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        long windowEnd = END.plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        assertThat(calls).allSatisfy(c -> assertThat(c.times().start()).isBetween(windowStart, windowEnd - 1));

        int[] byLocalHour = new int[24];
        for (Cdr c : calls) {
            byLocalHour[Instant.ofEpochSecond(c.times().start()).atZone(ZoneId.of("America/New_York")).getHour()]++;
        }
        int busy = byLocalHour[10] + byLocalHour[11] + byLocalHour[16] + byLocalHour[17];
        int night = byLocalHour[2] + byLocalHour[3] + byLocalHour[4] + byLocalHour[5];
        assertThat(busy).as("busy hours against night hours").isGreaterThan(10 * night);

        List<Integer> talk = new ArrayList<>();
        for (Cdr c : calls) {
            if (c.times().answered()) {
                assertThat(c.times().answer() - c.times().start()).isBetween(0L, 30L);
                assertThat(c.times().billsec()).isPositive().isLessThanOrEqualTo(c.times().duration());
                talk.add(c.times().billsec());
            } else {
                assertThat(c.times().billsec()).isZero();
            }
        }
        talk.sort(null);
        assertThat(talk.get(talk.size() / 2)).as("median talk time").isBetween(60, 120);
        assertThat(share(talk.stream().filter(t -> t < 10).count(), talk.size())).as("very short calls").isBetween(0.08, 0.20);

        Map<String, List<Long>> internationalStarts = new HashMap<>();
        for (Cdr c : calls) {
            if (c.international()) {
                internationalStarts.computeIfAbsent(c.caller().text(), k -> new ArrayList<>()).add(c.times().start());
            }
        }
        long fraudLike = internationalStarts.values().stream().filter(starts -> {
            starts.sort(null);
            for (int i = 0, j = 0; j < starts.size(); j++) {
                while (starts.get(j) - starts.get(i) >= 3_600) {
                    i++;
                }
                if (j - i + 1 >= 20) {
                    return true;
                }
            }
            return false;
        }).count();
        assertThat(fraudLike).as("subscribers with 20 or more international calls within an hour").isEqualTo(3);
    }

    @Test
    void profilesCoverAboutNinetyPercentOfTheSubscribersInE164() throws IOException {
        GenerationResult result = CdrGenerator.generate(GeneratorSpec.of(1_000, 5_000, 1).withEndDate(END), tmp, QUIET);

        List<String> lines = Files.readAllLines(result.profilesCsv());
        assertThat(lines.get(0)).isEqualTo("msisdn,plan,home_country,status");
        List<String> rows = lines.subList(1, lines.size());
        assertThat(rows.size()).isBetween(4_300, 4_700);
        assertThat(rows).allSatisfy(r -> assertThat(r).matches("\\+1[2-9]\\d{2}[2-9]\\d{6},[a-z-]+,US,(active|suspended|barred)"));
        assertThat(new HashSet<>(rows.stream().map(r -> r.substring(0, r.indexOf(','))).toList())).hasSize(rows.size());
    }

    @Test
    void reportsEveryProblemOfASpecAtOnce() {
        assertThatThrownBy(() -> new GeneratorSpec(-1, 0, 0, CdrFormat.JSONL, 1.5, 0.1, 1, END, 0, "Germany"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("The 'records' value '-1' is invalid")
                .hasMessageContaining("The 'subscribers' value '0' is invalid")
                .hasMessageContaining("The 'days' value '0' is invalid")
                .hasMessageContaining("The 'invalidRate' value '1.5' is invalid")
                .hasMessageContaining("The 'files' value '0' is invalid")
                .hasMessageContaining("The 'defaultCountry' value 'Germany' is invalid");
        assertThatThrownBy(() -> new GeneratorSpec(10, 1, 1, null, 0.3, 0.3, 1, END, 1, null))
                .hasMessage("The 'invalidRate + duplicateRate' value '0.6' is invalid: "
                        + "at most 0.5 of the lines may be invalid or duplicates, so that valid lines remain");
        assertThatThrownBy(() -> GeneratorSpec.of(10, 1, 30).withEndDate(LocalDate.of(1990, 1, 10)))
                .hasMessageStartingWith("The 'endDate' value '1990-01-10' is invalid");
    }

    @Test
    void fillsInDefaults() {
        GeneratorSpec spec = new GeneratorSpec(10, 1, 1, null, 0, 0, 1, null, 1, null);
        assertThat(spec.format()).isEqualTo(CdrFormat.ASTERISK);
        assertThat(spec.endDate()).as("issue 22: generated traffic ends yesterday, never in the future").isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(1));
        assertThat(spec.defaultCountry()).isEqualTo("US");
        assertThat(spec.withDefaultCountry("ca").defaultCountry()).isEqualTo("CA");
    }

    @Test
    void reportsProgressEveryHundredThousandLinesAndAtTheEnd() throws IOException {
        List<Long> reported = new ArrayList<>();
        CdrGenerator.generate(GeneratorSpec.of(250_001, 1_000, 2).withEndDate(END), tmp, reported::add);
        assertThat(reported).containsExactly(100_000L, 200_000L, 250_001L);
    }

    @Test
    void zeroRecordsStillWritesEveryFileAndTheProfiles() throws IOException {
        GenerationResult result = CdrGenerator.generate(GeneratorSpec.of(0, 10, 1).withFiles(2).withEndDate(END), tmp.resolve("new/dir"), QUIET);
        assertThat(result.files()).hasSize(2).allSatisfy(f -> assertThat(f).isEmptyFile());
        assertThat(result.records()).isZero();
        assertThat(Files.readAllLines(result.profilesCsv())).first().isEqualTo("msisdn,plan,home_country,status");
    }

    @Test
    void fewerRecordsThanFilesLeavesTheLastFilesEmpty() throws IOException {
        GenerationResult result = CdrGenerator.generate(GeneratorSpec.of(2, 10, 1).withFiles(4).withEndDate(END), tmp, QUIET);
        assertThat(result.files()).extracting(f -> Files.readAllLines(f).size()).containsExactly(1, 1, 0, 0);
    }

    @Test
    void outsideNorthAmericaWritesNumbersInE164() throws IOException {
        GeneratorSpec spec = GeneratorSpec.of(2_000, 50, 1).withEndDate(END).withDefaultCountry("DE");
        GenerationResult result = CdrGenerator.generate(spec, tmp, QUIET);
        Ingested in = ingest(CdrFormat.ASTERISK, result, CdrPipelineConfig.defaults().withDefaultCountry("DE"));
        assertThat(in.accepted).isEqualTo(2_000);
        assertThat(in.stores.archived()).allSatisfy(c -> assertThat(c.caller().text()).startsWith("+1"));
        assertThat(in.stores.archived()).filteredOn(c -> c.callee().text().length() > 4)
                .allSatisfy(c -> assertThat(c.callee().e164()).isTrue());
    }

    private static double share(long part, long whole) {
        return (double) part / whole;
    }

    private record Ingested(InMemoryStores stores, long recordsIn, long accepted, long rejected, long duplicates,
                            long unknownSubscribers, Set<RejectReason> reasons) {
    }

    private static Ingested ingest(CdrFormat format, GenerationResult result) throws IOException {
        return ingest(format, result, CdrPipelineConfig.defaults());
    }

    /** Frames and processes every file in batches through the core, as {@code sluice ingest} does, with in-memory stores. */
    private static Ingested ingest(CdrFormat format, GenerationResult result, CdrPipelineConfig config) throws IOException {
        InMemoryStores stores = new InMemoryStores();
        List<String> profiles = Files.readAllLines(result.profilesCsv());
        for (String row : profiles.subList(1, profiles.size())) {
            String[] f = row.split(",");
            stores.putProfile(new SubscriberProfile(f[0], f[1], f[2], f[3]));
        }
        CdrBatchProcessor processor = new CdrBatchProcessor(config, stores, stores, stores, stores, stores);
        CdrParser parser = CdrParser.of(format);
        long in = 0, accepted = 0, rejected = 0, duplicates = 0, unknown = 0;
        Set<RejectReason> reasons = EnumSet.noneOf(RejectReason.class);
        for (Path file : result.files()) {
            try (InputStream stream = Files.newInputStream(file);
                 RecordFramer framer = new RecordFramer(stream, file.getFileName().toString(), format.quotedNewlines(),
                         RecordFramer.DEFAULT_MAX_RECORD_BYTES)) {
                List<RawRecord> batch = new ArrayList<>();
                int chunk = 0;
                for (RawRecord r = framer.next(); ; r = framer.next()) {
                    if (r != null) {
                        batch.add(r);
                    }
                    if (batch.size() == 5_000 || (r == null && !batch.isEmpty())) {
                        BatchOutcome o = processor.process(new BatchId("file:" + file.getFileName() + ":" + chunk++), parser, batch);
                        in += o.recordsIn();
                        accepted += o.accepted();
                        rejected += o.rejected();
                        duplicates += o.duplicates();
                        unknown += o.unknownSubscribers();
                        o.rejections().stream().map(Rejection::reason).forEach(reasons::add);
                        batch = new ArrayList<>();
                    }
                    if (r == null) {
                        break;
                    }
                }
            }
        }
        return new Ingested(stores, in, accepted, rejected, duplicates, unknown, reasons);
    }
}
