package io.sluice.core.telemetry.memory;

import io.sluice.core.telemetry.DeviceTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link DeviceTokens} in memory, for tests and the core's own runs. Thread-safe. */
public final class InMemoryDeviceTokens implements DeviceTokens {
    private record Entry(String tokenHash, long createdAt, Long revokedAt) {
    }

    private final Map<String, Entry> devices = new TreeMap<>();

    @Override
    public synchronized Optional<String> deviceOf(String token) {
        String h = DeviceTokens.hash(token);
        return devices.entrySet().stream().filter(e -> e.getValue().revokedAt() == null && e.getValue().tokenHash().equals(h))
                .map(Map.Entry::getKey).findFirst();
    }

    @Override
    public synchronized boolean add(String deviceId, String token, long nowMillis) {
        Entry e = devices.get(deviceId);
        if (e != null && e.revokedAt() == null) {
            return false;
        }
        devices.put(deviceId, new Entry(DeviceTokens.hash(token), nowMillis, null));
        return true;
    }

    @Override
    public synchronized boolean revoke(String deviceId, long nowMillis) {
        Entry e = devices.get(deviceId);
        if (e == null || e.revokedAt() != null) {
            return false;
        }
        devices.put(deviceId, new Entry(e.tokenHash(), e.createdAt(), nowMillis));
        return true;
    }

    @Override
    public synchronized List<Device> list() {
        List<Device> out = new ArrayList<>();
        devices.forEach((id, e) -> out.add(new Device(id, e.createdAt(), e.revokedAt())));
        return out;
    }
}
