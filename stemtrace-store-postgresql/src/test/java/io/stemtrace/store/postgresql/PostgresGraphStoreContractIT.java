package io.stemtrace.store.postgresql;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.testing.ForwardingGraphStore;
import io.stemtrace.testing.GraphStoreContractTest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole GraphStore contract over PostgreSQL, read back from the database: after events are
 * applied, the first query commits them, closes the store and answers from a store opened anew on
 * the same schema, rebuilt from nothing but the event log. Every graph the contract checks is so
 * one that survived a restart.
 */
class PostgresGraphStoreContractIT extends GraphStoreContractTest {

  /**
   * Schemas emptied for the next store rather than dropped: the suite opens about 900 stores, and
   * as many dropped schemas leave PostgreSQL tens of thousands of files to sync at its next
   * checkpoint, which then makes a restart (PostgresGraphStoreIT's) take minutes.
   */
  private static final Deque<String> FREE_SCHEMAS = new ArrayDeque<>();

  private static final List<String> ALL_SCHEMAS = new ArrayList<>();

  private final List<ReopeningStore> stores = new ArrayList<>();

  @BeforeAll
  static void postgresRunning() {
    PostgresTestSupport.requirePostgres();
  }

  @AfterAll
  static void dropSchemas() {
    for (String schema : ALL_SCHEMAS) PostgresTestSupport.dropSchema(schema);
    ALL_SCHEMAS.clear();
    FREE_SCHEMAS.clear();
  }

  @Override
  protected GraphStore newStore(int maxNodes) {
    String schema = FREE_SCHEMAS.poll();
    if (schema == null) {
      schema = PostgresTestSupport.newSchema();
      ALL_SCHEMAS.add(schema);
    }
    ReopeningStore store = new ReopeningStore(schema, maxNodes);
    stores.add(store);
    return store;
  }

  @AfterEach
  void emptySchemas() {
    for (ReopeningStore store : stores) {
      store.current.close();
      // DELETE, not TRUNCATE: a truncated table gets new files too
      PostgresTestSupport.execute(
          "DELETE FROM "
              + store.schema
              + ".events; DELETE FROM "
              + store.schema
              + ".kept_events; DELETE FROM "
              + store.schema
              + ".failed_workflows");
      FREE_SCHEMAS.add(store.schema);
    }
    stores.clear();
  }

  /** Applies to the open store; before a query after applies, restarts it from the database. */
  private static final class ReopeningStore extends ForwardingGraphStore {
    final String schema;
    final int maxNodes;
    PostgresGraphStore current;
    boolean applied;

    ReopeningStore(String schema, int maxNodes) {
      this.schema = schema;
      this.maxNodes = maxNodes;
      this.current = open();
    }

    private PostgresGraphStore open() {
      PostgresGraphStore store =
          PostgresGraphStore.builder(PostgresTestSupport.url(schema))
              .maxNodes(maxNodes)
              .dataSource(PostgresTestSupport.sharedPool())
              .build();
      store.replay();
      return store;
    }

    @Override
    public void apply(TaskEvent event) {
      current.apply(event);
      applied = true;
    }

    @Override
    public void apply(WorkerEvent event) {
      current.apply(event);
      applied = true;
    }

    @Override
    protected GraphStore delegate() {
      if (applied) {
        current.close(); // flushes
        current = open();
        applied = false;
      }
      return current;
    }
  }
}
