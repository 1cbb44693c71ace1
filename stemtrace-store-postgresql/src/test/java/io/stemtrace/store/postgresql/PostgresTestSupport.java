package io.stemtrace.store.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stemtrace.testing.RequiredServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, trust auth, database {@code test}). Every test works in
 * a schema of its own, so runs never collide; under CI=true a missing server fails the tests.
 */
final class PostgresTestSupport {

  static final String HOST = "127.0.0.1";
  static final int PORT = 5432;
  static final String DATABASE = "test";
  static final String USER = "postgres";

  private static HikariDataSource shared;

  private PostgresTestSupport() {}

  static void requirePostgres() {
    RequiredServers.requireListening("PostgreSQL", PORT);
  }

  /** A fresh schema name: {@code st_} and 12 hex digits. */
  static String newSchema() {
    return "st_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  static String url(String schema) {
    return "postgresql://" + USER + "@" + HOST + ":" + PORT + "/" + DATABASE + "?schema=" + schema;
  }

  /** One pool for the tests that open many stores; never closed (the JVM ends with the run). */
  static synchronized HikariDataSource sharedPool() {
    if (shared == null) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl("jdbc:postgresql://" + HOST + ":" + PORT + "/" + DATABASE);
      config.setUsername(USER);
      config.setMaximumPoolSize(4);
      config.setPoolName("stemtrace-tests");
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      shared = new HikariDataSource(config);
    }
    return shared;
  }

  static void dropSchema(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  static void execute(String sql) {
    try (Connection connection = sharedPool().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static long count(String sql) {
    try (Connection connection = sharedPool().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
