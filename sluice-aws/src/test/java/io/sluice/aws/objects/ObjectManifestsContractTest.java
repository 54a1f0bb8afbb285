package io.sluice.aws.objects;

import io.sluice.aws.dynamodb.DynamoDbLocal;
import io.sluice.aws.dynamodb.DynamoDbObjectManifests;
import io.sluice.aws.events.ObjectRef;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The manifest contract against the in-memory adapter and the DynamoDB one on DynamoDB Local. */
class ObjectManifestsContractTest {

    @Nested
    class InMemory extends ObjectManifestsContract {
        private final InMemoryObjectManifests m = new InMemoryObjectManifests();

        @Override
        protected ObjectManifests manifests() {
            return m;
        }

        @Override
        protected Object[] stored(ObjectRef o) {
            InMemoryObjectManifests.Entry e = m.entry(o);
            return new Object[] {e.status(), (long) e.attempts(), e.recordsIn(), e.accepted(), e.rejected(), e.duplicates(),
                    e.error() == null ? "" : e.error()};
        }
    }

    @Nested
    class DynamoDb extends ObjectManifestsContract {
        private final DynamoDbClient client = DynamoDbLocal.client();
        private final DynamoDbObjectManifests m = new DynamoDbObjectManifests(client, DynamoDbLocal.freshTables(client).manifests());

        @Override
        protected ObjectManifests manifests() {
            return m;
        }

        @Override
        protected Object[] stored(ObjectRef o) {
            Map<String, AttributeValue> item = m.item(o);
            return new Object[] {item.get("status").s(), n(item, "attempts"), n(item, "records_in"), n(item, "accepted"),
                    n(item, "rejected"), n(item, "duplicates"), item.containsKey("error") ? item.get("error").s() : ""};
        }

        private static long n(Map<String, AttributeValue> item, String name) {
            return item.containsKey(name) ? Long.parseLong(item.get(name).n()) : 0L;
        }
    }
}
