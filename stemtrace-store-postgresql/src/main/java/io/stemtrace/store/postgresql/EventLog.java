package io.stemtrace.store.postgresql;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
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

  /**
   * One row to write: the day it is filed under, its key, its encoded bytes, the workflow it
   * belongs to (null for worker events) and whether it is a task failing.
   */
  record Row(LocalDate day, byte[] key, byte[] body, String workflow, boolean failed) {}

  private final DataSource pool;
  private final String schema;
  private final Duration retain;
  private final Duration retainFailed;
  private final Clock clock;

  /** partitions known to exist, of events and of kept_events */
  private final Set<String> partitions = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private volatile LocalDate retentionCheckedOn;

  EventLog(DataSource pool, String schema, Duration retain, Duration retainFailed, Clock clock) {
    this.pool = pool;
    this.schema = schema;
    this.retain = retain;
    this.retainFailed = retainFailed;
    this.clock = clock;
  }

  /**
   * The row for an event. An event is filed under its own UTC day, so a redelivery lands on the
   * same row; a timestamp outside the retained days (a clock far off, a hostile value) is filed
   * under today, so that no partition is made for a day retention would drop at once or for a far
   * future.
   */
  Row row(StemtraceEvent event, byte[] body, String workflow) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    Instant at = timestamp(event);
    LocalDate day = at == null ? today : LocalDate.ofInstant(at, ZoneOffset.UTC);
    if (day.isBefore(today.minusDays(retain.toDays())) || day.isAfter(today.plusDays(1))) {
      day = today;
    }
    boolean failed = event instanceof TaskEvent task && task.state() == TaskState.FAILURE;
    // PostgreSQL text cannot hold U+0000, which an id may; the same stand-in on every row keeps
    // the workflow's rows together
    String storable = workflow == null ? null : workflow.replace('\u0000', '\uFFFD');
    return new Row(day, key(body), body, storable, failed);
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
  private void ensurePartitions(List<Row> rows) throws SQLException {
    Set<LocalDate> days = new TreeSet<>();
    for (Row row : rows) {
      if (!partitions.contains(partitionName("events", row.day()))) days.add(row.day());
    }
    if (days.isEmpty()) return;
    try (Connection connection = pool.getConnection()) {
      for (LocalDate day : days) ensurePartition(connection, "events", day);
    }
  }

  /**
   * Inserts the rows inside the caller's open transaction; a row already there (a redelivery) is
   * left as it is. COPY into the session's own staging table, then one INSERT ... ON CONFLICT: a
   * chunk costs the server one statement instead of one per row.
   */
  private void insert(Connection connection, List<Row> rows) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // the usual case, nothing of the batch stored yet: straight into the table; a redelivered row
      // makes COPY fail as a whole, and the batch goes again through a staging table, row by row
      // left alone when it is there already
      Savepoint beforeCopy = connection.setSavepoint();
      try {
        copy(
            connection,
            "COPY "
                + schema
                + ".events (day, event_key, body, workflow) FROM STDIN (FORMAT binary)",
            rows,
            false);
        connection.releaseSavepoint(beforeCopy);
      } catch (SQLException e) {
        if (!"23505".equals(e.getSQLState())) throw e;
        connection.rollback(beforeCopy);
        statement.execute(
            "CREATE TEMP TABLE IF NOT EXISTS stemtrace_staging_v2 (ord int, day date, event_key"
                + " bytea, body bytea, workflow text) ON COMMIT DELETE ROWS");
        copy(
            connection,
            "COPY stemtrace_staging_v2 (ord, day, event_key, body, workflow) FROM STDIN (FORMAT binary)",
            rows,
            true);
        statement.executeUpdate(
            "INSERT INTO "
                + schema
                + ".events (day, event_key, body, workflow) SELECT day, event_key, body, workflow"
                + " FROM stemtrace_staging_v2 ORDER BY ord ON CONFLICT DO NOTHING");
        statement.execute("TRUNCATE stemtrace_staging_v2");
      }
    }
    recordFailures(connection, rows);
  }

  private static void copy(Connection connection, String sql, List<Row> rows, boolean ordered)
      throws SQLException {
    try {
      connection
          .unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(sql, new java.io.ByteArrayInputStream(binaryCopy(rows, ordered)));
    } catch (java.io.IOException e) {
      throw new SQLException("COPY failed: " + e.getMessage(), e);
    }
  }

  /** The workflows with a failed task in the batch, with the last day one failed. */
  private void recordFailures(Connection connection, List<Row> rows) throws SQLException {
    java.util.Map<String, LocalDate> failed = new java.util.TreeMap<>();
    for (Row row : rows) {
      if (row.failed() && row.workflow() != null)
        failed.merge(row.workflow(), row.day(), (a, b) -> a.isAfter(b) ? a : b);
    }
    if (failed.isEmpty()) return;
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO "
                + schema
                + ".failed_workflows (workflow, last_failed) VALUES (?, ?) ON CONFLICT (workflow)"
                + " DO UPDATE SET last_failed = greatest(failed_workflows.last_failed,"
                + " EXCLUDED.last_failed)")) {
      for (var entry : failed.entrySet()) {
        upsert.setString(1, entry.getKey());
        upsert.setDate(2, Date.valueOf(entry.getValue()));
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  /** Tells readers there is news (delivered at commit, once however many rows) and commits. */
  private void commit(Connection connection) throws SQLException {
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

  /**
   * The rows in COPY's binary format: a header, then per row its field count and fields ({@code
   * ordered}: the row's position first, for the staging table).
   */
  static byte[] binaryCopy(List<Row> rows, boolean ordered) {
    int size = 19 + 2;
    List<byte[]> workflows = new java.util.ArrayList<>(rows.size());
    for (Row row : rows) {
      byte[] workflow =
          row.workflow() == null
              ? null
              : row.workflow().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      workflows.add(workflow);
      size += 2 + (ordered ? 8 : 0) + 8 + 4 + row.key().length + 4 + row.body().length;
      size += 4 + (workflow == null ? 0 : workflow.length);
    }
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size);
    out.put(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
    out.putInt(0); // flags
    out.putInt(0); // header extension length
    int ord = 0;
    for (Row row : rows) {
      byte[] workflow = workflows.get(ord);
      out.putShort((short) (ordered ? 5 : 4));
      if (ordered) out.putInt(4).putInt(ord);
      ord++;
      out.putInt(4).putInt((int) (row.day().toEpochDay() - PG_EPOCH_DAY));
      out.putInt(row.key().length).put(row.key());
      out.putInt(row.body().length).put(row.body());
      if (workflow == null) out.putInt(-1);
      else out.putInt(workflow.length).put(workflow);
    }
    out.putShort((short) -1);
    return out.array();
  }

  private void ensurePartition(Connection connection, String table, LocalDate day)
      throws SQLException {
    String name = partitionName(table, day);
    if (partitions.contains(name)) return;
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + schema
              + "."
              + name
              + " PARTITION OF "
              + schema
              + "."
              + table
              + " FOR VALUES FROM ('"
              + day
              + "') TO ('"
              + day.plusDays(1)
              + "')");
    } catch (SQLException e) {
      // another writer made it between our check and our statement
      if (!"42P07".equals(e.getSQLState())) throw e;
    }
    partitions.add(name);
  }

  private static String partitionName(String table, LocalDate day) {
    return table + "_" + PARTITION_SUFFIX.format(day);
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
              "SELECT seq, body FROM (SELECT seq, body FROM "
                  + schema
                  + ".events WHERE day >= ? AND seq > ? UNION ALL SELECT seq, body FROM "
                  + schema
                  + ".kept_events WHERE day >= ? AND seq > ?) retained ORDER BY seq")) {
        select.setFetchSize(REPLAY_FETCH);
        select.setDate(1, Date.valueOf(oldestRetainedDay()));
        select.setLong(2, afterSeq);
        select.setDate(3, Date.valueOf(oldestKeptDay()));
        select.setLong(4, afterSeq);
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

  private LocalDate oldestKeptDay() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(retainFailed.toDays());
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

  /**
   * Drops the day partitions older than the retention, first moving the events of failed workflows
   * to the same day's partition of {@code kept_events}, and drops those older than the retention of
   * failed workflows; answers how many partitions of events went.
   */
  int dropExpired() throws SQLException {
    LocalDate oldest = oldestRetainedDay();
    LocalDate oldestKept = oldestKeptDay();
    boolean keepFailed = retainFailed.compareTo(retain) > 0;
    int dropped = 0;
    try (Connection connection = pool.getConnection()) {
      for (String name : partitionsOf(connection, "events")) {
        LocalDate day = partitionDay("events", name);
        if (day == null || !day.isBefore(oldest)) continue;
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          if (keepFailed && !day.isBefore(oldestKept)) {
            ensurePartition(connection, "kept_events", day);
            statement.executeUpdate(
                "INSERT INTO "
                    + schema
                    + ".kept_events (day, seq, event_key, body, workflow) SELECT day, seq,"
                    + " event_key, body, workflow FROM "
                    + schema
                    + "."
                    + name
                    + " e WHERE e.workflow IN (SELECT workflow FROM "
                    + schema
                    + ".failed_workflows) ON CONFLICT DO NOTHING");
          }
          statement.execute("DROP TABLE " + schema + "." + name);
          connection.commit();
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
        partitions.remove(name);
        dropped++;
      }
      int droppedKept = 0;
      try (Statement statement = connection.createStatement()) {
        for (String name : partitionsOf(connection, "kept_events")) {
          LocalDate day = partitionDay("kept_events", name);
          if (day == null || !day.isBefore(oldestKept)) continue;
          statement.execute("DROP TABLE " + schema + "." + name);
          partitions.remove(name);
          droppedKept++;
        }
        // a small table: one row per failed workflow, not per event
        try (PreparedStatement forget =
            connection.prepareStatement(
                "DELETE FROM " + schema + ".failed_workflows WHERE last_failed < ?")) {
          forget.setDate(1, Date.valueOf(oldestKept));
          forget.executeUpdate();
        }
      }
      if (dropped > 0 || droppedKept > 0) {
        LOG.info(
            "dropped {} day partitions of {} older than {} and {} of failed workflows older than {}",
            dropped,
            schema,
            oldest,
            droppedKept,
            oldestKept);
      }
    }
    return dropped;
  }

  private List<String> partitionsOf(Connection connection, String table) throws SQLException {
    List<String> names = new java.util.ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid ="
                + " p.relnamespace WHERE n.nspname = ? AND p.relname = ? ORDER BY 1")) {
      select.setString(1, schema);
      select.setString(2, table);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) names.add(result.getString(1));
      }
    }
    return names;
  }

  private static LocalDate partitionDay(String table, String name) {
    if (!name.startsWith(table + "_")) return null;
    try {
      return LocalDate.parse(name.substring(table.length() + 1), PARTITION_SUFFIX);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
