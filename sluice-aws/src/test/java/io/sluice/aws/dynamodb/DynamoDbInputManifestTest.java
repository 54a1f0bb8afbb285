package io.sluice.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.intake.InputManifest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the file workflow reads from a manifest item (IngestWorkflow's Manifest and Notify states, ANA-3): the status
 * and the four counts, present as numbers on a REJECTED object too, and the status names it waits for.
 */
class DynamoDbInputManifestTest {
    private final DynamoDbClient client = DynamoDbLocal.client();
    private final String table = DynamoDbLocal.freshTables(client).manifests();

    @Test
    void aRejectedObjectsItemHasTheCountsTheWorkflowReads() {
        DynamoDbInputManifest m = new DynamoDbInputManifest(client, table);
        InputManifest.Input in = new InputManifest.Input("cdr-bucket/in/blob.csv@v:v1", "s3://cdr-bucket/in/blob.csv", 10);
        m.begin(in, null, Instant.parse("2026-11-23T10:00:00Z"), 900);
        m.finish(in, InputManifest.Status.REJECTED, "not a text file: it is gzip-compressed", Instant.parse("2026-11-23T10:00:01Z"));
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table)
                .key(Map.of("object", AttributeValue.fromS(in.id()))).consistentRead(true)).item();
        assertThat(item.get("status").s()).isEqualTo("REJECTED");
        for (String count : new String[] {"records_in", "accepted", "rejected", "duplicates"}) {
            assertThat(item.get(count)).as(count).isNotNull();
            assertThat(item.get(count).n()).as(count).isEqualTo("0");
        }
    }
}
