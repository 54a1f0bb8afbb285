package io.sluice.local.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a store's time goes, for {@code SLUICE_DEBUG=1}: the seconds spent in each port call of the embedded
 * adapters, by port and method. Off (no proxy, no cost) unless the variable is set.
 */
public final class PortTimings {
    public static final boolean ON = System.getenv("SLUICE_DEBUG") != null;
    private static final Map<String, LongAdder[]> SPENT = new ConcurrentHashMap<>();

    private PortTimings() {
    }

    /** {@code target} as seen through {@code port}, timed when {@link #ON}. */
    @SuppressWarnings("unchecked")
    public static <T> T timed(Class<T> port, T target) {
        if (!ON) {
            return target;
        }
        String name = port.getSimpleName();
        InvocationHandler h = (proxy, method, args) -> {
            long t0 = System.nanoTime();
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                add(name + "." + method.getName(), System.nanoTime() - t0);
            }
        };
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, h);
    }

    /** Adds {@code nanos} to {@code what}'s total. */
    public static void add(String what, long nanos) {
        LongAdder[] a = SPENT.computeIfAbsent(what, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].add(nanos);
        a[1].increment();
    }

    /** The totals so far, one "name calls seconds" per line, largest first. */
    public static String report() {
        Map<String, LongAdder[]> sorted = new TreeMap<>(SPENT);
        StringBuilder b = new StringBuilder();
        sorted.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0].sum(), x.getValue()[0].sum()))
                .forEach(e -> b.append(String.format("  %-40s %7d calls %7.2f s%n", e.getKey(), e.getValue()[1].sum(),
                        e.getValue()[0].sum() / 1e9)));
        return b.toString();
    }
}
