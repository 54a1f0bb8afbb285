package io.sluice.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(50);
    private static final Duration CAP = Duration.ofSeconds(2);

    /** Always draws the largest value allowed, and remembers the bounds it was asked for. */
    private static final class HighestDraw implements RandomGenerator {
        final List<Long> bounds = new ArrayList<>();

        @Override
        public long nextLong() {
            throw new AssertionError("Backoff must draw within a bound");
        }

        @Override
        public long nextLong(long bound) {
            bounds.add(bound);
            return bound - 1;
        }
    }

    @Test
    @DisplayName("OBJ-3: the longest wait doubles from the base with every failed attempt and stops at the cap")
    void ceilingDoublesUpToTheCap() {
        Backoff backoff = new Backoff(BASE, CAP, new HighestDraw());

        assertThat(IntStream.rangeClosed(1, 9).mapToLong(backoff::delayMillis).boxed().toList())
                .containsExactly(49L, 99L, 199L, 399L, 799L, 1599L, 1999L, 1999L, 1999L);
    }

    @Test
    @DisplayName("OBJ-3: full jitter: each wait is drawn from zero (included) to the ceiling (excluded)")
    void drawsFromZeroToTheCeiling() {
        HighestDraw random = new HighestDraw();
        Backoff backoff = new Backoff(BASE, CAP, random);

        backoff.delayMillis(1);
        backoff.delayMillis(3);
        backoff.delayMillis(7);

        assertThat(random.bounds).containsExactly(50L, 200L, 2000L);
        assertThat(new Backoff(BASE, CAP, new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return 0;
            }
        }).delayMillis(5)).isZero();
    }

    @Test
    @DisplayName("OBJ-3: with a real random source the waits spread over the whole range and never leave it")
    void realDrawsStayInRange() {
        Backoff backoff = new Backoff(BASE, CAP, new Random(42));

        List<Long> waits = IntStream.range(0, 2000).mapToLong(i -> backoff.delayMillis(3)).boxed().toList();

        assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(0L, 199L));
        assertThat(waits).anySatisfy(w -> assertThat(w).isLessThan(20L));
        assertThat(waits).anySatisfy(w -> assertThat(w).isGreaterThan(180L));
    }

    @Test
    @DisplayName("Very many attempts neither overflow nor pass the cap")
    void manyAttemptsStayAtTheCap() {
        Backoff backoff = new Backoff(BASE, CAP, new HighestDraw());

        assertThat(backoff.delayMillis(58)).isEqualTo(1999L);
        assertThat(backoff.delayMillis(64)).isEqualTo(1999L);
        assertThat(backoff.delayMillis(Integer.MAX_VALUE)).isEqualTo(1999L);
        Backoff unbounded = new Backoff(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE), new HighestDraw());
        assertThat(unbounded.delayMillis(63)).isEqualTo((1L << 62) - 1);
        assertThat(unbounded.delayMillis(64)).isEqualTo(Long.MAX_VALUE - 1);
    }

    @Test
    @DisplayName("The standard backoff waits under 50 ms after the first attempt and under 2 s ever")
    void standardBounds() {
        Backoff backoff = Backoff.standard();

        assertThat(IntStream.range(0, 200).mapToLong(i -> backoff.delayMillis(1))).allMatch(w -> w >= 0 && w < 50);
        assertThat(IntStream.range(0, 200).mapToLong(i -> backoff.delayMillis(20))).allMatch(w -> w >= 0 && w < 2000);
    }

    @Test
    @DisplayName("Attempts count from 1; a base under 1 ms or a cap under the base is refused")
    void rejectsNonsense() {
        Backoff backoff = new Backoff(BASE, CAP, new HighestDraw());

        assertThatIllegalArgumentException().isThrownBy(() -> backoff.delayMillis(0)).withMessageContaining("from 1");
        assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(Duration.ZERO, CAP, new Random()));
        assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(CAP, BASE, new Random()))
                .withMessageContaining("PT2S").withMessageContaining("PT0.05S");
    }
}
