package io.sluice.local.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.core.cdr.SubscriberProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CDR-6: profiles import normalizes numbers, reports bad rows with their line, and the last row of a number wins. */
class ProfileImporterTest {
    @TempDir
    Path dir;

    @Test
    void importsNormalizesAndReportsBadRowsWithTheirLine() throws Exception {
        Path csv = dir.resolve("p.csv");
        Files.writeString(csv, """
                msisdn,plan,home_country,status
                212-555-0100,gold,us,active
                100,basic,US,active
                2125550199,silver,US
                2125550100,platinum,US,active
                4155550123,,US,active
                """);
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            ProfileImporter.Result r = new ProfileImporter(store, new PhoneNumberNormalizer("US", 10)).importCsv(csv);

            assertThat(r.rows()).isEqualTo(5);
            assertThat(r.imported()).isEqualTo(2);
            assertThat(r.problems()).hasSize(3);
            assertThat(r.problems().get(0)).contains("p.csv:3").contains("'100' is not a phone number");
            assertThat(r.problems().get(1)).contains("p.csv:4").contains("3 fields, the header has 4");
            assertThat(r.problems().get(2)).contains("p.csv:6").contains("plan is empty");
            assertThat(new DuckDbProfileStore(store).findAll(List.of("+12125550100")))
                    .containsEntry("+12125550100", new SubscriberProfile("+12125550100", "platinum", "US", "active"));
        }
    }

    @Test
    void refusesAFileWithoutTheRequiredHeaderOrContent() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "number,tariff\n+12125550100,gold\n");
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            ProfileImporter importer = new ProfileImporter(store, new PhoneNumberNormalizer("US", 10));
            assertThatThrownBy(() -> importer.importCsv(bad)).hasMessageContaining("bad.csv")
                    .hasMessageContaining("the header lacks home_country, msisdn, plan");
            assertThatThrownBy(() -> importer.importCsv(empty)).hasMessageContaining("empty.csv: the file is empty");
        }
    }
}
