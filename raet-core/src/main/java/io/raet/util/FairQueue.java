package io.raet.util;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Items queued per source and taken round robin across sources: each source keeps its own order, and a source with
 * a long queue waits its turn like any other, so one busy source cannot hold the others back. The owner checks its
 * bounds with {@link #size()} and {@link #size(String)} before {@link #add}. Not thread-safe; the owner locks.
 */
public final class FairQueue<T> {
    private final Map<String, ArrayDeque<T>> bySource = new HashMap<>();
    /** Sources with queued items, the one whose turn it is first. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private int size;

    public int size() {
        return size;
    }

    /** Items queued by {@code source}. */
    public int size(String source) {
        ArrayDeque<T> q = bySource.get(source);
        return q == null ? 0 : q.size();
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Sources with items queued. */
    public int sources() {
        return turns.size();
    }

    /** Queues {@code item} after the others of {@code source}. */
    public void add(String source, T item) {
        ArrayDeque<T> q = bySource.get(source);
        if (q == null) {
            q = new ArrayDeque<>();
            bySource.put(source, q);
            turns.addLast(source);
        }
        q.addLast(item);
        size++;
    }

    /** The next item: the oldest of the source whose turn it is; null when empty. */
    public T peek() {
        String s = turns.peekFirst();
        return s == null ? null : bySource.get(s).peekFirst();
    }

    /** Takes the next item ({@link #peek()}); its source's turn passes to the next source. */
    public T poll() {
        String s = turns.pollFirst();
        if (s == null) {
            return null;
        }
        ArrayDeque<T> q = bySource.get(s);
        T item = q.pollFirst();
        size--;
        if (q.isEmpty()) {
            bySource.remove(s);
        } else {
            turns.addLast(s);
        }
        return item;
    }

    /** Takes the oldest item of {@code source} (out of turn), or null when it has none. */
    public T pollFrom(String source) {
        ArrayDeque<T> q = bySource.get(source);
        if (q == null) {
            return null;
        }
        T item = q.pollFirst();
        size--;
        if (q.isEmpty()) {
            bySource.remove(source);
            turns.remove(source);
        }
        return item;
    }

    /** Removes {@code item} (by identity) queued by {@code source}; false when it is not there. */
    public boolean remove(String source, T item) {
        if (peek() == item) {
            poll();
            return true;
        }
        ArrayDeque<T> q = bySource.get(source);
        if (q == null || !q.removeIf(x -> x == item)) {
            return false;
        }
        size--;
        if (q.isEmpty()) {
            bySource.remove(source);
            turns.remove(source);
        }
        return true;
    }

    /** Removes and returns every item. */
    public List<T> clear() {
        List<T> all = new ArrayList<>(size);
        bySource.values().forEach(all::addAll);
        bySource.clear();
        turns.clear();
        size = 0;
        return all;
    }
}
