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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
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

  /** partitions known to exist */
  private final Set<LocalDate> partitions = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private volatile LocalDate retentionCheckedOn;

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

  /** Makes the day partitions the rows go to, each in its own short transaction. */
  void ensurePartitions(List<Row> rows) throws SQLException {
    Set<LocalDate> days = new TreeSet<>();
    for (Row row : rows) {
      if (!partitions.contains(row.day())) days.add(row.day());
    }
    if (days.isEmpty()) return;
    try (Connection connection = pool.getConnection()) {
      for (LocalDate day : days) ensurePartition(connection, day);
    }
  }

  /**
   * Inserts the rows inside the caller's open transaction; a row already there (a redelivery) is
   * left as it is. COPY into the session's own staging table, then one INSERT ... ON CONFLICT: a
   * chunk costs the server one statement instead of one per row.
   */
  void insert(Connection connection, List<Row> rows) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TEMP TABLE IF NOT EXISTS stemtrace_staging (ord int, day date, event_key bytea,"
              + " body bytea) ON COMMIT DELETE ROWS");
      connection
          .unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY stemtrace_staging (ord, day, event_key, body) FROM STDIN (FORMAT binary)",
              new java.io.ByteArrayInputStream(binaryCopy(rows)));
      statement.executeUpdate(
          "INSERT INTO "
              + schema
              + ".events (day, event_key, body) SELECT day, event_key, body FROM"
              + " stemtrace_staging ORDER BY ord ON CONFLICT DO NOTHING");
      statement.execute("TRUNCATE stemtrace_staging");
    } catch (java.io.IOException e) {
      throw new SQLException("COPY failed: " + e.getMessage(), e);
    }
  }

  /** Tells readers there is news (delivered at commit, once however many rows) and commits. */
  void commit(Connection connection) throws SQLException {
    try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, CHANNEL);
      notify.setString(2, schema);
      notify.execute();
    }
    connection.commit();
    dropExpiredOncePerDay();
  }

  /** Writes the rows in one transaction of their own. */
  void write(List<Row> rows) throws SQLException {
    if (rows.isEmpty()) return;
    ensurePartitions(rows);
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        insert(connection, rows);
        commit(connection);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /** Days between 1970-01-01 and 2000-01-01, PostgreSQL's epoch for binary dates. */
  private static final int PG_EPOCH_DAY = 10_957;

  /** The rows in COPY's binary format: a header, then per row its field count and fields. */
  static byte[] binaryCopy(List<Row> rows) {
    int size = 19 + 2;
    for (Row row : rows) size += 2 + 4 + 4 + 4 + 4 + 4 + row.key().length + 4 + row.body().length;
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size);
    out.put(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
    out.putInt(0); // flags
    out.putInt(0); // header extension length
    int ord = 0;
    for (Row row : rows) {
      out.putShort((short) 4);
      out.putInt(4).putInt(ord++);
      out.putInt(4).putInt((int) (row.day().toEpochDay() - PG_EPOCH_DAY));
      out.putInt(row.key().length).put(row.key());
      out.putInt(row.body().length).put(row.body());
    }
    out.putShort((short) -1);
    return out.array();
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
