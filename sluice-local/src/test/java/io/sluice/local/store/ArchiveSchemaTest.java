package io.sluice.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.contracts.ArchiveColumns;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDR-9: the local Parquet archive has the schema of the AWS one. The Glue table Firehose converts against is
 * declared from {@link ArchiveColumns#COLUMNS}; the local archive exports {@link ParquetArchive#pendingSelect()}, so
 * its columns, in order and with the matching types, are those.
 */
class ArchiveSchemaTest {
    private static final Map<String, String> DUCKDB_TYPE_OF_GLUE = Map.of("timestamp", "TIMESTAMP", "int", "INTEGER",
            "bigint", "BIGINT", "boolean", "BOOLEAN", "string", "VARCHAR");

    @Test
    void theLocalArchiveHasTheColumnsAndTypesOfTheGlueTable(@TempDir Path dir) throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(ArchiveColumns.PARTITION_COLUMN, "VARCHAR");
        ArchiveColumns.COLUMNS.forEach((name, glue) -> expected.put(name, DUCKDB_TYPE_OF_GLUE.get(glue)));
        Map<String, String> local = new LinkedHashMap<>();
        try (LocalStore store = LocalStore.open(dir); Statement s = store.connection().createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE " + new ParquetArchive(store).pendingSelect())) {
            while (rs.next()) {
                local.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        assertThat(local).containsExactlyEntriesOf(expected);
    }
}
