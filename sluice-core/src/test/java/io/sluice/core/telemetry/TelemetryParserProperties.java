package io.sluice.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** SEC-5, IOT-2: whatever the bytes, the parser answers a refusal or a count, never another exception, and loses nothing. */
class TelemetryParserProperties {
    private static final long NOW = 1_764_842_400_000L;

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> fragments = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"deviceId\"", "\"pump-7\"", "\"timestamp\"",
                Long.toString(NOW), "\"metric\"", "\"temperature\"", "\"value\"", "21.5", "NaN", "-Infinity", "1e999", "null", "true",
                "\"tags\"", "\"2026-12-04T10:00:00Z\"", "\"unit\"", "\"C\"", "\u00e9", "\\u0000", " ");
        return Arbitraries.oneOf(fragments.list().ofMaxSize(60).map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    @Property(tries = 2_000)
    void refusedOrCountedNeverThrown(@ForAll("bodies") byte[] body) {
        try {
            TelemetryParser.Parsed p = TelemetryParser.parse(body, TelemetryConfig.defaults(), NOW);
            assertThat(p.readingsIn()).isEqualTo(p.readings().size() + p.rejected().size());
        } catch (TelemetryParser.Refused refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
