package io.sluice.core.cdr;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache for hot paths: two generations of hash maps; when the young one is full it becomes the old
 * one and the previous old one is dropped; a hit in the old generation moves the entry to the young one. It
 * keeps what recurs and forgets the rest, like an LRU, at the cost of a hash lookup.
 *
 * <p>Why not Caffeine, which Sluice uses elsewhere: with a number cache that misses often (destinations are
 * many), Caffeine's per-access bookkeeping (read buffers, access-order deques, window eviction) took about 40 %
 * of the whole per-record CPU in profiles; this takes a map lookup. Thread-safe; racing puts may drop an entry,
 * which only costs a recomputation.
 */
final class GenerationalCache<K, V> {
    private final long generationSize;
    private volatile ConcurrentHashMap<K, V> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<K, V> old = new ConcurrentHashMap<>();

    /** @param maxEntries at most this many entries in all (two generations of half as many); 0 disables caching */
    GenerationalCache(long maxEntries) {
        this.generationSize = maxEntries / 2;
    }

    V get(K key) {
        V v = young.get(key);
        if (v == null) {
            v = old.get(key);
            if (v != null) {
                put(key, v);
            }
        }
        return v;
    }

    void put(K key, V value) {
        if (generationSize <= 0) {
            return;
        }
        ConcurrentHashMap<K, V> y = young;
        if (y.size() >= generationSize) {
            synchronized (this) {
                if (young == y) {
                    old = y;
                    young = new ConcurrentHashMap<>();
                }
            }
            y = young;
        }
        y.put(key, value);
    }
}
