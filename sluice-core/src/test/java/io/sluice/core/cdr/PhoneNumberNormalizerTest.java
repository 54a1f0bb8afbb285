package io.sluice.core.cdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CDR-4: numbers to E.164 with a configurable default country; what cannot be normalized is kept and flagged. */
class PhoneNumberNormalizerTest {
    private final PhoneNumberNormalizer us = new PhoneNumberNormalizer("US", 1_000);
    private final PhoneNumberNormalizer es = new PhoneNumberNormalizer("ES", 1_000);

    @Test
    @DisplayName("CDR-4: a national US number with default country US becomes E.164")
    void normalizesANationalUsNumber() {
        assertThat(us.normalize("917-375-0980")).isEqualTo(new NormalizedNumber("+19173750980", true, 1, "US"));
    }

    @Test
    @DisplayName("CDR-4: Spain's 00 international prefix with default country ES becomes E.164")
    void normalizesTheInternationalPrefixOfTheDefaultCountry() {
        assertThat(es.normalize("0034688886392")).isEqualTo(new NormalizedNumber("+34688886392", true, 34, "ES"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+34688886392", "34688886392", "0034688886392", "688886392", "688 88 63 92"})
    @DisplayName("CDR-4: the forms of one Spanish number all become the same E.164 number")
    void normalizesEveryFormOfOneNumberAlike(String written) {
        assertThat(es.normalize(written).text()).isEqualTo("+34688886392");
    }

    @Test
    @DisplayName("CDR-4: a number with its own country code keeps it, whatever the default country")
    void keepsAForeignCountryCode() {
        NormalizedNumber n = us.normalize("+4930123456");

        assertThat(n.e164()).isTrue();
        assertThat(n.text()).isEqualTo("+4930123456");
        assertThat(n.countryCode()).isEqualTo(49);
        assertThat(n.region()).isEqualTo("DE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"100", "9007", "*67", "test", "anonymous", "00034688886392"})
    @DisplayName("CDR-4: an extension, short code or text is kept as written and not E.164")
    void keepsWhatCannotBeNormalizedAsWritten(String written) {
        NormalizedNumber n = es.normalize(written);

        assertThat(n).isEqualTo(NormalizedNumber.asWritten(written));
        assertThat(n.e164()).isFalse();
        assertThat(n.text()).isEqualTo(written);
        assertThat(n.countryCode()).isZero();
    }

    @Test
    @DisplayName("CDR-4: the extension 100 is kept with default country US too")
    void keepsAnExtensionWithDefaultUs() {
        NormalizedNumber n = us.normalize("100");

        assertThat(n.text()).isEqualTo("100");
        assertThat(n.e164()).isFalse();
    }

    @Test
    @DisplayName("An empty number stays empty")
    void keepsAnEmptyNumberEmpty() {
        assertThat(us.normalize("")).isEqualTo(NormalizedNumber.asWritten(""));
    }

    @Test
    @DisplayName("Repeated numbers give the same answer (the cache does not change results)")
    void repeatedLookupsAgree() {
        NormalizedNumber first = us.normalize("917-375-0980");
        NormalizedNumber second = us.normalize("917-375-0980");

        assertThat(second).isEqualTo(first);
    }

    @Test
    @DisplayName("OPS-4: the default country is case-insensitive and reports its calling code")
    void acceptsALowerCaseDefaultCountry() {
        PhoneNumberNormalizer de = new PhoneNumberNormalizer("de", 10);

        assertThat(de.defaultRegion()).isEqualTo("DE");
        assertThat(de.defaultCountryCode()).isEqualTo(49);
        assertThat(us.defaultCountryCode()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"XX", "ZZ", "USA", ""})
    @DisplayName("CDR-4, INF-7: an invalid default country fails fast with a clear message")
    void rejectsAnInvalidDefaultCountry(String country) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PhoneNumberNormalizer(country, 10))
                .withMessageContaining("'" + country + "'")
                .withMessageContaining("is invalid")
                .withMessageContaining("ISO 3166");
    }
}
