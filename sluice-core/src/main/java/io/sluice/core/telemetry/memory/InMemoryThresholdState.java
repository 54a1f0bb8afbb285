package io.sluice.core.telemetry.memory;

import io.sluice.core.telemetry.ThresholdState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The threshold rules' state in memory: for tests and priming. */
public final class InMemoryThresholdState implements ThresholdState {
    private final Map<Key, State> states = new HashMap<>();

    @Override
    public synchronized Map<Key, State> load(Collection<Key> keys) {
        Map<Key, State> out = new HashMap<>();
        for (Key k : keys) {
            State s = states.get(k);
            if (s != null) {
                out.put(k, s);
            }
        }
        return out;
    }

    @Override
    public synchronized void save(Map<Key, State> changed) {
        states.putAll(changed);
    }
}
