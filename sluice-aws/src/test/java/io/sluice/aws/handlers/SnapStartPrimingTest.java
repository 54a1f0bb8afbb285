package io.sluice.aws.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The priming that runs before a SnapStart snapshot finds its events in the jar and runs them through the handler. */
class SnapStartPrimingTest {

    @Test
    void primingRunsTheBundledSampleEventsOverThrowawayPorts() {
        // 3 valid Asterisk CDRs and 3 JSON-lines CDRs (docs/events); nothing leaves the in-memory ports.
        assertThat(SnapStartPriming.prime()).isEqualTo(6);
    }
}
