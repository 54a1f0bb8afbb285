package io.sluice.infra;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps whose keys always come out in the same order. {@code Map.of} iterates in an order that changes from one JVM to
 * the next, and the CDK writes a map's entries in iteration order: into strings such as a state machine's definition
 * or a CodeBuild buildspec, and into lists such as an alarm's metric queries. Then two synths of one commit differ,
 * and every deploy updates those resources (a changed buildspec even restarts the delivery pipeline). Every map of
 * more than one entry that reaches a template goes through {@link #keys}.
 */
final class Sorted {
    private Sorted() {
    }

    /** {@code map} with its keys, and those of every map inside it (in lists too), in natural order. */
    @SuppressWarnings("unchecked")
    static <V> Map<String, V> keys(Map<String, V> map) {
        Map<String, V> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(k, (V) deep(v)));
        return sorted;
    }

    @SuppressWarnings("unchecked")
    private static Object deep(Object value) {
        if (value instanceof Map<?, ?> m) {
            return keys((Map<String, Object>) m);
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Sorted::deep).toList();
        }
        return value;
    }
}
