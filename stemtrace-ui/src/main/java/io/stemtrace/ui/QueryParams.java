package io.stemtrace.ui;

import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.TaskSearch;
import io.stemtrace.api.TaskState;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates query parameters. Every problem becomes a 400 whose detail names the
 * parameter and says what was wrong, in the way a person fixing a URL by hand needs it.
 */
final class QueryParams {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1000;

  /** The registry's page: names are short, and a page of them is read at a glance. */
  static final int DEFAULT_REGISTRY_LIMIT = 100;

  private final Map<String, Deque<String>> params;

  QueryParams(Map<String, Deque<String>> params) {
    this.params = params;
  }

  /** The single value of a parameter, or null when absent; blank counts as absent. */
  String string(String name) {
    Deque<String> values = params.get(name);
    if (values == null || values.isEmpty()) return null;
    if (values.size() > 1) {
      throw ApiException.badRequest(
          "query parameter '" + name + "' is given " + values.size() + " times; give it once");
    }
    String value = values.getFirst().trim();
    return value.isEmpty() ? null : value;
  }

  /**
   * The search of {@code q} in Flower's syntax ({@link TaskSearch#parse}), or null when absent or
   * blank; a query that does not follow the grammar is a 400 saying why.
   */
  TaskSearch search() {
    String text = string("q");
    if (text == null) return null;
    try {
      return TaskSearch.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("query parameter 'q': " + e.getMessage());
    }
  }

  /**
   * A parameter naming an id or host name, exactly as given (not trimmed: an id may start with a
   * space): the form that reaches every id, including those with {@code /} or {@code \\} that no
   * path segment can carry.
   */
  String requiredExact(String name) {
    Deque<String> values = params.get(name);
    if (values == null || values.isEmpty() || values.getFirst().isEmpty()) {
      throw ApiException.badRequest("query parameter '" + name + "' is required");
    }
    if (values.size() > 1) {
      throw ApiException.badRequest(
          "query parameter '" + name + "' is given " + values.size() + " times; give it once");
    }
    return values.getFirst();
  }

  int limit() {
    return integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  }

  int offset() {
    return integer("offset", 0, 0, Integer.MAX_VALUE);
  }

  int integer(String name, int defaultValue, int min, int max) {
    String raw = string(name);
    if (raw == null) return defaultValue;
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "query parameter '" + name + "' must be an integer, got '" + abbreviate(raw) + "'");
    }
    if (value < min || value > max) {
      throw ApiException.badRequest(
          "query parameter '"
              + name
              + "' must be between "
              + min
              + " and "
              + max
              + ", got "
              + value);
    }
    return (int) value;
  }

  /** {@code state}, repeated or comma separated, case-insensitive; empty for all. */
  Set<TaskState> states() {
    Deque<String> values = params.get("state");
    Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    if (values == null) return states;
    for (String value : values) {
      for (String part : value.split(",")) {
        String name = part.trim();
        if (name.isEmpty()) continue;
        try {
          states.add(TaskState.valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest(
              "query parameter 'state' has an unknown state '"
                  + abbreviate(name)
                  + "' (expected one of "
                  + Arrays.toString(TaskState.values())
                  + ")");
        }
      }
    }
    return states;
  }

  /**
   * A date parameter: an ISO-8601 instant ({@code 2026-11-26T03:35:48Z}, with an offset or
   * fraction), a date-time without zone (read as UTC), or a date (start of day UTC, or its end for
   * {@code endOfDay}).
   */
  Instant instant(String name, boolean endOfDay) {
    String raw = string(name);
    if (raw == null) return null;
    // '+' in a query string decodes to a space; an offset such as +01:00 is what was meant
    String text = raw.replace(' ', '+');
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException ignored) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(raw.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException ignored) {
      // try the next form
    }
    try {
      LocalDate date = LocalDate.parse(raw);
      return endOfDay
          ? date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusNanos(1)
          : date.atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw ApiException.badRequest(
          "query parameter '"
              + name
              + "' must be an ISO-8601 date or date-time"
              + " such as 2026-11-26T03:35:48Z, got '"
              + abbreviate(raw)
              + "'");
    }
  }

  /** {@code from_date} and {@code to_date}, checked to be in order. */
  Instant[] dateRange() {
    Instant from = instant("from_date", false);
    Instant to = instant("to_date", true);
    if (from != null && to != null && from.isAfter(to)) {
      throw ApiException.badRequest(
          "query parameter 'from_date' (" + from + ") is after 'to_date' (" + to + ")");
    }
    return new Instant[] {from, to};
  }

  /** {@code type}, repeated or comma separated, case-insensitive; empty for all. */
  Set<io.stemtrace.core.anomaly.AnomalyType> anomalyTypes() {
    Deque<String> values = params.get("type");
    Set<io.stemtrace.core.anomaly.AnomalyType> types =
        EnumSet.noneOf(io.stemtrace.core.anomaly.AnomalyType.class);
    if (values == null) return types;
    for (String value : values) {
      for (String part : value.split(",")) {
        String name = part.trim();
        if (name.isEmpty()) continue;
        try {
          types.add(io.stemtrace.core.anomaly.AnomalyType.valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest(
              "query parameter 'type' has an unknown anomaly type '"
                  + abbreviate(name)
                  + "' (expected one of "
                  + Arrays.toString(io.stemtrace.core.anomaly.AnomalyType.values())
                  + ")");
        }
      }
    }
    return types;
  }

  /**
   * The anomaly groups' {@code status}, repeated or comma separated: open, acknowledged, muted,
   * resolved, or all; empty for all.
   */
  Set<io.stemtrace.core.anomaly.AnomalyGroup.Status> groupStatuses() {
    Deque<String> values = params.get("status");
    Set<io.stemtrace.core.anomaly.AnomalyGroup.Status> statuses =
        EnumSet.noneOf(io.stemtrace.core.anomaly.AnomalyGroup.Status.class);
    if (values == null) return statuses;
    for (String value : values) {
      for (String part : value.split(",")) {
        String name = part.trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) continue;
        if (name.equals("all")) {
          return EnumSet.noneOf(io.stemtrace.core.anomaly.AnomalyGroup.Status.class);
        }
        var status = io.stemtrace.core.anomaly.AnomalyGroup.Status.parse(name);
        if (status == null)
          throw ApiException.badRequest(
              "query parameter 'status' must be open, acknowledged, muted, resolved or all, got '"
                  + abbreviate(part.trim())
                  + "'");
        statuses.add(status);
      }
    }
    return statuses;
  }

  /** A boolean parameter: true or false (absent: false). */
  boolean bool(String name) {
    String raw = string(name);
    if (raw == null) return false;
    if (raw.equalsIgnoreCase("true")) return true;
    if (raw.equalsIgnoreCase("false")) return false;
    throw ApiException.badRequest(
        "query parameter '" + name + "' must be true or false, got '" + abbreviate(raw) + "'");
  }

  /** The registry's {@code status}: active, never_run or not_registered. */
  RegistryEntry.Status registryStatus() {
    String raw = string("status");
    if (raw == null) return null;
    try {
      return RegistryEntry.Status.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (RegistryEntry.Status s : RegistryEntry.Status.values())
        names.add(s.name().toLowerCase(Locale.ROOT));
      throw ApiException.badRequest(
          "query parameter 'status' must be one of "
              + String.join(", ", names)
              + ", got '"
              + abbreviate(raw)
              + "'");
    }
  }

  static String abbreviate(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 60 ? printable : printable.substring(0, 57) + "...";
  }
}
