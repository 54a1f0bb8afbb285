package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.ProfileStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Subscriber profiles from DynamoDB (CDR-6): one BatchGetItem per 100 numbers, eventually consistent (a
 * profile changed a second ago may be read as before, as with the in-container cache in front of it:
 * {@link io.sluice.core.pipeline.CachingProfileStore}). Items: {@code msisdn, plan, home_country, status}.
 */
public final class DynamoDbProfileStore implements ProfileStore {
    private final DynamoDbClient client;
    private final String table;
    private final Backoff backoff;
    private final int maxAttempts;

    public DynamoDbProfileStore(DynamoDbClient client, String table, Backoff backoff, int maxAttempts) {
        this.client = client;
        this.table = table;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    public DynamoDbProfileStore(DynamoDbClient client, String table) {
        this(client, table, Backoff.standard(), 8);
    }

    @Override
    public Map<String, SubscriberProfile> findAll(Collection<String> msisdns) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String m : new LinkedHashSet<>(msisdns)) {
            keys.add(Map.of("msisdn", AttributeValue.fromS(m)));
        }
        Map<String, SubscriberProfile> found = new HashMap<>();
        BatchReads.getAll(client, table, keys, false, "msisdn, #p, home_country, #s", backoff, maxAttempts, item -> {
            SubscriberProfile p = new SubscriberProfile(item.get("msisdn").s(), text(item, "plan"), text(item, "home_country"),
                    text(item, "status"));
            found.put(p.msisdn(), p);
        }, Map.of("#p", "plan", "#s", "status"));
        return found;
    }

    /** Writes profiles (an import or a test); plain puts, so writing the same profile twice is harmless. */
    public void putAll(Collection<SubscriberProfile> profiles, WriteMeter meter) {
        Map<String, Map<String, AttributeValue>> items = new java.util.LinkedHashMap<>();
        for (SubscriberProfile p : profiles) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("msisdn", AttributeValue.fromS(p.msisdn()));
            put(item, "plan", p.plan());
            put(item, "home_country", p.homeCountry());
            put(item, "status", p.status());
            items.put(p.msisdn(), item); // the last profile of a number wins, and a batch never holds it twice
        }
        BatchWrites.putAll(client, table, new ArrayList<>(items.values()), backoff, maxAttempts, meter);
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? "" : v.s();
    }
}
