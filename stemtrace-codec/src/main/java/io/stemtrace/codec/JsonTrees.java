package io.stemtrace.codec;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * The immutable lists and maps decoded {@code args}, {@code kwargs} and {@code result} are made of.
 * They hold their elements in one exactly sized array: the graph store keeps these trees for every
 * event, so their size is most of what the store's memory (and the collector's copying) costs per
 * event. Small objects are an array of alternating keys and values looked up linearly; objects with
 * many keys fall back to an unmodifiable {@link LinkedHashMap}. Both keep the JSON's key order and
 * allow null values.
 */
final class JsonTrees {

  /** Up to this many keys an object is a {@link SmallObject}. */
  static final int SMALL_OBJECT_KEYS = 8;

  private JsonTrees() {}

  static List<Object> array(Object[] items, int size) {
    if (size == 0) return Collections.emptyList();
    return new FixedList(size == items.length ? items : Arrays.copyOf(items, size));
  }

  /**
   * Collects an object's fields in order; a repeated key keeps its first position and its last
   * value.
   */
  static final class ObjectBuilder {
    private Object[] keysAndValues = new Object[2 * 4];
    private int size;
    private LinkedHashMap<String, Object> large;

    void put(String key, Object value) {
      if (large != null) {
        large.put(key, value);
        return;
      }
      for (int i = 0; i < size; i++) {
        if (keysAndValues[2 * i].equals(key)) {
          keysAndValues[2 * i + 1] = value;
          return;
        }
      }
      if (size == SMALL_OBJECT_KEYS) {
        large = new LinkedHashMap<>(32);
        for (int i = 0; i < size; i++)
          large.put((String) keysAndValues[2 * i], keysAndValues[2 * i + 1]);
        large.put(key, value);
        return;
      }
      if (2 * size == keysAndValues.length) keysAndValues = Arrays.copyOf(keysAndValues, 4 * size);
      keysAndValues[2 * size] = key;
      keysAndValues[2 * size + 1] = value;
      size++;
    }

    Map<String, Object> build() {
      if (large != null) return Collections.unmodifiableMap(large);
      if (size == 0) return Collections.emptyMap();
      return new SmallObject(Arrays.copyOf(keysAndValues, 2 * size));
    }
  }

  /** An immutable list over an array it owns. */
  private static final class FixedList extends AbstractList<Object> implements RandomAccess {
    private final Object[] items;

    FixedList(Object[] items) {
      this.items = items;
    }

    @Override
    public Object get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }

    @Override
    public Object[] toArray() {
      return items.clone();
    }
  }

  /** An immutable map over one array of alternating keys and values, in JSON order. */
  private static final class SmallObject extends AbstractMap<String, Object> {
    private final Object[] keysAndValues;

    SmallObject(Object[] keysAndValues) {
      this.keysAndValues = keysAndValues;
    }

    private int indexOf(Object key) {
      for (int i = 0; i < keysAndValues.length; i += 2) {
        if (keysAndValues[i].equals(key)) return i;
      }
      return -1;
    }

    @Override
    public Object get(Object key) {
      int at = indexOf(key);
      return at < 0 ? null : keysAndValues[at + 1];
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public int size() {
      return keysAndValues.length / 2;
    }

    @Override
    public java.util.Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < keysAndValues.length;
            }

            @Override
            public Entry<String, Object> next() {
              if (next >= keysAndValues.length) throw new NoSuchElementException();
              Entry<String, Object> entry =
                  new SimpleImmutableEntry<>((String) keysAndValues[next], keysAndValues[next + 1]);
              next += 2;
              return entry;
            }
          };
        }

        @Override
        public int size() {
          return keysAndValues.length / 2;
        }
      };
    }
  }
}
