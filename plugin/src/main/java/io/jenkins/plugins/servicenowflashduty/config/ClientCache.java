package io.jenkins.plugins.servicenowflashduty.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Clients kept by what they connect with, least recently used dropped first: a long-lived controller with folder
 * credentials and edited secrets keeps the clients it uses, not every one it ever made.
 */
final class ClientCache<V> {
    private final Map<String, V> entries;

    ClientCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The client kept under this key, or a new one made (outside the lock: making one may take a while). */
    V get(String key, Supplier<V> make) {
        synchronized (entries) {
            V v = entries.get(key);
            if (v != null) {
                return v;
            }
        }
        V made = make.get();
        synchronized (entries) {
            V raced = entries.putIfAbsent(key, made);
            return raced != null ? raced : made;
        }
    }
}
