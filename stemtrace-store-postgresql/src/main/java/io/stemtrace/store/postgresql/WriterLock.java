package io.stemtrace.store.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per schema: a session advisory lock on a connection of its own. PostgreSQL releases it
 * when that connection ends, however the holder died, so a standby's next try takes over.
 */
final class WriterLock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WriterLock.class);

  /** How often a standby tries again: a takeover comes within this and a connection set-up. */
  static final long RETRY_MILLIS = 2_000;

  private final PostgresUrl url;
  private Connection connection;
  private boolean held;
  private volatile boolean closed;

  WriterLock(PostgresUrl url) {
    this.url = url;
  }

  /** Blocks until the lock is held. */
  synchronized void await() throws InterruptedException {
    boolean told = false;
    while (!closed) {
      try {
        if (tryTake()) {
          if (told) LOG.info("took over writing to {}", url.safe());
          return;
        }
        if (!told) {
          LOG.info(
              "standing by: another collector writes to {}; taking over when it stops", url.safe());
          told = true;
        }
      } catch (SQLException e) {
        LOG.warn(
            "cannot take the writer lock of {} (will try again): {}", url.safe(), e.getMessage());
        drop();
      }
      wait(RETRY_MILLIS);
    }
    throw new InterruptedException("store closed while standing by");
  }

  /**
   * Before a write: true when the lock is still held. A lost connection (a PostgreSQL restart)
   * loses the lock; it is taken again when nobody else took it meanwhile.
   */
  synchronized boolean stillHeld() {
    try {
      if (held && connection != null && connection.isValid(2)) return true;
      drop();
      boolean taken = tryTake();
      if (taken)
        LOG.info("took the writer lock of {} again after its connection was lost", url.safe());
      return taken;
    } catch (SQLException e) {
      drop();
      return false;
    }
  }

  private boolean tryTake() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = url.connect("stemtrace-writer-lock");
    }
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
      statement.setString(1, "stemtrace-writer:" + url.schema());
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        held = result.getBoolean(1);
      }
    }
    return held;
  }

  private void drop() {
    held = false;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the connection is gone either way
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      notifyAll();
      drop(); // ending the session releases the lock
    }
  }
}
