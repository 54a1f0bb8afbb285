package io.sluice.local.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** MIG-1: what {@code sluice migrate} takes from its options, and the mistakes it names before connecting. */
class MigrationSourceTest {
    private static MigrationSource source(String url, String table, Map<String, String> columns, String key) {
        return new MigrationSource(url, "u", "hunter2", table, columns, key);
    }

    @Test
    void theUrlGivesHostPortAndDatabaseAndNoCredentialIsShown() {
        MigrationSource s = source("jdbc:mariadb://db.example.net:3307/crm?password=hunter2&useSsl=true", "subscribers",
                Map.of("msisdn", "phone"), null);
        assertThat(s.address().getHostString()).isEqualTo("db.example.net");
        assertThat(s.address().getPort()).isEqualTo(3307);
        assertThat(s.database()).isEqualTo("crm");
        assertThat(s.key()).as("the key defaults to the msisdn column").isEqualTo("phone");
        assertThat(s.columns()).containsEntry("plan", "plan").containsEntry("msisdn", "phone");
        assertThat(s.displayUrl()).doesNotContain("hunter2").contains("password=***");
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(source("jdbc:mysql://db/crm", "other.subscribers", Map.of(), "id").database()).isEqualTo("other");
        assertThat(source("jdbc:mysql://db/crm", "other.subscribers", Map.of(), "id").address().getPort()).isEqualTo(3306);
    }

    @Test
    void mistakesAreNamedBeforeAnythingConnects() {
        assertThatIllegalArgumentException().isThrownBy(() -> source("jdbc:postgresql://db/crm", "t", Map.of(), null))
                .withMessageContaining("--source");
        assertThatIllegalArgumentException().isThrownBy(() -> source("jdbc:mariadb://db/crm", "t; DROP TABLE x", Map.of(), null))
                .withMessageContaining("--table");
        assertThatIllegalArgumentException().isThrownBy(() -> source("jdbc:mariadb://db/crm", "t", Map.of("tariff", "plan"), null))
                .withMessageContaining("'tariff' is not a profile field");
        assertThatIllegalArgumentException().isThrownBy(() -> source("jdbc:mariadb://db/crm", "t", Map.of("plan", "a`b"), null))
                .withMessageContaining("--columns plan");
        assertThatIllegalArgumentException().isThrownBy(() -> source("jdbc:mariadb://db", "t", Map.of(), "id").database())
                .withMessageContaining("names no database");
    }
}
