package io.sluice.core.cdr;

import static io.sluice.core.cdr.CdrValidatorTest.epoch;
import static io.sluice.core.cdr.CdrValidatorTest.times;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 2 (CDR-4): local times at DST transitions are decided by the record (its duration and billsec), not by
 * java.time's default of the earlier offset; one zone of each hemisphere, every case.
 */
class DstEdgesTest {
    static final RawRecord RAW = RawRecord.of("dst.csv", 1, "x".getBytes(StandardCharsets.UTF_8));

    static CallTimes accepted(CdrValidator v, CdrFields f) {
        Validated r = v.validate(RAW, f);
        assertThat(r).as("validation of %s", f).isInstanceOf(CallTimes.class);
        return (CallTimes) r;
    }

    @Nested
    @DisplayName("America/New_York: spring forward 2026-03-08 02:00 -> 03:00, fall back 2026-11-01 02:00 -> 01:00")
    class NewYork {
        final CdrValidator ny = new CdrValidator(ZoneId.of("America/New_York"));

        @Test
        void aStartInsideTheGapNeverHappened() {
            assertThat(ny.validate(RAW, times("2026-03-08 02:30:00", "", "2026-03-08 03:10:00", "600", "0")))
                    .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.IMPOSSIBLE_TIME));
        }

        @Test
        void aCallAcrossTheGapKeepsItsDuration() {
            CallTimes t = accepted(ny, times("2026-03-08 01:50:00", "", "2026-03-08 03:10:00", "1200", "0"));
            assertThat(t.start()).isEqualTo(epoch("2026-03-08T06:50:00Z"));
            assertThat(t.end() - t.start()).isEqualTo(1200);
            assertThat(t.ambiguous()).isFalse();
        }

        @Test
        void aStartInTheRepeatedHourIsTheOffsetItsDurationNames() {
            // 01:30 happened at 05:30Z (EDT) and at 06:30Z (EST); the end, 02:10 EST, is 07:10Z.
            CallTimes late = accepted(ny, times("2026-11-01 01:30:00", "", "2026-11-01 02:10:00", "2400", "0"));
            assertThat(late.start()).isEqualTo(epoch("2026-11-01T06:30:00Z"));
            CallTimes early = accepted(ny, times("2026-11-01 01:30:00", "", "2026-11-01 02:10:00", "6000", "0"));
            assertThat(early.start()).isEqualTo(epoch("2026-11-01T05:30:00Z"));
            assertThat(late.ambiguous() || early.ambiguous()).isFalse();
        }

        @Test
        void aCallAcrossTheRepeatedHourIsARealCall() {
            // 01:50 EDT to 01:10 EST: the clock went back, the call lasted 20 minutes; its answer at 01:05 EST is 5 billed minutes.
            CallTimes t = accepted(ny, times("2026-11-01 01:50:00", "2026-11-01 01:05:00", "2026-11-01 01:10:00", "1200", "300"));
            assertThat(t.start()).isEqualTo(epoch("2026-11-01T05:50:00Z"));
            assertThat(t.end()).isEqualTo(epoch("2026-11-01T06:10:00Z"));
            assertThat(t.answer()).isEqualTo(epoch("2026-11-01T06:05:00Z"));
            assertThat(t.ambiguous()).isFalse();
        }

        @Test
        void whenTheRecordCannotTellTheEarlierOffsetIsTakenAndFlagged() {
            CallTimes t = accepted(ny, times("2026-11-01 01:10:00", "", "2026-11-01 01:20:00", "600", "0"));
            assertThat(t.start()).isEqualTo(epoch("2026-11-01T05:10:00Z"));
            assertThat(t.end() - t.start()).isEqualTo(600);
            assertThat(t.ambiguous()).isTrue();
        }
    }

    @Nested
    @DisplayName("Australia/Sydney: fall back 2026-04-05 03:00 -> 02:00, spring forward 2026-10-04 02:00 -> 03:00")
    class Sydney {
        final CdrValidator syd = new CdrValidator(ZoneId.of("Australia/Sydney"));

        @Test
        void aStartInsideTheGapNeverHappened() {
            assertThat(syd.validate(RAW, times("2026-10-04 02:15:00", "", "2026-10-04 03:10:00", "600", "0")))
                    .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.IMPOSSIBLE_TIME));
        }

        @Test
        void aCallAcrossTheGapKeepsItsDuration() {
            CallTimes t = accepted(syd, times("2026-10-04 01:50:00", "", "2026-10-04 03:10:00", "1200", "0"));
            assertThat(t.start()).isEqualTo(epoch("2026-10-03T15:50:00Z"));
            assertThat(t.end()).isEqualTo(epoch("2026-10-03T16:10:00Z"));
        }

        @Test
        void aCallAcrossTheRepeatedHourIsARealCall() {
            CallTimes t = accepted(syd, times("2026-04-05 02:50:00", "", "2026-04-05 02:10:00", "1200", "0"));
            assertThat(t.start()).isEqualTo(epoch("2026-04-04T15:50:00Z"));
            assertThat(t.end()).isEqualTo(epoch("2026-04-04T16:10:00Z"));
            assertThat(t.ambiguous()).isFalse();
        }

        @Test
        void aStartInTheRepeatedHourIsTheOffsetItsDurationNames() {
            // 02:30 happened at 15:30Z (+11) and 16:30Z (+10); the end, 03:00 AEST, is 17:00Z.
            CallTimes t = accepted(syd, times("2026-04-05 02:30:00", "", "2026-04-05 03:00:00", "1800", "0"));
            assertThat(t.start()).isEqualTo(epoch("2026-04-04T16:30:00Z"));
            CallTimes both = accepted(syd, times("2026-04-05 02:10:00", "", "2026-04-05 02:40:00", "1800", "0"));
            assertThat(both.ambiguous()).isTrue();
            assertThat(both.start()).isEqualTo(epoch("2026-04-04T15:10:00Z"));
        }
    }
}
