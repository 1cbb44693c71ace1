package io.stemtrace.store.postgresql;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a store's event log for a dashboard that reads only: LISTENs for the writer's
 * notification after each commit and reads what is new, and reads anyway every {@link #POLL_MILLIS}
 * ms, so a lost notification costs at most that. Reconnects with backoff.
 */
final class PostgresFeed implements Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresFeed.class);

  static final int POLL_MILLIS = 1_000;
  private static final int BATCH = 1_000;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final PostgresGraphStore store;
  private final PostgresUrl url;
  private final EventSink sink;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean connected;
  private volatile Instant disconnectedSince = Instant.now();
  private volatile String lastError;
  private volatile Connection listening;

  PostgresFeed(PostgresGraphStore store, PostgresUrl url, EventSink sink) {
    this.store = store;
    this.url = url;
    this.sink = sink;
    this.thread = new Thread(this::run, "stemtrace-postgresql-feed{" + url.schema() + "}");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long backoff = 100;
    while (running) {
      try (Connection connection = url.connect("stemtrace-feed")) {
        listening = connection;
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + EventLog.CHANNEL);
        }
        PGConnection notifications = connection.unwrap(PGConnection.class);
        if (!connected) LOG.info("following the event log of {}", url.safe());
        connected = true;
        disconnectedSince = null;
        lastError = null;
        backoff = 100;
        while (running) {
          readNew();
          PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
          if (received != null && received.length > 0) {
            LOG.trace("{} notifications", received.length);
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) return;
        if (connected || lastError == null) {
          LOG.warn("lost the event log of {} (reconnecting): {}", url.safe(), e.getMessage());
        }
        connected = false;
        if (disconnectedSince == null) disconnectedSince = Instant.now();
        lastError = "cannot follow " + url.safe() + ": " + e.getMessage();
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      } finally {
        listening = null;
      }
    }
  }

  private void readNew() throws SQLException {
    long after = store.lastSeq();
    long last = store.log().readAfter(after, BATCH, sink::accept);
    store.lastSeq(last);
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public Optional<Instant> disconnectedSince() {
    return Optional.ofNullable(disconnectedSince);
  }

  @Override
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public void close() {
    if (!running) return;
    running = false;
    thread.interrupt();
    Connection current = listening;
    if (current != null) {
      try {
        current.close();
      } catch (SQLException ignored) {
        // closing ends the wait for notifications either way
      }
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
