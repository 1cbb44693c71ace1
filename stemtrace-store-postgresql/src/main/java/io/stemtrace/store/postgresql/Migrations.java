package io.stemtrace.store.postgresql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a schema to the newest version this build knows, one versioned SQL file at a time, each in
 * its own transaction under an advisory lock, so that two collectors starting together migrate
 * once. A schema newer than this build is refused rather than written with an older layout.
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** In order; a released file never changes, a change is a new file. */
  static final List<String> FILES = List.of("V1__event_log.sql", "V2__kept_failed_workflows.sql");

  private Migrations() {}

  static int latest() {
    return FILES.size();
  }

  /** Migrates {@code schema}; answers the version it is at. */
  static int migrate(Connection connection, String schema) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "SELECT pg_advisory_xact_lock(hashtext('stemtrace-migrate:" + schema + "'))");
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + schema
              + ".schema_version (version int PRIMARY KEY, description text NOT NULL,"
              + " applied_at timestamptz NOT NULL DEFAULT now())");
      int current = current(connection, schema);
      if (current > latest()) {
        throw new IllegalStateException(
            "schema "
                + schema
                + " is at version "
                + current
                + ", newer than this stemtrace knows ("
                + latest()
                + "): run a stemtrace at least as new as the one that wrote it");
      }
      for (int version = current + 1; version <= latest(); version++) {
        String file = FILES.get(version - 1);
        for (String sql : statements(read(file).replace("${schema}", schema))) {
          statement.execute(sql);
        }
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO " + schema + ".schema_version (version, description) VALUES (?, ?)")) {
          insert.setInt(1, version);
          insert.setString(2, file);
          insert.executeUpdate();
        }
        LOG.info("migrated schema {} to version {} ({})", schema, version, file);
      }
      connection.commit();
      return latest();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static int current(Connection connection, String schema) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT coalesce(max(version), 0) FROM " + schema + ".schema_version")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  /** Splits on semicolons that end a line; comments are dropped. The files hold no functions. */
  static List<String> statements(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) continue;
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        statements.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) statements.add(current.toString().strip());
    return statements;
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream(file)) {
      if (in == null)
        throw new IllegalStateException("migration " + file + " is not on the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
