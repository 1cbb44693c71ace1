package io.stemtrace.store.postgresql;

import io.stemtrace.api.TransportOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A store URL, {@code postgresql://user:password@host:5432/database?schema=stemtrace&retain=7d},
 * read into what JDBC needs.
 *
 * @param jdbcUrl the driver's URL, without credentials
 * @param user the login, or null for the driver's default (the OS user)
 * @param password the password, or null
 * @param schema where the tables live; made when missing
 * @param retain how long events are kept, in whole days
 * @param retainFailed how long the events of a workflow with a failed task are kept, at least
 *     {@code retain}
 * @param poolSize connections kept open
 * @param safe the URL with the password hidden, for messages and logs
 */
record PostgresUrl(
    String jdbcUrl,
    String user,
    String password,
    String schema,
    Duration retain,
    Duration retainFailed,
    int poolSize,
    String safe) {

  static final String DEFAULT_SCHEMA = "stemtrace";
  static final Duration DEFAULT_RETAIN = Duration.ofDays(7);
  static final int DEFAULT_POOL_SIZE = 4;

  /** Lower-case SQL identifiers only: the schema name is spliced into statements. */
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private static final List<String> OPTIONS = List.of("schema", "retain", "retain_failed", "pool");

  static PostgresUrl parse(URI url) {
    String safe = TransportOptions.redact(url);
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
      throw new IllegalArgumentException("not a PostgreSQL store URL: " + safe);
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException(
          "PostgreSQL store URL names no host: "
              + safe
              + " (expected postgresql://user:password@host:5432/database)");
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    String database = path.startsWith("/") ? decode(path.substring(1)) : decode(path);
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException(
          "PostgreSQL store URL names no database: "
              + safe
              + " (expected postgresql://user:password@host:5432/database)");
    }
    TransportOptions options = TransportOptions.parse(url, "PostgreSQL store", OPTIONS);
    String schema = options.string("schema", DEFAULT_SCHEMA);
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema '"
              + schema
              + "' in "
              + safe
              + " is not a plain lower-case SQL name (letters, digits, _; at most 63)");
    }
    Duration retain = options.duration("retain", DEFAULT_RETAIN);
    if (retain.compareTo(Duration.ofDays(1)) < 0 || retain.toSeconds() % 86_400 != 0) {
      throw new IllegalArgumentException(
          "retain=" + retain + " in " + safe + ": events are kept in whole days (1d or more)");
    }
    Duration retainFailed = options.duration("retain_failed", retain);
    if (retainFailed.compareTo(retain) < 0 || retainFailed.toSeconds() % 86_400 != 0) {
      throw new IllegalArgumentException(
          "retain_failed="
              + retainFailed
              + " in "
              + safe
              + ": failed workflows are kept in whole days, at least as long as retain ("
              + retain.toDays()
              + "d)");
    }
    int pool = (int) options.number("pool", 1, DEFAULT_POOL_SIZE);
    if (pool > 64)
      throw new IllegalArgumentException("pool=" + pool + " in " + safe + ": at most 64");

    String user = null;
    String password = null;
    String userInfo = url.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    int port = url.getPort() < 0 ? 5432 : url.getPort();
    String host = url.getHost();
    String jdbc =
        "jdbc:postgresql://"
            + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
            + ":"
            + port
            + "/"
            + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    return new PostgresUrl(jdbc, user, password, schema, retain, retainFailed, pool, safe);
  }

  /** A connection of its own, outside any pool (a lock holder, a listener). */
  java.sql.Connection connect(String applicationName) throws java.sql.SQLException {
    java.util.Properties properties = new java.util.Properties();
    if (user != null) properties.setProperty("user", user);
    if (password != null) properties.setProperty("password", password);
    properties.setProperty("ApplicationName", applicationName);
    properties.setProperty("connectTimeout", "10");
    return new org.postgresql.Driver().connect(jdbcUrl, properties);
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
