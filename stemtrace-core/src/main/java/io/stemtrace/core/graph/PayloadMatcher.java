package io.stemtrace.core.graph;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskSearch;
import java.util.List;
import java.util.Map;

/**
 * The terms of a search that no index answers ({@code args kwargs result exception id} and free
 * text), tested against one task's record: a payload term matches when any of the task's events
 * carried a matching value. Called under the store's read lock.
 */
final class PayloadMatcher {
  private final TaskSearch search;

  PayloadMatcher(TaskSearch search) {
    this.search = search;
  }

  boolean matches(TaskRecord task) {
    for (String prefix : search.idPrefixes()) {
      if (!task.id.startsWith(prefix)) return false;
    }
    for (TaskSearch.Pattern pattern : search.args()) {
      if (!anyPayload(task, Field.ARGS, pattern)) return false;
    }
    for (TaskSearch.KwargsTerm term : search.kwargs()) {
      if (!anyKwargs(task, term)) return false;
    }
    for (TaskSearch.Pattern pattern : search.results()) {
      if (!anyPayload(task, Field.RESULT, pattern)) return false;
    }
    for (TaskSearch.Pattern pattern : search.exceptions()) {
      if (!anyPayload(task, Field.EXCEPTION, pattern)) return false;
    }
    for (TaskSearch.Pattern pattern : search.freeText()) {
      if (!pattern.matches(task.id)
          && !pattern.matches(task.name.name)
          && !anyPayload(task, Field.ARGS, pattern)
          && !anyPayload(task, Field.KWARGS, pattern)
          && !anyPayload(task, Field.RESULT, pattern)
          && !anyPayload(task, Field.EXCEPTION, pattern)) {
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

  private static boolean anyPayload(TaskRecord task, Field field, TaskSearch.Pattern pattern) {
    if (task.extras == null) return false;
    Object previous = null;
    for (int i = 0; i < task.eventCount; i++) {
      Object value = value(task.extras[i], field);
      // events repeat the same payload object (the store keeps one copy): test it once
      if (value == null || value == previous) continue;
      previous = value;
      if (pattern.matches(text(value))) return true;
    }
    return false;
  }

  private static boolean anyKwargs(TaskRecord task, TaskSearch.KwargsTerm term) {
    if (term.key() == null) return anyPayload(task, Field.KWARGS, term.value());
    if (task.extras == null) return false;
    Object previous = null;
    for (int i = 0; i < task.eventCount; i++) {
      Object kwargs = value(task.extras[i], Field.KWARGS);
      if (kwargs == null || kwargs == previous) continue;
      previous = kwargs;
      if (kwargs instanceof Map<?, ?> map && map.containsKey(term.key())) {
        if (term.value().matchesWhole(text(map.get(term.key())))) return true;
      }
    }
    return false;
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

  /** A string as it is; any other JSON value as compact JSON text. */
  static String text(Object value) {
    if (value instanceof String s) return s;
    StringBuilder out = new StringBuilder();
    json(value, out);
    return out.toString();
  }

  private static void json(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') out.append('\\');
        out.append(c);
      }
      out.append('"');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) out.append(',');
        first = false;
        json(String.valueOf(entry.getKey()), out);
        out.append(':');
        json(entry.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) out.append(',');
        json(list.get(i), out);
      }
      out.append(']');
    } else {
      out.append(value);
    }
  }
}
