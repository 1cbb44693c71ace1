package io.stemtrace.core.graph;

import java.util.Arrays;

/**
 * Items ordered by a sequence number, oldest first, with O(1) append, O(log n) removal by sequence
 * number and newest-first iteration. Removal leaves a hole that a later compaction reclaims, so
 * removing many items costs amortised O(log n) each and the used slots never exceed twice the live
 * items plus {@link #SLACK}.
 *
 * <p>Not thread-safe: the store guards it with its lock.
 */
final class SeqList<T> {

  /** holes tolerated beyond the live items before a removal compacts */
  static final int SLACK = 16;

  private long[] seqs;
  private Object[] items;

  /** index of the first slot that may hold an item; every slot before it is a hole */
  private int head;

  /** one past the last used slot */
  private int end;

  private int live;

  SeqList() {
    this(4);
  }

  SeqList(int initialCapacity) {
    seqs = new long[initialCapacity];
    items = new Object[initialCapacity];
  }

  int size() {
    return live;
  }

  /** Slots in use including holes; for tests that check memory is reclaimed. */
  int slots() {
    return end - head;
  }

  /**
   * Adds an item whose sequence number is at least every number present; else it is inserted in
   * order.
   */
  void add(long seq, T item) {
    if (end > head && seq < seqs[end - 1]) {
      insert(seq, item);
      return;
    }
    ensureRoom();
    seqs[end] = seq;
    items[end++] = item;
    live++;
  }

  private void insert(long seq, T item) {
    int at = Arrays.binarySearch(seqs, head, end, seq);
    if (at >= 0) {
      if (items[at] == null) live++;
      items[at] = item;
      return;
    }
    at = -at - 1;
    ensureRoom();
    at = -Arrays.binarySearch(seqs, head, end, seq) - 1; // ensureRoom may have compacted
    System.arraycopy(seqs, at, seqs, at + 1, end - at);
    System.arraycopy(items, at, items, at + 1, end - at);
    seqs[at] = seq;
    items[at] = item;
    end++;
    live++;
  }

  /** Replaces the item at {@code seq}; returns false when no live item has that number. */
  boolean replace(long seq, T item) {
    int at = Arrays.binarySearch(seqs, head, end, seq);
    if (at < 0 || items[at] == null) return false;
    items[at] = item;
    return true;
  }

  /** Removes the item at {@code seq}; returns false when there is none. */
  boolean remove(long seq) {
    int at = Arrays.binarySearch(seqs, head, end, seq);
    if (at < 0 || items[at] == null) return false;
    items[at] = null;
    live--;
    while (head < end && items[head] == null) head++;
    if (live == 0) {
      head = 0;
      end = 0;
    } else if (end - head > 2 * live + SLACK) {
      compact(); // costs O(live) after at least live + SLACK removals: amortised O(1)
    }
    return true;
  }

  /** The oldest item, or null when empty. */
  @SuppressWarnings("unchecked")
  T first() {
    return head < end ? (T) items[head] : null;
  }

  /** A cursor from the newest item towards the oldest. */
  Cursor<T> newestFirst() {
    return new Cursor<>(this);
  }

  /** A cursor from the newest item numbered below {@code seq} towards the oldest; O(log n). */
  Cursor<T> newestFirstBelow(long seq) {
    int at = Arrays.binarySearch(seqs, head, end, seq);
    return new Cursor<>(this, (at >= 0 ? at : -at - 1) - 1);
  }

  private void ensureRoom() {
    if (end < items.length) return;
    int length = items.length;
    if (live <= length / 2) {
      compact();
      if (end < items.length) return;
    }
    int capacity = Math.max(4, length + (length >> 1));
    seqs = Arrays.copyOf(seqs, capacity);
    items = Arrays.copyOf(items, capacity);
  }

  private void compact() {
    int to = 0;
    for (int from = head; from < end; from++) {
      if (items[from] != null) {
        seqs[to] = seqs[from];
        items[to++] = items[from];
      }
    }
    Arrays.fill(items, to, end, null);
    head = 0;
    end = to;
  }

  /**
   * Walks newest first, skipping holes. Valid while the list is not modified (the store's read
   * lock).
   */
  static final class Cursor<T> {
    private final SeqList<T> list;
    private int at;

    Cursor(SeqList<T> list) {
      this(list, list.end - 1);
    }

    Cursor(SeqList<T> list, int start) {
      this.list = list;
      this.at = start;
      skipHoles();
    }

    boolean hasNext() {
      return at >= list.head;
    }

    /** Sequence number of the item {@link #next()} returns. */
    long peekSeq() {
      return list.seqs[at];
    }

    @SuppressWarnings("unchecked")
    T next() {
      T item = (T) list.items[at--];
      skipHoles();
      return item;
    }

    private void skipHoles() {
      while (at >= list.head && list.items[at] == null) at--;
    }
  }
}
