package io.stemtrace.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A parsed search over tasks, in Flower's syntax: {@code name:orders.* state:FAILURE worker:w1
 * args:42 kwargs:user_id=7 result:ok exception:Timeout id:3f2a} plus free text terms. Every term
 * must match (AND). {@link #parse} gives the grammar; a store answers it through {@link
 * TaskQuery#search()}.
 *
 * <p>Text terms are {@link Pattern}s: case-insensitive, a substring unless they hold {@code *},
 * which makes them a glob over the whole text.
 *
 * @param names patterns over the task name, all of which must match
 * @param states the states allowed by every {@code state:} term (their intersection), null when no
 *     such term was given; empty when the terms exclude each other
 * @param workers patterns over the host name of a worker that registers the task's name
 * @param args patterns over each value inside the args (a string as it is, a number or boolean as
 *     JSON writes it)
 * @param kwargs conditions on the kwargs
 * @param results patterns over each value inside the result
 * @param exceptions patterns over the exception text
 * @param idPrefixes prefixes of the task id (case-sensitive)
 * @param freeText patterns over any of id, name, args, kwargs, result and exception
 */
public record TaskSearch(
    List<Pattern> names,
    Set<TaskState> states,
    List<Pattern> workers,
    List<Pattern> args,
    List<KwargsTerm> kwargs,
    List<Pattern> results,
    List<Pattern> exceptions,
    List<String> idPrefixes,
    List<Pattern> freeText) {

  /** The keys a term may have, in the order the grammar lists them. */
  public static final List<String> KEYS =
      List.of("name", "state", "worker", "args", "kwargs", "result", "exception", "id");

  public TaskSearch {
    names = List.copyOf(names);
    states =
        states == null ? null : Set.copyOf(states.isEmpty() ? Set.of() : EnumSet.copyOf(states));
    workers = List.copyOf(workers);
    args = List.copyOf(args);
    kwargs = List.copyOf(kwargs);
    results = List.copyOf(results);
    exceptions = List.copyOf(exceptions);
    idPrefixes = List.copyOf(idPrefixes);
    freeText = List.copyOf(freeText);
  }

  /**
   * Parses a query. Grammar:
   *
   * <pre>
   * query   = term { whitespace term }
   * term    = key ":" value | value              (a value alone is free text)
   * key     = name | state | worker | args | kwargs | result | exception | id
   * value   = '"' { any character but '"' and '\', or '\"', or '\\' } '"'
   *         | one or more characters but whitespace and '"'
   * kwargs  = key "=" value (that kwarg's value matches whole) | text (a key or value inside)
   * state   = a state name, or several separated by commas (any of them)
   * </pre>
   *
   * A word followed by {@code :} is a key; an unknown key, an empty value, an unknown state or an
   * unclosed quote is an {@link IllegalArgumentException} whose message says what and where. A
   * value with a {@code :} in it needs no quotes (only the first {@code :} of a term separates the
   * key); free text holding {@code :} must be quoted.
   *
   * @throws IllegalArgumentException for a query that does not follow the grammar
   */
  public static TaskSearch parse(String query) {
    if (query == null) throw new NullPointerException("query == null");
    return new TaskSearchParser(query).parse();
  }

  /** True when no term was given: the search matches every task. */
  public boolean isEmpty() {
    return names.isEmpty()
        && states == null
        && workers.isEmpty()
        && args.isEmpty()
        && kwargs.isEmpty()
        && results.isEmpty()
        && exceptions.isEmpty()
        && idPrefixes.isEmpty()
        && freeText.isEmpty();
  }

  /**
   * True when some term looks into payloads or ids ({@code args kwargs result exception id} and
   * free text), which no index answers: a store may then look at a bounded number of tasks only.
   */
  public boolean scans() {
    return !args.isEmpty()
        || !kwargs.isEmpty()
        || !results.isEmpty()
        || !exceptions.isEmpty()
        || !idPrefixes.isEmpty()
        || !freeText.isEmpty();
  }

  /**
   * A case-insensitive text pattern: a substring, or with {@code *} a glob over the whole text
   * ({@code *} matches any run of characters, even an empty one).
   *
   * @param text the pattern as given
   */
  public record Pattern(String text) {
    public Pattern {
      if (text == null) throw new NullPointerException("text == null");
      if (text.isEmpty()) throw new IllegalArgumentException("text is empty");
    }

    /** True when {@code value} (null matches nothing) contains or globs this pattern. */
    public boolean matches(String value) {
      if (value == null) return false;
      String pattern = text.toLowerCase(Locale.ROOT);
      String subject = value.toLowerCase(Locale.ROOT);
      if (pattern.indexOf('*') < 0) return subject.contains(pattern);
      return glob(pattern, subject);
    }

    /** True when {@code value} equals this pattern, or globs it when it holds {@code *}. */
    public boolean matchesWhole(String value) {
      if (value == null) return false;
      String pattern = text.toLowerCase(Locale.ROOT);
      String subject = value.toLowerCase(Locale.ROOT);
      if (pattern.indexOf('*') < 0) return subject.equals(pattern);
      return glob(pattern, subject);
    }

    /** Glob with '*' only: greedy pieces left to right, anchored at both ends; linear time. */
    private static boolean glob(String pattern, String subject) {
      String[] pieces = pattern.split("\\*", -1);
      int at = 0;
      int last = pieces.length - 1;
      if (!subject.startsWith(pieces[0])) return false;
      at = pieces[0].length();
      for (int i = 1; i < last; i++) {
        if (pieces[i].isEmpty()) continue;
        int found = subject.indexOf(pieces[i], at);
        if (found < 0) return false;
        at = found + pieces[i].length();
      }
      return last == 0
          ? subject.length() == at
          : subject.length() - pieces[last].length() >= at && subject.endsWith(pieces[last]);
    }
  }

  /**
   * A {@code kwargs:} term: with a key, that keyword argument's value (a value inside it, when it
   * is a list or map) must match {@code value} whole ({@link Pattern#matchesWhole}); without one, a
   * key or a value inside the kwargs must contain or glob {@code value}.
   *
   * @param key the keyword's name, or null for a match over the whole kwargs
   * @param value what its value must match
   */
  public record KwargsTerm(String key, Pattern value) {
    public KwargsTerm {
      if (value == null) throw new NullPointerException("value == null");
    }
  }
}
