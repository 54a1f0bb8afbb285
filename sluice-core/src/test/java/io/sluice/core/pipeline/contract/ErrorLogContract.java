package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.pipeline.ErrorLog;
import io.sluice.core.pipeline.ErrorLog.Entry;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link ErrorLog} adapter must do (MON-2, SEC-4; issue 15: a core port). Extend it once per adapter. */
public abstract class ErrorLogContract {
    private static final Instant T = Instant.parse("2026-11-23T10:00:00.250Z");

    protected abstract ErrorLog log();

    /** The entry as the adapter stored it. */
    protected abstract Optional<Entry> stored(String id);

    /** The adapter's reading side, over the same entries as {@link #log()}. */
    protected abstract io.sluice.core.pipeline.ErrorLogQuery query();

    @Test
    @DisplayName("entries are read by function and time, newest first, within [from, to) and the limit")
    void byFunctionAndTime() {
        ErrorLog log = log();
        for (int i = 0; i < 6; i++) {
            log.record("sluice-stream-dev", T.plusSeconds(i), new IllegalStateException("s" + i), i, "{}");
            log.record("sluice-object-dev", T.plusSeconds(i), new IllegalStateException("o" + i), i, "{}");
        }
        assertThat(query().recent("sluice-stream-dev", T.plusSeconds(1), T.plusSeconds(5), 10)).extracting(Entry::message)
                .containsExactly("s4", "s3", "s2", "s1");
        assertThat(query().recent("sluice-object-dev", T, T.plusSeconds(60), 2)).extracting(Entry::message)
                .containsExactly("o5", "o4");
        assertThat(query().recent("sluice-other-dev", T, T.plusSeconds(60), 10)).isEmpty();
    }

    @Test
    @DisplayName("ids are unique and sort by time")
    void idsAreUniqueAndTimeOrdered() {
        ErrorLog log = log();
        Set<String> ids = new HashSet<>();
        String previous = "";
        for (int i = 0; i < 20; i++) {
            String id = log.record("sluice-stream-dev", T.plusMillis(i / 2), new IllegalStateException("e" + i), i, "{}");
            assertThat(ids.add(id)).as("unique: " + id).isTrue();
            if (i % 2 == 0) {
                assertThat(id).isGreaterThan(previous);
            }
            previous = id;
        }
        assertThat(ids.iterator().next()).startsWith("20261123T100000.25");
    }

    @Test
    @DisplayName("an entry keeps the function, time, type, message, stack, duration and a sanitized event")
    void entryFields() {
        ErrorLog log = log();
        String event = "{\"Records\":[{\"kinesis\":{\"data\":\"ImFjbWUiLCIrNDQyMDc5NDYwMTIzIg==\",\"sequenceNumber\":"
                + "\"49590338271490256608559692538361571095921575989136588898\"}}],\"caller\":\"+442079460123\"}";
        String id = log.record("sluice-object-dev", T, new IllegalArgumentException("bad object"), 1_234, event);
        Entry e = stored(id).orElseThrow();
        assertThat(e.id()).isEqualTo(id);
        assertThat(e.functionName()).isEqualTo("sluice-object-dev");
        assertThat(e.occurredAt()).isEqualTo(T);
        assertThat(e.type()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(e.message()).isEqualTo("bad object");
        assertThat(e.stackTrace()).contains("ErrorLogContract");
        assertThat(e.durationMillis()).isEqualTo(1_234);
        assertThat(e.eventSnapshot()).contains("\"data\":\"<32 base64 chars>\"").contains("***123")
                .contains("49590338271490256608559692538361571095921575989136588898").doesNotContain("+442079460123");
    }

    @Test
    @DisplayName("a long event and a deep stack are cut, saying how much was left out")
    void cutToSize() {
        ErrorLog log = log();
        String id = log.record("fn", T, new RuntimeException("x"), 0, "{\"k\":\"" + "a".repeat(10_000) + "\"}");
        Entry e = stored(id).orElseThrow();
        assertThat(e.eventSnapshot()).hasSizeLessThan(Entry.MAX_SNAPSHOT_CHARS + 40).contains("more chars]");
    }
}
