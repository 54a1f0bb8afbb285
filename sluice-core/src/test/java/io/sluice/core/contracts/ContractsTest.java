package io.sluice.core.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared contracts hold together on their own: the rule INF-1 states, distinct names, known types. */
class ContractsTest {

    @Test
    void theEnvironmentSuffixIsDevStagingProdOrAPullRequestNumber() {
        for (String ok : List.of("dev", "staging", "prod", "pr1", "pr123456")) {
            assertThat(EnvironmentSuffix.isValid(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", "test", "Dev", "pr", "pr1234567", "pr12a", "prod ", " dev", "devx")) {
            assertThat(EnvironmentSuffix.isValid(bad)).as("'" + bad + "'").isFalse();
        }
        assertThat(EnvironmentSuffix.isValid(null)).isFalse();
        assertThat(EnvironmentSuffix.isValid(EnvironmentSuffix.DEFAULT)).isTrue();
    }

    @Test
    void everyTableHasItsOwnRoleAndAnIndexHasBothKeys() {
        assertThat(TableKeys.ALL).extracting(TableKeys::role).containsExactly(TableKeys.PROFILES, TableKeys.USAGE,
                TableKeys.MANIFESTS, TableKeys.DEAD_LETTERS, TableKeys.ERRORS, TableKeys.FRAUD, TableKeys.TELEMETRY);
        for (TableKeys k : TableKeys.ALL) {
            assertThat(k.partitionKey()).isNotBlank();
            assertThat(k.indexName() == null).isEqualTo(k.indexPartitionKey() == null).isEqualTo(k.indexSortKey() == null);
        }
        assertThat(TableKeys.ALL).filteredOn(k -> k.indexName() != null).extracting(TableKeys::indexName)
                .containsExactly(TableKeys.ERRORS_BY_FUNCTION_INDEX, TableKeys.FRAUD_PENDING_INDEX);
    }

    @Test
    void archiveColumnsAreUniqueAndOfHiveTypesTheGlueTableTakes() {
        assertThat(ArchiveColumns.COLUMNS).doesNotContainKey(ArchiveColumns.PARTITION_COLUMN);
        assertThat(Set.copyOf(ArchiveColumns.COLUMNS.values())).isSubsetOf("timestamp", "int", "bigint", "string", "boolean");
        assertThat(ArchiveColumns.COLUMNS.sequencedKeySet().getFirst()).isEqualTo("start_time");
        assertThatThrownBy(() -> ArchiveColumns.COLUMNS.put("x", "string")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyFunctionVariableIsASluiceNameAndNoneIsRepeated() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field f : FunctionEnvironment.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                names.add((String) f.get(null));
            }
        }
        assertThat(names).hasSize(24).doesNotHaveDuplicates().allMatch(n -> n.matches("SLUICE_[A-Z_]+"));
    }

    @Test
    void everyRequiredOutputBelongsToOneStack() {
        assertThat(OutputNames.REQUIRED).doesNotHaveDuplicates();
        assertThat(OutputNames.stackOf(OutputNames.USAGE_TABLE)).isEqualTo("SluiceData");
        assertThat(OutputNames.stackOf(OutputNames.GLUE_DATABASE)).isEqualTo("SluiceAnalytics");
        assertThat(OutputNames.stackOf(OutputNames.INGEST_WORKFLOW_ARN)).isEqualTo("SluiceCompute");
        assertThatThrownBy(() -> OutputNames.stackOf("Nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
