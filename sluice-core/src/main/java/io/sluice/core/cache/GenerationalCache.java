package io.sluice.core.cache;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache for hot paths: two generations of hash maps; when the young one is full it becomes the old
 * one and the previous old one is dropped; a hit in the old generation moves the entry to the young one. It
 * keeps what recurs and forgets the rest, like an LRU, at the cost of a hash lookup.
 *
 * <p>Why not Caffeine: on Sluice's hot path (a lookup per record) Caffeine's per-access bookkeeping (read
 * buffers, access-order deques, window eviction) took about 40 % of the whole per-record CPU in JFR profiles of
 * 1M generated CDRs; this takes a map lookup. Thread-safe; racing puts may drop an entry, which only costs a
 * recomputation.
 */
public final class GenerationalCache<K, V> {
    private final long generationSize;
    private final long maxAgeNanos;
    private volatile ConcurrentHashMap<K, V> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<K, V> old = new ConcurrentHashMap<>();
    private volatile long youngSince = System.nanoTime();

    /** @param maxEntries at most this many entries in all (two generations of half as many); 0 disables caching */
    public GenerationalCache(long maxEntries) {
        this(maxEntries, Duration.ofDays(365 * 100));
    }

    /**
     * @param maxEntries at most this many entries in all; 0 disables caching
     * @param maxAge     no entry is returned once it is older than twice this (a generation ends after {@code maxAge})
     */
    public GenerationalCache(long maxEntries, Duration maxAge) {
        this.generationSize = maxEntries / 2;
        this.maxAgeNanos = maxAge.toNanos();
    }

    public V get(K key) {
        if (System.nanoTime() - youngSince > maxAgeNanos) {
            roll(young);
        }
        V v = young.get(key);
        if (v == null) {
            v = old.get(key);
            if (v != null) {
                put(key, v);
            }
        }
        return v;
    }

    public void put(K key, V value) {
        if (generationSize <= 0) {
            return;
        }
        ConcurrentHashMap<K, V> y = young;
        if (y.size() >= generationSize) {
            roll(y);
            y = young;
        }
        y.put(key, value);
    }

    /** Forgets everything. */
    public synchronized void clear() {
        young = new ConcurrentHashMap<>();
        old = new ConcurrentHashMap<>();
        youngSince = System.nanoTime();
    }

    private synchronized void roll(ConcurrentHashMap<K, V> expected) {
        if (young == expected) {
            old = expected;
            young = new ConcurrentHashMap<>();
            youngSince = System.nanoTime();
        }
    }
}
