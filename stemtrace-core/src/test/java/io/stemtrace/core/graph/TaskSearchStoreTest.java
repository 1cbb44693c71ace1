package io.stemtrace.core.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.Page;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskSearch;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskSearchStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-26T03:00:00Z");

  private final InMemoryGraphStore store = InMemoryGraphStore.builder().scanLimit(1_000).build();
  private int clock;

  private void event(String id, String name, TaskState state, Object args, Map<String, ?> kwargs) {
    store.apply(
        TaskEvent.builder(id, state)
            .name(name)
            .timestamp(T0.plusMillis(clock++))
            .args(args)
            .kwargs(kwargs)
            .hostname(hostOf(name))
            .build());
  }

  /** Which worker runs a task of the workload: charges on w1, the rest on w2, unnamed on none. */
  private static String hostOf(String name) {
    if (name == null) return null;
    return name.equals("orders.charge") ? "w1@host" : "w2@host";
  }

  private void finished(String id, String name, TaskState state, Object result, String error) {
    store.apply(
        TaskEvent.builder(id, state)
            .name(name)
            .timestamp(T0.plusMillis(clock++))
            .result(result)
            .exception(error)
            .hostname(hostOf(name))
            .build());
  }

  private void worker(String hostname, String... names) {
    store.apply(
        new WorkerEvent(WorkerEvent.Type.READY, hostname, 1, T0, List.of(names), Map.of(), null));
  }

  private Page<TaskNode> search(String query) {
    return store.tasks(TaskQuery.all(50, 0).withSearch(TaskSearch.parse(query)));
  }

  private static List<String> ids(Page<TaskNode> page) {
    return page.items().stream().map(TaskNode::id).toList();
  }

  private void workload() {
    event("o1", "orders.charge", TaskState.PENDING, List.of(42, "eur"), Map.of("user_id", 7));
    finished("o1", "orders.charge", TaskState.FAILURE, null, "TimeoutError: gateway");
    event("o2", "orders.charge", TaskState.PENDING, List.of(43), Map.of("user_id", 8));
    finished("o2", "orders.charge", TaskState.SUCCESS, Map.of("paid", true), null);
    event("o3", "orders.refund", TaskState.PENDING, List.of(42), Map.of("user_id", 7));
    finished("o3", "orders.refund", TaskState.SUCCESS, "refunded", null);
    event("m1", "mail.send", TaskState.STARTED, List.of("ann@example.com"), null);
    event("x1", null, TaskState.FAILURE, null, null);
    worker("w1@host", "orders.charge");
    worker("w2@host", "orders.refund", "mail.send");
  }

  @Test
  void name_globAndSubstring_pickTheNamesLists() {
    workload();

    assertThat(ids(search("name:orders.*"))).containsExactly("o3", "o2", "o1");
    assertThat(ids(search("name:refund"))).containsExactly("o3");
    assertThat(ids(search("name:*.charge"))).containsExactly("o2", "o1");
    assertThat(search("name:orders.*").total()).isEqualTo(3);
    assertThat(search("name:orders.*").scan()).isNull();
  }

  @Test
  void state_usesTheCurrentState_includingUnnamedTasks() {
    workload();

    assertThat(ids(search("state:FAILURE"))).containsExactly("x1", "o1");
    assertThat(ids(search("state:success,started"))).containsExactly("m1", "o3", "o2");
    assertThat(search("state:PENDING").total()).isZero();
    assertThat(search("state:failure state:success").total()).isZero();
  }

  @Test
  void nameAndState_areAnded() {
    workload();

    Page<TaskNode> page = search("name:orders.* state:SUCCESS");

    assertThat(ids(page)).containsExactly("o3", "o2");
    assertThat(page.total()).isEqualTo(2);
  }

  @Test
  void worker_matchesTasksWhoseEventsNamedTheWorker() {
    workload();

    assertThat(ids(search("worker:w1"))).containsExactly("o2", "o1");
    assertThat(ids(search("worker:w2@* state:SUCCESS"))).containsExactly("o3");
    assertThat(ids(search("worker:w2 name:mail.*"))).containsExactly("m1");
    assertThat(search("worker:w2 name:mail.*").total()).isEqualTo(1);
    assertThat(search("worker:nobody").total()).isZero();
  }

  @Test
  void worker_namedOnlyByALaterEvent_isFoundInTheStateItIsIn() {
    store.apply(
        TaskEvent.builder("late", TaskState.PENDING).name("orders.charge").timestamp(T0).build());
    assertThat(search("worker:w9").total()).isZero();

    store.apply(
        TaskEvent.builder("late", TaskState.STARTED)
            .name("orders.charge")
            .timestamp(T0.plusMillis(1))
            .hostname("w9@host")
            .build());
    assertThat(ids(search("worker:w9 state:STARTED"))).containsExactly("late");

    store.apply(
        TaskEvent.builder("late", TaskState.SUCCESS)
            .name("orders.charge")
            .timestamp(T0.plusMillis(2))
            .hostname("w9@host")
            .build());
    assertThat(search("worker:w9 state:STARTED").total()).isZero();
    assertThat(ids(search("worker:w9 state:SUCCESS"))).containsExactly("late");
    assertThat(search("worker:w9").total()).isEqualTo(1);
  }

  @Test
  void args_kwargs_result_exception_scanPayloads() {
    workload();

    assertThat(ids(search("args:42"))).containsExactly("o3", "o1");
    assertThat(ids(search("kwargs:user_id=7"))).containsExactly("o3", "o1");
    assertThat(ids(search("kwargs:user_id=8"))).containsExactly("o2");
    assertThat(ids(search("kwargs:user_id"))).containsExactly("o3", "o2", "o1");
    assertThat(ids(search("args:eur"))).containsExactly("o1");
    assertThat(ids(search("result:refunded"))).containsExactly("o3");
    assertThat(ids(search("result:true"))).containsExactly("o2");
    assertThat(ids(search("exception:Timeout"))).containsExactly("o1");
    Page<TaskNode> page = search("args:42 state:FAILURE");
    assertThat(ids(page)).containsExactly("o1");
    assertThat(page.scan()).isEqualTo(new Page.Scan(2, false));
  }

  @Test
  void freeText_matchesIdNameOrPayload() {
    workload();

    assertThat(ids(search("example.com"))).containsExactly("m1");
    assertThat(ids(search("refund"))).containsExactly("o3");
    assertThat(ids(search("x1"))).containsExactly("x1");
    assertThat(ids(search("orders 42"))).containsExactly("o3", "o1");
  }

  @Test
  void idPrefix_listsEveryTaskItStarts() {
    workload();

    assertThat(ids(search("id:o"))).containsExactly("o3", "o2", "o1");
    assertThat(ids(search("id:o2"))).containsExactly("o2");
    assertThat(search("id:zz").total()).isZero();
  }

  @Test
  void scanLimit_truncates_butAWholeIdIsFoundHoweverOld() {
    InMemoryGraphStore small = InMemoryGraphStore.builder().scanLimit(10).build();
    for (int i = 0; i < 30; i++) {
      small.apply(
          TaskEvent.builder("t" + i, TaskState.SUCCESS)
              .name("app.work")
              .timestamp(T0.plusSeconds(i))
              .args(List.of(i))
              .build());
    }

    Page<TaskNode> prefix = small.tasks(TaskQuery.all(50, 0).withSearch(TaskSearch.parse("id:t")));
    Page<TaskNode> old = small.tasks(TaskQuery.all(50, 0).withSearch(TaskSearch.parse("id:t3")));

    assertThat(prefix.items()).hasSize(10);
    assertThat(prefix.scan()).isEqualTo(new Page.Scan(10, true));
    assertThat(ids(old)).contains("t3");
  }

  @Test
  void searchTerms_combineWithTheQueryFilters() {
    workload();

    Page<TaskNode> page =
        store.tasks(
            new TaskQuery(Set.of(TaskState.SUCCESS), "refund", null, null, 50, 0)
                .withSearch(TaskSearch.parse("name:orders.*")));

    assertThat(ids(page)).containsExactly("o3");
    assertThat(page.total()).isEqualTo(1);
  }

  @Test
  void paging_skipsAndCountsLikeUnsearchedLists() {
    workload();

    Page<TaskNode> second =
        store.tasks(TaskQuery.all(1, 1).withSearch(TaskSearch.parse("name:orders")));

    assertThat(ids(second)).containsExactly("o2");
    assertThat(second.total()).isEqualTo(3);
  }

  @Test
  void workflows_holdingAMatchingTask_newestFirst() {
    store.apply(
        TaskEvent.builder("root1", TaskState.SUCCESS).name("app.root").timestamp(T0).build());
    store.apply(
        TaskEvent.builder("child1", TaskState.FAILURE)
            .name("app.child")
            .parentId("root1")
            .timestamp(T0.plusSeconds(1))
            .exception("Timeout")
            .build());
    store.apply(
        TaskEvent.builder("root2", TaskState.FAILURE)
            .name("app.root")
            .timestamp(T0.plusSeconds(2))
            .build());

    Page<WorkflowSummary> failing =
        store.workflows(WorkflowQuery.all(10, 0).withSearch(TaskSearch.parse("state:FAILURE")));
    Page<WorkflowSummary> timeout =
        store.workflows(WorkflowQuery.all(10, 0).withSearch(TaskSearch.parse("exception:timeout")));

    assertThat(failing.items())
        .extracting(WorkflowSummary::rootId)
        .containsExactly("root2", "root1");
    assertThat(failing.total()).isEqualTo(2);
    assertThat(timeout.items()).extracting(WorkflowSummary::rootId).containsExactly("root1");
    assertThat(timeout.scan()).isEqualTo(new Page.Scan(3, false));
  }

  @Test
  void eviction_dropsTasksFromTheStateIndexes() {
    InMemoryGraphStore tiny = InMemoryGraphStore.create(5);
    for (int i = 0; i < 20; i++) {
      tiny.apply(
          TaskEvent.builder("t" + i, i % 2 == 0 ? TaskState.FAILURE : TaskState.SUCCESS)
              .name("app.n" + (i % 3))
              .timestamp(T0.plusSeconds(i))
              .build());
    }

    Page<TaskNode> failures =
        tiny.tasks(TaskQuery.all(50, 0).withSearch(TaskSearch.parse("state:FAILURE")));

    assertThat(ids(failures)).containsExactly("t18", "t16");
    assertThat(failures.total()).isEqualTo(2);
  }

  @Test
  void stateIndexes_holdTwoEntriesPerTask_throughStateChangesRenamesAndEviction() {
    InMemoryGraphStore small = InMemoryGraphStore.create(50);
    TaskState[] states = TaskState.values();
    for (int i = 0; i < 500; i++) {
      String id = "t" + i;
      small.apply(TaskEvent.builder(id, TaskState.PENDING).timestamp(T0.plusSeconds(i)).build());
      small.apply(
          TaskEvent.builder(id, states[i % states.length])
              .name("app.n" + (i % 7))
              .timestamp(T0.plusSeconds(i).plusMillis(5))
              .build());
      small.apply(
          TaskEvent.builder(id, TaskState.SUCCESS)
              .name("app.n" + (i % 7))
              .retries(1)
              .timestamp(T0.plusSeconds(i).plusMillis(9))
              .build());
    }

    assertThat(small.taskCount()).isEqualTo(50);
    assertThat(small.stateIndexEntries()).isEqualTo(2 * small.taskCount());
    assertThat(
            small.tasks(TaskQuery.all(1, 0).withSearch(TaskSearch.parse("state:SUCCESS"))).total())
        .isEqualTo(50);
  }

  @Test
  void stateIndex_followsLateEventsAndRenames() {
    store.apply(TaskEvent.builder("a", TaskState.PENDING).timestamp(T0).build());
    store.apply(
        TaskEvent.builder("a", TaskState.SUCCESS)
            .name("late.named")
            .timestamp(T0.plusSeconds(1))
            .build());

    assertThat(ids(search("name:late.* state:SUCCESS"))).containsExactly("a");
    assertThat(search("state:PENDING").total()).isZero();
  }

  @Test
  void searchResults_pagedByCursorWhileTasksArrive_showEveryMatchOnce() {
    for (int i = 0; i < 25; i++) {
      event(
          "a" + i, i % 2 == 0 ? "orders.charge" : "mail.send", TaskState.PENDING, List.of(i), null);
    }
    for (String query : List.of("name:orders.*", "args:1")) {
      TaskQuery first =
          new TaskQuery(null, null, null, null, 4, 0).withSearch(TaskSearch.parse(query));
      List<String> seen = new java.util.ArrayList<>();
      Page<TaskNode> page = store.tasks(first);
      int arrivals = 0;
      while (true) {
        // the first query's late arrivals match the second one too, from before it started
        ids(page).stream().filter(id -> !id.startsWith("late-name")).forEach(seen::add);
        // newer matches arrive between two pages: they belong above the first page, not in the next
        event("late-" + query + arrivals++, "orders.charge", TaskState.PENDING, List.of(1), null);
        if (page.nextCursor() == null) break;
        page = store.tasks(first.withCursor(page.nextCursor()));
      }
      List<String> expected =
          query.startsWith("name")
              ? java.util.stream.IntStream.iterate(24, i -> i >= 0, i -> i - 2)
                  .mapToObj(i -> "a" + i)
                  .toList()
              : List.of(
                  "a21", "a19", "a18", "a17", "a16", "a15", "a14", "a13", "a12", "a11", "a10",
                  "a1");
      assertThat(seen).as(query).containsExactlyElementsOf(expected);
    }
  }
}
