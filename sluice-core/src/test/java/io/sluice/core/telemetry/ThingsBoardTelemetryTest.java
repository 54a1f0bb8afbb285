package io.sluice.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * IOT-7: ThingsBoard's documented device telemetry shapes (thingsboard.io, "HTTP Device API", telemetry upload) become
 * Sluice readings of the token's device, judged by the same rules as every entry.
 */
class ThingsBoardTelemetryTest {
    private static final long NOW = 1_764_842_400_000L;
    private static final TelemetryConfig CFG = TelemetryConfig.defaults();

    private static TelemetryParser.Parsed read(String body) throws TelemetryParser.Refused {
        return TelemetryParser.parse(ThingsBoardTelemetry.toSluice(body.getBytes(StandardCharsets.UTF_8), "oven-1", NOW, CFG), CFG, NOW);
    }

    @Test
    @DisplayName("a flat object is stamped with the receive time; ts/values keeps its time; an array mixes both")
    void shapes() throws TelemetryParser.Refused {
        TelemetryParser.Parsed flat = read("{\"temperature\":42,\"humidity\":73}");
        assertThat(flat.readings()).extracting(r -> r.reading().metric() + "=" + r.reading().value() + "@" + r.reading().timestampMillis())
                .containsExactly("temperature=42.0@" + NOW, "humidity=73.0@" + NOW);
        assertThat(flat.readings()).allMatch(r -> r.reading().deviceId().equals("oven-1"));
        TelemetryParser.Parsed stamped = read("{\"values\":{\"temperature\":42.5},\"ts\":" + (NOW - 1_000) + "}");
        assertThat(stamped.readings()).singleElement().satisfies(r -> assertThat(r.reading().timestampMillis()).isEqualTo(NOW - 1_000));
        TelemetryParser.Parsed array = read("[{\"ts\":" + (NOW - 2_000) + ",\"values\":{\"temperature\":40,\"battery\":90}},{\"temperature\":41}]");
        assertThat(array.readingsIn()).isEqualTo(3);
        assertThat(array.readings()).hasSize(3);
    }

    @Test
    @DisplayName("values ThingsBoard takes but Sluice does not (strings, booleans, JSON) are rejected one by one; bodies as ever")
    void rejectionsAndRefusals() throws TelemetryParser.Refused {
        TelemetryParser.Parsed mixed = read("{\"temperature\":42,\"firmware\":\"1.2\",\"active\":true,\"humidity\":{\"a\":1}}");
        assertThat(mixed.readings()).hasSize(1);
        assertThat(mixed.rejected()).extracting(ReadingRejection::index).containsExactly(1, 2, 3);
        assertThat(mixed.rejected()).extracting(ReadingRejection::reason)
                .containsExactly(ReadingRejection.Reason.UNKNOWN_METRIC, ReadingRejection.Reason.UNKNOWN_METRIC, ReadingRejection.Reason.NOT_A_NUMBER);
        assertThatThrownBy(() -> read("42")).extracting(e -> ((TelemetryParser.Refused) e).kind()).isEqualTo(TelemetryParser.Refused.Kind.NOT_READINGS);
        assertThatThrownBy(() -> read("{\"values\":{\"temperature\":1}}")).hasMessageContaining("numeric \"ts\"");
        assertThatThrownBy(() -> read("{\"temperature\":")).extracting(e -> ((TelemetryParser.Refused) e).kind())
                .isEqualTo(TelemetryParser.Refused.Kind.INVALID_JSON);
        assertThatThrownBy(() -> read("{\"x\":" + "[".repeat(20) + "]".repeat(20) + "}")).extracting(e -> ((TelemetryParser.Refused) e).kind())
                .isEqualTo(TelemetryParser.Refused.Kind.TOO_DEEP);
    }
}
