package io.stemtrace.core.graph;

/**
 * Task records by id: an open-addressing hash table with linear probing and backward-shift
 * deletion. Unlike a {@link java.util.HashMap} it allocates no entry object per task (about 40
 * bytes less per task, and one object less for the collector to copy); ids' hash codes are cached
 * by {@link String}.
 *
 * <p>Not thread-safe: the store guards it with its lock.
 */
final class TaskTable {

  private TaskRecord[] slots = new TaskRecord[64];
  private int size;

  int size() {
    return size;
  }

  private static int home(int hash, int mask) {
    int h = hash * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  TaskRecord get(String id) {
    int hash = id.hashCode();
    int mask = slots.length - 1;
    for (int i = home(hash, mask); ; i = (i + 1) & mask) {
      TaskRecord record = slots[i];
      if (record == null) return null;
      if (record.id.hashCode() == hash && record.id.equals(id)) return record;
    }
  }

  /** Adds a record whose id is not in the table. */
  void add(TaskRecord record) {
    if (2 * (size + 1) > slots.length) resize(slots.length * 2);
    insert(slots, record);
    size++;
  }

  private static void insert(TaskRecord[] table, TaskRecord record) {
    int mask = table.length - 1;
    int i = home(record.id.hashCode(), mask);
    while (table[i] != null) i = (i + 1) & mask;
    table[i] = record;
  }

  private void resize(int capacity) {
    TaskRecord[] grown = new TaskRecord[capacity];
    for (TaskRecord record : slots) {
      if (record != null) insert(grown, record);
    }
    slots = grown;
  }

  /** Removes the record with this id; returns false when there is none. */
  boolean remove(String id) {
    int hash = id.hashCode();
    int mask = slots.length - 1;
    int i = home(hash, mask);
    while (true) {
      TaskRecord record = slots[i];
      if (record == null) return false;
      if (record.id.hashCode() == hash && record.id.equals(id)) break;
      i = (i + 1) & mask;
    }
    slots[i] = null;
    size--;
    // shift back the records of the same probe run that can no longer be reached across the hole
    for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
      int k = home(slots[j].id.hashCode(), mask);
      boolean reachable = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!reachable) {
        slots[i] = slots[j];
        slots[j] = null;
        i = j;
      }
    }
    if (slots.length > 64 && 8 * size < slots.length) resize(slots.length / 2);
    return true;
  }
}
