package io.stemtrace;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which keys hold secrets. Keys are split into words (at {@code _ - . :} spaces and
 * camelCase boundaries) and compared case-insensitively, word by word: a key is sensitive when a
 * run of its words, joined, is a sensitive key. So {@code auth_token}, {@code userPassword} and
 * {@code X-Api-Key} are sensitive while {@code author} and {@code tokenizer} are not. Safe keys win
 * over everything. Thread-safe; answers are cached per key because the same few keys come back with
 * every event.
 */
final class Scrubber {

  /** What a sensitive value is replaced with. */
  public static final String FILTERED = "[Filtered]";

  /** The keys scrubbed by default, in their separator-free lower-case form. */
  public static final Set<String> DEFAULT_SENSITIVE_KEYS =
      Set.of(
          "password",
          "passwd",
          "pwd",
          "passphrase",
          "secret",
          "clientsecret",
          "apikey",
          "token",
          "accesstoken",
          "refreshtoken",
          "idtoken",
          "authtoken",
          "auth",
          "authorization",
          "bearer",
          "credentials",
          "credential",
          "privatekey",
          "secretkey",
          "accesskey",
          "creditcard",
          "cardnumber",
          "cvv",
          "cvc",
          "ssn",
          "cookie",
          "setcookie",
          "session",
          "sessionid",
          "csrf",
          "csrftoken",
          "xsrf",
          "otp",
          "mysqlpwd",
          "connectionstring");

  private static final int MAX_CACHED_KEYS = 4096;
  private static final int MAX_WORDS_CHECKED = 16;

  private final Set<String> sensitive;
  private final Set<String> safe;
  private final ConcurrentHashMap<String, Boolean> cache = new ConcurrentHashMap<>();

  private Scrubber(Set<String> sensitive, Set<String> safe) {
    this.sensitive = sensitive;
    this.safe = safe;
  }

  /**
   * A scrubber with the default keys plus {@code extraKeys}, never scrubbing {@code safeKeys}. Keys
   * are given in any case and with any separators ({@code "Api-Key"} equals {@code "apikey"}).
   */
  public static Scrubber create(Collection<String> extraKeys, Collection<String> safeKeys) {
    Set<String> sensitive = new HashSet<>(DEFAULT_SENSITIVE_KEYS);
    for (String key : extraKeys) sensitive.add(normalize(key));
    Set<String> safe = new HashSet<>();
    for (String key : safeKeys) safe.add(normalize(key));
    sensitive.remove("");
    return new Scrubber(Set.copyOf(sensitive), Set.copyOf(safe));
  }

  /** True when the value under {@code key} must be replaced by {@link #FILTERED}. */
  public boolean isSensitive(String key) {
    if (key == null || key.isEmpty()) return false;
    Boolean cached = cache.get(key);
    if (cached != null) return cached;
    boolean answer = decide(key);
    if (cache.size() < MAX_CACHED_KEYS) cache.put(key, answer);
    return answer;
  }

  private boolean decide(String key) {
    List<String> words = words(key);
    if (words.isEmpty()) return false;
    if (safe.contains(String.join("", words))) return false;
    int n = Math.min(words.size(), MAX_WORDS_CHECKED);
    StringBuilder run = new StringBuilder();
    for (int start = 0; start < n; start++) {
      run.setLength(0);
      for (int end = start; end < n; end++) {
        run.append(words.get(end));
        if (sensitive.contains(run.toString())) return true;
      }
    }
    return false;
  }

  /** The lower-case words of a key: {@code "X-Api_keyValue"} gives {@code [x, api, key, value]}. */
  static List<String> words(String key) {
    List<String> words = new ArrayList<>(4);
    StringBuilder word = new StringBuilder();
    int length = key.length();
    for (int i = 0; i < length; i++) {
      char c = key.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        flush(words, word);
        continue;
      }
      if (Character.isUpperCase(c) && word.length() > 0) {
        char previous = key.charAt(i - 1);
        boolean nextIsLower = i + 1 < length && Character.isLowerCase(key.charAt(i + 1));
        // "userPassword" splits before P; "APIKey" splits before K (an acronym followed by a word)
        if (Character.isLowerCase(previous)
            || Character.isDigit(previous)
            || (Character.isUpperCase(previous) && nextIsLower)) {
          flush(words, word);
        }
      }
      word.append(Character.toLowerCase(c));
    }
    flush(words, word);
    return words;
  }

  private static void flush(List<String> words, StringBuilder word) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  /** The separator-free lower-case form of a key, as the key sets hold them. */
  static String normalize(String key) {
    if (key == null) throw new NullPointerException("key == null");
    StringBuilder out = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isLetterOrDigit(c)) out.append(Character.toLowerCase(c));
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
