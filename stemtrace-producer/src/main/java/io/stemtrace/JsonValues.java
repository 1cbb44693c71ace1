package io.stemtrace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns arbitrary task arguments and results into JSON trees ({@code null}, {@link String}, {@link
 * Number}, {@link Boolean}, {@link List}, {@link Map}) that are safe to leave the process: values
 * under sensitive keys become {@link Scrubber#FILTERED}, and the tree is cut to a byte budget with
 * readable truncation markers. Objects that are not plain values go through Jackson; what Jackson
 * cannot serialise becomes its {@code toString()}. Never throws: the event must never be lost
 * because of its payload. Thread-safe.
 */
final class JsonValues {

  /** Deepest nesting kept; below it a marker stands for the rest (also stops cycles). */
  static final int MAX_DEPTH = 16;

  /** Whether jackson-databind (an optional dependency) is on the classpath to convert objects. */
  static final boolean DATABIND = isPresent("com.fasterxml.jackson.databind.ObjectMapper");

  private final Scrubber scrubber;
  private final int maxBytes;

  /**
   * @param scrubber decides which keys to filter
   * @param maxBytes approximate largest encoded size of one converted value
   */
  public JsonValues(Scrubber scrubber, int maxBytes) {
    if (scrubber == null) throw new NullPointerException("scrubber == null");
    if (maxBytes < 16) throw new IllegalArgumentException("maxBytes < 16: " + maxBytes);
    this.scrubber = scrubber;
    this.maxBytes = maxBytes;
  }

  /** The JSON tree for {@code value}, scrubbed and within the byte budget. */
  public Object convert(Object value) {
    if (value == null
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long) {
      return value; // the common cheap cases, no budget bookkeeping needed
    }
    try {
      return toJson(value, 0, new Budget(maxBytes));
    } catch (RuntimeException | StackOverflowError e) {
      return string(describeUnconvertible(value), new Budget(maxBytes));
    }
  }

  private Object toJson(Object value, int depth, Budget budget) {
    if (value == null) {
      budget.spend(4);
      return null;
    }
    if (value instanceof String s) return string(s, budget);
    if (value instanceof Boolean) {
      budget.spend(5);
      return value;
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Double
        || value instanceof Float
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger
        || value instanceof BigDecimal) {
      budget.spend(8);
      return value;
    }
    if (value instanceof Number n) return string(n.toString(), budget);
    if (value instanceof Character
        || value instanceof CharSequence
        || value instanceof UUID
        || value instanceof TemporalAccessor
        || value instanceof Enum<?>) {
      return string(value instanceof Enum<?> e ? e.name() : value.toString(), budget);
    }
    if (value instanceof Optional<?> optional) return toJson(optional.orElse(null), depth, budget);
    if (depth >= MAX_DEPTH)
      return string("[Truncated: nested deeper than " + MAX_DEPTH + "]", budget);
    if (value instanceof Map<?, ?> map) return map(map, depth, budget);
    if (value instanceof Iterable<?> items) return list(items.iterator(), depth, budget);
    if (value instanceof Object[] items)
      return list(java.util.Arrays.asList(items).iterator(), depth, budget);
    if (value.getClass().isArray()) return primitiveArray(value, depth, budget);
    return toJson(viaJackson(value), depth, budget);
  }

  private Object map(Map<?, ?> map, int depth, Budget budget) {
    Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    budget.spend(2);
    int left = map.size();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (budget.exhausted()) {
        out.put("[Truncated]", left + " more entries");
        break;
      }
      String key = String.valueOf(entry.getKey());
      budget.spend(key.length() + 4);
      out.put(
          key,
          scrubber.isSensitive(key)
              ? Scrubber.FILTERED
              : toJson(entry.getValue(), depth + 1, budget));
      left--;
    }
    return Collections.unmodifiableMap(out);
  }

  private Object list(Iterator<?> items, int depth, Budget budget) {
    List<Object> out = new ArrayList<>();
    budget.spend(2);
    while (items.hasNext()) {
      if (budget.exhausted()) {
        int more = 0;
        while (items.hasNext() && more < 1_000_000) {
          items.next();
          more++;
        }
        out.add("[Truncated: " + more + " more items]");
        break;
      }
      out.add(toJson(items.next(), depth + 1, budget));
      budget.spend(1);
    }
    return Collections.unmodifiableList(out);
  }

  private Object primitiveArray(Object array, int depth, Budget budget) {
    int length = Array.getLength(array);
    List<Object> boxed = new ArrayList<>(Math.min(length, 1024));
    for (int i = 0; i < length; i++) boxed.add(Array.get(array, i));
    return list(boxed.iterator(), depth, budget);
  }

  private static String string(String s, Budget budget) {
    int room = budget.remaining() - 2;
    if (s.length() <= room) {
      budget.spend(s.length() + 2);
      return s;
    }
    int keep = Math.max(0, room);
    budget.spend(keep + 2);
    budget.exhaust();
    return s.substring(0, keep) + "...[Truncated: " + s.length() + " chars]";
  }

  /**
   * Jackson's tree of an object, or its toString() when Jackson cannot serialise it or
   * jackson-databind is not on the classpath.
   */
  private static Object viaJackson(Object value) {
    if (!DATABIND) return describeUnconvertible(value);
    try {
      return Databind.MAPPER.convertValue(value, Object.class);
    } catch (RuntimeException | StackOverflowError e) {
      return describeUnconvertible(value);
    }
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, JsonValues.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Loaded only when jackson-databind is present, so that the producer runs without it. */
  private static final class Databind {
    static final ObjectMapper MAPPER =
        new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  private static String describeUnconvertible(Object value) {
    try {
      return String.valueOf(value);
    } catch (RuntimeException | StackOverflowError e) {
      return "<" + value.getClass().getName() + ">";
    }
  }

  /** Approximate encoded bytes left for one value. */
  private static final class Budget {
    private int remaining;

    Budget(int remaining) {
      this.remaining = remaining;
    }

    void spend(int bytes) {
      remaining -= bytes;
    }

    int remaining() {
      return remaining;
    }

    boolean exhausted() {
      return remaining <= 0;
    }

    void exhaust() {
      remaining = 0;
    }
  }
}
