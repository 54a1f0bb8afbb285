package io.sluice.core.telemetry;

import java.util.Collection;
import java.util.Map;

/**
 * Where the threshold rules keep each device's state per rule (IOT-4), a core port: DynamoDB on AWS, the embedded store
 * on one machine, memory in tests. Saved with the batch that changed it, so a replayed batch finds the state it left.
 */
public interface ThresholdState {

    /** One device's state under one rule. */
    record Key(String deviceId, String rule) {
    }

    /**
     * @param raised       whether the value is past the raise threshold (and not yet back past the clear one)
     * @param told         whether this episode's raise was told (false: it came within the cooldown)
     * @param lastRaisedAt reading time of the last raise that was told, epoch ms ({@link Long#MIN_VALUE}: never)
     * @param lastSeenAt   reading time of the latest reading evaluated, epoch ms
     */
    record State(boolean raised, boolean told, long lastRaisedAt, long lastSeenAt) {
        public static final State INITIAL = new State(false, false, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    /** The states of {@code keys} that exist. */
    Map<Key, State> load(Collection<Key> keys);

    /** Stores the changed states. */
    void save(Map<Key, State> changed);
}
