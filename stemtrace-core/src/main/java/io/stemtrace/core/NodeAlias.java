package io.stemtrace.core;

import io.stemtrace.api.TaskNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which argument names a task on graph nodes and in lists, as Python stemtrace's {@code
 * node_alias_from_arguments} does: a selector of digits picks {@code args[i]}, a word picks {@code
 * kwargs[word]}. A rule may hold one selector for every task name and one per task name (which wins
 * for that name). When the selected argument is missing, null or blank, the task's name is shown.
 *
 * <p>Written as {@code SELECTOR}, {@code NAME=SELECTOR} or both, comma separated: {@code
 * 0,orders.charge=order_id,mail.send=1}. Immutable and thread-safe.
 */
public final class NodeAlias {

  /** The longest alias shown; a longer value is cut, with an ellipsis. */
  public static final int MAX_LENGTH = 80;

  private static final NodeAlias NONE = new NodeAlias(null, Map.of());

  private final Selector global;
  private final Map<String, Selector> byName;

  private NodeAlias(Selector global, Map<String, Selector> byName) {
    this.global = global;
    this.byName = Map.copyOf(byName);
  }

  /** No alias: every task shows its name. */
  public static NodeAlias none() {
    return NONE;
  }

  /** The same argument for every task name ({@code "0"} or {@code "order_id"}). */
  public static NodeAlias of(String selector) {
    return new NodeAlias(Selector.parse(selector), Map.of());
  }

  /** This rule with {@code selector} for tasks named {@code taskName} instead of the global one. */
  public NodeAlias forTask(String taskName, String selector) {
    Objects.requireNonNull(taskName, "taskName == null");
    if (taskName.isBlank()) throw new IllegalArgumentException("taskName is blank");
    Map<String, Selector> names = new HashMap<>(byName);
    names.put(taskName, Selector.parse(selector));
    return new NodeAlias(global, names);
  }

  /**
   * Reads {@code SELECTOR}, {@code NAME=SELECTOR} or several of them separated by commas; null or
   * blank is {@link #none()}.
   *
   * @throws IllegalArgumentException for an empty entry, two global selectors, or a selector that
   *     is neither digits nor a word
   */
  public static NodeAlias parse(String spec) {
    if (spec == null || spec.isBlank()) return NONE;
    NodeAlias alias = NONE;
    for (String part : spec.split(",", -1)) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException("empty entry in node alias '" + spec + "'");
      }
      int equals = entry.lastIndexOf('=');
      if (equals < 0) {
        if (alias.global != null) {
          throw new IllegalArgumentException(
              "node alias '" + spec + "' names two selectors for every task; give one");
        }
        alias = new NodeAlias(Selector.parse(entry), alias.byName);
      } else {
        alias =
            alias.forTask(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
      }
    }
    return alias;
  }

  /** True when no rule is set: every task shows its name. */
  public boolean isNone() {
    return global == null && byName.isEmpty();
  }

  /** The name to show for a task: the selected argument as text, else the task's name. */
  public String displayName(TaskNode task) {
    String name = task.name();
    Selector selector = name == null ? global : byName.getOrDefault(name, global);
    if (selector == null) return name;
    Object value = selector.select(task.args(), task.kwargs());
    String text = value == null ? null : text(value);
    if (text == null || text.isBlank()) return name;
    return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH - 1) + "\u2026" : text;
  }

  private static String text(Object value) {
    if (value instanceof String s) return s;
    if (value instanceof Number || value instanceof Boolean) return value.toString();
    StringBuilder out = new StringBuilder();
    json(value, out);
    return out.toString();
  }

  private static void json(Object value, StringBuilder out) {
    if (out.length() > MAX_LENGTH) return; // the rest is cut anyway
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      out.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(separator);
        separator = ",";
        json(String.valueOf(entry.getKey()), out);
        out.append(':');
        json(entry.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      String separator = "";
      for (Object element : list) {
        out.append(separator);
        separator = ",";
        json(element, out);
      }
      out.append(']');
    } else {
      out.append(value);
    }
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("NodeAlias{");
    if (global != null) out.append(global);
    byName.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.append(out.length() > 10 ? "," : "")
                    .append(e.getKey())
                    .append('=')
                    .append(e.getValue()));
    return out.append('}').toString();
  }

  /** One selector: an index into args, or a keyword of kwargs. */
  private record Selector(int index, String keyword) {
    static Selector parse(String text) {
      Objects.requireNonNull(text, "selector == null");
      String t = text.trim();
      if (t.isEmpty()) throw new IllegalArgumentException("node alias selector is empty");
      if (t.chars().allMatch(c -> c >= '0' && c <= '9')) {
        if (t.length() > 6) {
          throw new IllegalArgumentException("node alias index too large: " + t);
        }
        return new Selector(Integer.parseInt(t), null);
      }
      boolean word =
          Character.isJavaIdentifierStart(t.charAt(0))
              && t.chars().allMatch(Character::isJavaIdentifierPart);
      if (!word) {
        throw new IllegalArgumentException(
            "node alias selector must be an argument index (0, 1, ...) or a keyword name, got '"
                + t
                + "'");
      }
      return new Selector(-1, t);
    }

    Object select(Object args, Object kwargs) {
      if (keyword != null) {
        return kwargs instanceof Map<?, ?> map ? map.get(keyword) : null;
      }
      return args instanceof List<?> list && index < list.size() ? list.get(index) : null;
    }

    @Override
    public String toString() {
      return keyword != null ? keyword : Integer.toString(index);
    }
  }
}
