package io.stemtrace.api;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads the grammar of {@link TaskSearch#parse}; one instance per query. */
final class TaskSearchParser {
  private final String query;
  private int at;

  private final List<TaskSearch.Pattern> names = new ArrayList<>();
  private Set<TaskState> states;
  private final List<TaskSearch.Pattern> workers = new ArrayList<>();
  private final List<TaskSearch.Pattern> args = new ArrayList<>();
  private final List<TaskSearch.KwargsTerm> kwargs = new ArrayList<>();
  private final List<TaskSearch.Pattern> results = new ArrayList<>();
  private final List<TaskSearch.Pattern> exceptions = new ArrayList<>();
  private final List<String> idPrefixes = new ArrayList<>();
  private final List<TaskSearch.Pattern> freeText = new ArrayList<>();

  TaskSearchParser(String query) {
    this.query = query;
  }

  TaskSearch parse() {
    while (true) {
      skipWhitespace();
      if (at >= query.length()) break;
      term();
    }
    return new TaskSearch(
        names, states, workers, args, kwargs, results, exceptions, idPrefixes, freeText);
  }

  private void term() {
    int start = at;
    int keyEnd = start;
    while (keyEnd < query.length() && isKeyChar(query.charAt(keyEnd))) keyEnd++;
    if (keyEnd > start && keyEnd < query.length() && query.charAt(keyEnd) == ':') {
      String key = query.substring(start, keyEnd).toLowerCase(Locale.ROOT);
      if (!TaskSearch.KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown search key '"
                + query.substring(start, keyEnd)
                + "' at character "
                + (start + 1)
                + "; known keys: "
                + String.join(", ", TaskSearch.KEYS));
      }
      at = keyEnd + 1;
      String value = value(key);
      keyed(key, value, keyEnd + 2);
    } else {
      freeText.add(new TaskSearch.Pattern(value(null)));
    }
  }

  private void keyed(String key, String value, int position) {
    switch (key) {
      case "name" -> names.add(new TaskSearch.Pattern(value));
      case "state" -> state(value, position);
      case "worker" -> workers.add(new TaskSearch.Pattern(value));
      case "args" -> args.add(new TaskSearch.Pattern(value));
      case "kwargs" -> {
        int equals = value.indexOf('=');
        if (equals > 0 && equals < value.length() - 1) {
          kwargs.add(
              new TaskSearch.KwargsTerm(
                  value.substring(0, equals), new TaskSearch.Pattern(value.substring(equals + 1))));
        } else if (equals >= 0) {
          throw new IllegalArgumentException(
              "kwargs term at character "
                  + position
                  + " needs a key and a value around '=': kwargs:user_id=7");
        } else {
          kwargs.add(new TaskSearch.KwargsTerm(null, new TaskSearch.Pattern(value)));
        }
      }
      case "result" -> results.add(new TaskSearch.Pattern(value));
      case "exception" -> exceptions.add(new TaskSearch.Pattern(value));
      case "id" -> idPrefixes.add(value);
      default -> throw new IllegalStateException(key); // KEYS and this switch agree
    }
  }

  private void state(String value, int position) {
    EnumSet<TaskState> allowed = EnumSet.noneOf(TaskState.class);
    for (String part : value.split(",", -1)) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      try {
        allowed.add(TaskState.valueOf(name));
      } catch (IllegalArgumentException unknown) {
        throw new IllegalArgumentException(
            "unknown state '"
                + part.trim()
                + "' in the state term at character "
                + position
                + "; states: PENDING, RECEIVED, STARTED, SUCCESS, FAILURE, REVOKED, REJECTED, RETRY");
      }
    }
    if (states == null) {
      states = allowed;
    } else {
      states.retainAll(allowed);
    }
  }

  /** A quoted or bare value; {@code key} names the term in messages (null for free text). */
  private String value(String key) {
    int start = at;
    String what = key == null ? "term" : "'" + key + ":' term";
    if (at < query.length() && query.charAt(at) == '"') {
      StringBuilder value = new StringBuilder();
      at++;
      while (true) {
        if (at >= query.length()) {
          throw new IllegalArgumentException(
              "unclosed quote in the " + what + " at character " + (start + 1));
        }
        char c = query.charAt(at++);
        if (c == '"') break;
        if (c == '\\' && at < query.length()) {
          char next = query.charAt(at);
          if (next == '"' || next == '\\') {
            value.append(next);
            at++;
            continue;
          }
        }
        value.append(c);
      }
      if (at < query.length() && !Character.isWhitespace(query.charAt(at))) {
        throw new IllegalArgumentException(
            "a closing quote must end the " + what + " at character " + at);
      }
      if (value.length() == 0) {
        throw new IllegalArgumentException("empty " + what + " at character " + (start + 1));
      }
      return value.toString();
    }
    while (at < query.length() && !Character.isWhitespace(query.charAt(at))) {
      if (query.charAt(at) == '"') {
        throw new IllegalArgumentException(
            "a quote may only start a value: character " + (at + 1) + " of the " + what);
      }
      at++;
    }
    if (at == start) {
      throw new IllegalArgumentException(
          "empty " + what + " at character " + (start + 1) + "; quote a value with spaces");
    }
    return query.substring(start, at);
  }

  private void skipWhitespace() {
    while (at < query.length() && Character.isWhitespace(query.charAt(at))) at++;
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
}
