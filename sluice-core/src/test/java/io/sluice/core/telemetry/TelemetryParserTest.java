package io.sluice.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.telemetry.ReadingRejection.Reason;
import io.sluice.core.telemetry.TelemetryParser.Refused;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** IOT-2, SEC-5: a telemetry body read by the rules every entry applies; each bad input answered precisely. */
class TelemetryParserTest {
    private static final long NOW = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final TelemetryConfig CFG = TelemetryConfig.defaults();

    private static TelemetryParser.Parsed parse(String body) throws Refused {
        return TelemetryParser.parse(body.getBytes(StandardCharsets.UTF_8), CFG, NOW);
    }

    private static String reading(String fields) {
        return "{\"deviceId\":\"pump-7\",\"timestamp\":" + NOW + ",\"metric\":\"temperature\",\"value\":21.5" + fields + "}";
    }

    private static Reason rejected(String body) throws Refused {
        TelemetryParser.Parsed p = parse(body);
        assertThat(p.readings()).as(body).isEmpty();
        assertThat(p.rejected()).as(body).hasSize(1);
        return p.rejected().get(0).reason();
    }

    @Test
    @DisplayName("a reading or an array of them; epoch milliseconds or ISO-8601; unit and tags")
    void shapes() throws Refused {
        TelemetryParser.Parsed one = parse(reading(",\"unit\":\"C\",\"tags\":{\"site\":\"north\",\"floor\":3,\"outdoor\":false}"));
        assertThat(one.readings()).singleElement().satisfies(r -> {
            assertThat(r.reading()).isEqualTo(new Reading("pump-7", NOW, "temperature", 21.5, "C",
                    Map.of("site", "north", "floor", "3", "outdoor", "false")));
            assertThat(r.original()).startsWith("{\"deviceId\"").endsWith("}");
        });
        TelemetryParser.Parsed many = parse("[" + reading("") + ", {\"deviceId\":\"pump-8\",\"timestamp\":\"2026-12-04T10:59:00+01:00\","
                + "\"metric\":\"humidity\",\"value\":40}]");
        assertThat(many.readingsIn()).isEqualTo(2);
        assertThat(many.readings().get(1).reading().timestampMillis()).isEqualTo(Instant.parse("2026-12-04T09:59:00Z").toEpochMilli());
        assertThat(many.readings().get(1).reading().unit()).as("the catalog's unit when none is given").isEqualTo("%");
        assertThat(many.readings().get(1).index()).isEqualTo(1);
    }

    @Test
    @DisplayName("tags: at most 32, names up to 64 and values up to 256 characters; past that the reading is BAD_FIELD")
    void tagLimits() throws Refused {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":1");
        }
        assertThat(rejected(reading(",\"tags\":{" + many + "}"))).isEqualTo(Reason.BAD_FIELD);
        assertThat(rejected(reading(",\"tags\":{\"" + "k".repeat(65) + "\":1}"))).isEqualTo(Reason.BAD_FIELD);
        assertThat(rejected(reading(",\"tags\":{\"site\":\"" + "v".repeat(257) + "\"}"))).isEqualTo(Reason.BAD_FIELD);
        String atTheLimits = ",\"tags\":{\"" + "k".repeat(64) + "\":\"" + "v".repeat(256) + "\"}";
        assertThat(parse(reading(atTheLimits)).readings()).hasSize(1);
    }

    @Test
    @DisplayName("each bad reading is rejected on its own, with its reason, index and original text; the others are taken")
    void perReadingRejections() throws Refused {
        assertThat(rejected("[1]")).isEqualTo(Reason.NOT_AN_OBJECT);
        assertThat(rejected("{\"timestamp\":1,\"metric\":\"temperature\",\"value\":1}")).isEqualTo(Reason.MISSING_FIELD);
        assertThat(rejected(reading("").replace("pump-7", "pump 7/../x"))).isEqualTo(Reason.BAD_DEVICE_ID);
        assertThat(rejected(reading("").replace("pump-7", "d".repeat(129)))).isEqualTo(Reason.BAD_DEVICE_ID);
        assertThat(rejected(reading("").replace("" + NOW, "\"yesterday\""))).isEqualTo(Reason.BAD_TIMESTAMP);
        assertThat(rejected(reading("").replace("" + NOW, "1.5e12"))).isEqualTo(Reason.BAD_TIMESTAMP);
        assertThat(rejected(reading("").replace("" + NOW, "99999999999999999999999"))).isEqualTo(Reason.BAD_TIMESTAMP);
        assertThat(rejected(reading("").replace("" + NOW, "" + (NOW + 6 * 60_000)))).isEqualTo(Reason.CLOCK_SKEW);
        assertThat(rejected(reading("").replace("" + NOW, "" + (NOW - 31L * 86_400_000)))).isEqualTo(Reason.CLOCK_SKEW);
        assertThat(rejected(reading("").replace("temperature", "flux"))).isEqualTo(Reason.UNKNOWN_METRIC);
        assertThat(rejected(reading("").replace("21.5", "NaN"))).isEqualTo(Reason.NOT_A_NUMBER);
        assertThat(rejected(reading("").replace("21.5", "-Infinity"))).isEqualTo(Reason.NOT_A_NUMBER);
        assertThat(rejected(reading("").replace("21.5", "1e400"))).isEqualTo(Reason.NOT_A_NUMBER);
        assertThat(rejected(reading("").replace("21.5", "\"21.5\""))).isEqualTo(Reason.NOT_A_NUMBER);
        assertThat(rejected(reading("").replace("21.5", "151"))).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(rejected(reading(",\"unit\":\"F\""))).isEqualTo(Reason.BAD_FIELD);
        assertThat(rejected(reading(",\"tags\":{\"a\":{\"b\":1}}"))).isEqualTo(Reason.BAD_FIELD);

        TelemetryParser.Parsed mixed = parse("[" + reading("") + "," + reading("").replace("21.5", "NaN") + "]");
        assertThat(mixed.readings()).hasSize(1);
        assertThat(mixed.rejected()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(1);
            assertThat(r.detail()).contains("NaN").contains("not a finite number");
            assertThat(r.original()).contains("\"value\":NaN");
        });
    }

    @Test
    @DisplayName("what no reading can fix refuses the whole body: empty, too large, not JSON, too deep, too many, not readings")
    void wholeBodyRefusals() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(Refused.class).extracting(e -> ((Refused) e).kind()).isEqualTo(Refused.Kind.EMPTY);
        byte[] big = new byte[(int) CFG.maxBodyBytes() + 1];
        assertThatThrownBy(() -> TelemetryParser.parse(big, CFG, NOW)).extracting(e -> ((Refused) e).kind()).isEqualTo(Refused.Kind.TOO_LARGE);
        assertThatThrownBy(() -> parse("{\"deviceId\":")).extracting(e -> ((Refused) e).kind()).isEqualTo(Refused.Kind.INVALID_JSON);
        assertThatThrownBy(() -> parse("[" + reading("") + "] []")).hasMessageContaining("more than one JSON value");
        assertThatThrownBy(() -> parse(reading(",\"tags\":" + "[".repeat(20) + "]".repeat(20))))
                .extracting(e -> ((Refused) e).kind()).isEqualTo(Refused.Kind.TOO_DEEP);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        assertThatThrownBy(() -> parse(many + "]")).extracting(e -> ((Refused) e).kind()).isEqualTo(Refused.Kind.TOO_MANY_READINGS);
        assertThatThrownBy(() -> parse("\"hello\"")).extracting(e -> ((Refused) e).kind()).isEqualTo(Refused.Kind.NOT_READINGS);
        assertThatThrownBy(() -> parse("{\"value\":" + "9".repeat(1_000) + "}")).extracting(e -> ((Refused) e).kind())
                .isEqualTo(Refused.Kind.INVALID_JSON);
    }
}
