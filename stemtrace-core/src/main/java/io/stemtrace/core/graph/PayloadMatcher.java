package io.stemtrace.core.graph;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskSearch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The terms of a search that no index answers ({@code args kwargs result exception id} and free
 * text), tested against one task's record. A payload term matches when a value any of the task's
 * events carried matches: for args, kwargs and result each scalar inside (a string as it is, a
 * number or boolean as written in JSON, and for kwargs each key too), for the exception its text.
 * Called under the store's read lock, so it allocates little: patterns are lowered once and
 * compared without copying the values.
 */
final class PayloadMatcher {
  private final List<String> idPrefixes;
  private final List<Text> args;
  private final List<Text> kwargsText;
  private final List<String> kwargsKeys;
  private final List<Text> kwargsValues;
  private final List<Text> results;
  private final List<Text> exceptions;
  private final List<Text> freeText;

  PayloadMatcher(TaskSearch search) {
    idPrefixes = search.idPrefixes();
    args = texts(search.args());
    results = texts(search.results());
    exceptions = texts(search.exceptions());
    freeText = texts(search.freeText());
    List<Text> anyKwargs = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<Text> values = new ArrayList<>();
    for (TaskSearch.KwargsTerm term : search.kwargs()) {
      if (term.key() == null) {
        anyKwargs.add(new Text(term.value(), false));
      } else {
        keys.add(term.key());
        values.add(new Text(term.value(), true));
      }
    }
    kwargsText = anyKwargs;
    kwargsKeys = keys;
    kwargsValues = values;
  }

  private static List<Text> texts(List<TaskSearch.Pattern> patterns) {
    List<Text> texts = new ArrayList<>(patterns.size());
    for (TaskSearch.Pattern pattern : patterns) texts.add(new Text(pattern, false));
    return texts;
  }

  boolean matches(TaskRecord task) {
    for (String prefix : idPrefixes) {
      if (!task.id.startsWith(prefix)) return false;
    }
    for (Text text : args) {
      if (!anyPayload(task, Field.ARGS, text)) return false;
    }
    for (Text text : kwargsText) {
      if (!anyPayload(task, Field.KWARGS, text)) return false;
    }
    for (int i = 0; i < kwargsKeys.size(); i++) {
      if (!anyKwarg(task, kwargsKeys.get(i), kwargsValues.get(i))) return false;
    }
    for (Text text : results) {
      if (!anyPayload(task, Field.RESULT, text)) return false;
    }
    for (Text text : exceptions) {
      if (!anyPayload(task, Field.EXCEPTION, text)) return false;
    }
    for (Text text : freeText) {
      if (!text.matches(task.id)
          && !text.matches(task.name.name)
          && !anyPayload(task, Field.ARGS, text)
          && !anyPayload(task, Field.KWARGS, text)
          && !anyPayload(task, Field.RESULT, text)
          && !anyPayload(task, Field.EXCEPTION, text)) {
        return false;
      }
    }
    return true;
  }

  private enum Field {
    ARGS,
    KWARGS,
    RESULT,
    EXCEPTION
  }

  private static boolean anyPayload(TaskRecord task, Field field, Text text) {
    if (task.extras == null) return false;
    Object previous = null;
    for (int i = 0; i < task.eventCount; i++) {
      Object value = value(task.extras[i], field);
      // events repeat the same payload object (the store keeps one copy): test it once
      if (value == null || value == previous) continue;
      previous = value;
      if (anyScalar(value, text, field == Field.KWARGS)) return true;
    }
    return false;
  }

  private static boolean anyKwarg(TaskRecord task, String key, Text text) {
    if (task.extras == null) return false;
    Object previous = null;
    for (int i = 0; i < task.eventCount; i++) {
      Object kwargs = value(task.extras[i], Field.KWARGS);
      if (kwargs == null || kwargs == previous) continue;
      previous = kwargs;
      if (kwargs instanceof Map<?, ?> map && map.containsKey(key)) {
        Object value = map.get(key);
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
          if (anyScalar(value, text, false)) return true;
        } else if (text.matches(scalarText(value))) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when a scalar inside {@code value} (and a key, when {@code keys}) matches. */
  private static boolean anyScalar(Object value, Text text, boolean keys) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (keys && text.matches(String.valueOf(entry.getKey()))) return true;
        if (anyScalar(entry.getValue(), text, keys)) return true;
      }
      return false;
    }
    if (value instanceof List<?> list) {
      for (Object element : list) {
        if (anyScalar(element, text, keys)) return true;
      }
      return false;
    }
    return value != null && text.matches(scalarText(value));
  }

  private static String scalarText(Object value) {
    return value instanceof String s ? s : String.valueOf(value);
  }

  private static Object value(Object extra, Field field) {
    if (extra instanceof TaskRecord.Payload payload) {
      return switch (field) {
        case ARGS -> payload.args();
        case KWARGS -> payload.kwargs();
        case RESULT -> payload.result();
        case EXCEPTION -> payload.exception();
      };
    }
    if (extra instanceof TaskEvent event) {
      return switch (field) {
        case ARGS -> event.args();
        case KWARGS -> event.kwargs();
        case RESULT -> event.result();
        case EXCEPTION -> event.exception();
      };
    }
    return null;
  }

  /**
   * A pattern made ready for many comparisons: a case-insensitive substring (or, with {@code
   * whole}, equality), or a glob over the whole text when it holds {@code *}.
   */
  private static final class Text {
    private final TaskSearch.Pattern pattern;
    private final String text;
    private final boolean glob;
    private final boolean whole;

    private final char firstLower;
    private final char firstUpper;

    Text(TaskSearch.Pattern pattern, boolean whole) {
      this.pattern = pattern;
      this.text = pattern.text();
      this.glob = text.indexOf('*') >= 0;
      this.whole = whole;
      this.firstLower = Character.toLowerCase(text.charAt(0));
      this.firstUpper = Character.toUpperCase(text.charAt(0));
    }

    boolean matches(String value) {
      if (value == null) return false;
      if (glob) return pattern.matches(value);
      if (whole) return value.equalsIgnoreCase(text);
      // find the first character in either case, then compare the rest: no copy of the value
      int last = value.length() - text.length();
      for (int at = 0; at <= last; at++) {
        char c = value.charAt(at);
        if ((c == firstLower || c == firstUpper)
            && value.regionMatches(true, at + 1, text, 1, text.length() - 1)) {
          return true;
        }
      }
      return false;
    }
  }
}
