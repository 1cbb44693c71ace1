package io.stemtrace.store.postgresql;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.WorkerEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events table: batched idempotent inserts into day partitions made on demand, replay in commit
 * order, and retention by dropping whole day partitions.
 */
final class EventLog {

  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
  private static final DateTimeFormatter PARTITION_SUFFIX = DateTimeFormatter.BASIC_ISO_DATE;
  private static final int KEY_BYTES = 16;
  private static final int REPLAY_FETCH = 5_000;

  /** One row to write: the day it is filed under, its key and its encoded bytes. */
  record Row(LocalDate day, byte[] key, byte[] body) {}

  private final DataSource pool;
  private final String schema;
  private final Duration retain;
  private final Clock clock;

  /** partitions known to exist; only the writer thread touches it */
  private final Set<LocalDate> partitions = new HashSet<>();

  private LocalDate retentionCheckedOn;

  EventLog(DataSource pool, String schema, Duration retain, Clock clock) {
    this.pool = pool;
    this.schema = schema;
    this.retain = retain;
    this.clock = clock;
  }

  /**
   * The row for an event. An event is filed under its own UTC day, so a redelivery lands on the
   * same row; a timestamp outside the retained days (a clock far off, a hostile value) is filed
   * under today, so that no partition is made for a day retention would drop at once or for a far
   * future.
   */
  Row row(StemtraceEvent event, byte[] body) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    Instant at = timestamp(event);
    LocalDate day = at == null ? today : LocalDate.ofInstant(at, ZoneOffset.UTC);
    if (day.isBefore(today.minusDays(retain.toDays())) || day.isAfter(today.plusDays(1))) {
      day = today;
    }
    return new Row(day, key(body), body);
  }

  private static Instant timestamp(StemtraceEvent event) {
    if (event instanceof TaskEvent task) return task.timestamp();
    if (event instanceof WorkerEvent worker) return worker.timestamp();
    return null;
  }

  static byte[] key(byte[] body) {
    try {
      return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(body), KEY_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Writes the rows in one transaction; a row already there (a redelivery) is left as it is. */
  void write(List<Row> rows) throws SQLException {
    if (rows.isEmpty()) return;
    try (Connection connection = pool.getConnection()) {
      Set<LocalDate> days = new TreeSet<>();
      for (Row row : rows) days.add(row.day());
      for (LocalDate day : days) ensurePartition(connection, day);
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + schema
                  + ".events (day, event_key, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
        for (Row row : rows) {
          insert.setDate(1, Date.valueOf(row.day()));
          insert.setBytes(2, row.key());
          insert.setBytes(3, row.body());
          insert.addBatch();
        }
        insert.executeBatch();
        // delivered at commit, once per transaction however many rows: readers then read what is
        // new
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
          notify.setString(1, CHANNEL);
          notify.setString(2, schema);
          notify.execute();
        }
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    dropExpiredOncePerDay();
  }

  private void ensurePartition(Connection connection, LocalDate day) throws SQLException {
    if (partitions.contains(day)) return;
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + partitionName(day)
              + " PARTITION OF "
              + schema
              + ".events FOR VALUES FROM ('"
              + day
              + "') TO ('"
              + day.plusDays(1)
              + "')");
    } catch (SQLException e) {
      // another writer made it between our check and our statement
      if (!"42P07".equals(e.getSQLState())) throw e;
    }
    partitions.add(day);
  }

  private String partitionName(LocalDate day) {
    return schema + ".events_" + PARTITION_SUFFIX.format(day);
  }

  /** The channel writers notify after each commit, with the schema as payload. */
  static final String CHANNEL = "stemtrace_events";

  /**
   * Hands the retained events committed after {@code afterSeq} to {@code sink} in batches of at
   * most {@code batchSize}, in commit order; answers the last seq handed over ({@code afterSeq}
   * when none).
   */
  long readAfter(long afterSeq, int batchSize, Consumer<List<byte[]>> sink) throws SQLException {
    long last = afterSeq;
    try (Connection connection = pool.getConnection()) {
      // a cursor, not the whole result in memory: pgjdbc fetches in chunks only inside a
      // transaction
      connection.setAutoCommit(false);
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT seq, body FROM "
                  + schema
                  + ".events WHERE day >= ? AND seq > ? ORDER BY seq")) {
        select.setFetchSize(REPLAY_FETCH);
        select.setDate(1, Date.valueOf(oldestRetainedDay()));
        select.setLong(2, afterSeq);
        List<byte[]> batch = new java.util.ArrayList<>(batchSize);
        try (ResultSet result = select.executeQuery()) {
          while (result.next()) {
            last = result.getLong(1);
            batch.add(result.getBytes(2));
            if (batch.size() == batchSize) {
              sink.accept(batch);
              batch = new java.util.ArrayList<>(batchSize);
            }
          }
        }
        if (!batch.isEmpty()) sink.accept(batch);
        connection.commit();
      }
    }
    return last;
  }

  private LocalDate oldestRetainedDay() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(retain.toDays());
  }

  private void dropExpiredOncePerDay() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    if (today.equals(retentionCheckedOn)) return;
    try {
      dropExpired();
      retentionCheckedOn = today;
    } catch (SQLException e) {
      LOG.warn(
          "could not drop expired event partitions of {} (will try again): {}",
          schema,
          e.toString());
    }
  }

  /** Drops the day partitions older than the retention; answers how many went. */
  int dropExpired() throws SQLException {
    LocalDate oldest = oldestRetainedDay();
    int dropped = 0;
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      List<String> expired = new java.util.ArrayList<>();
      try (ResultSet result =
          statement.executeQuery(
              "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                  + " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace"
                  + " WHERE n.nspname = '"
                  + schema
                  + "' AND p.relname = 'events'")) {
        while (result.next()) {
          String name = result.getString(1);
          LocalDate day = partitionDay(name);
          if (day != null && day.isBefore(oldest)) expired.add(name);
        }
      }
      for (String name : expired) {
        statement.execute("DROP TABLE IF EXISTS " + schema + "." + name);
        partitions.remove(partitionDay(name));
        dropped++;
      }
    }
    if (dropped > 0)
      LOG.info("dropped {} day partitions of {} older than {}", dropped, schema, oldest);
    return dropped;
  }

  private static LocalDate partitionDay(String name) {
    if (!name.startsWith("events_")) return null;
    try {
      return LocalDate.parse(name.substring("events_".length()), PARTITION_SUFFIX);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
