package io.stemtrace;

import static io.stemtrace.api.TaskState.FAILURE;
import static io.stemtrace.api.TaskState.PENDING;
import static io.stemtrace.api.TaskState.REJECTED;
import static io.stemtrace.api.TaskState.RETRY;
import static io.stemtrace.api.TaskState.STARTED;
import static io.stemtrace.api.TaskState.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.TaskEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workflows through wrapped executors and canvas helpers come out with Celery-shaped relations. */
class TracingExecutorServiceTest {

  RecordingTransport transport = new RecordingTransport();
  Stemtrace stemtrace;
  TracingExecutorService pool;
  TracingExecutorService otherPool;

  @BeforeEach
  void setUp() {
    stemtrace =
        Stemtrace.builder().transport(transport).hostname("test@host").shutdownHook(false).build();
    pool = stemtrace.wrap(Executors.newFixedThreadPool(3));
    otherPool = stemtrace.wrap(Executors.newFixedThreadPool(2));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    otherPool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
    otherPool.awaitTermination(5, TimeUnit.SECONDS);
    stemtrace.close();
  }

  EventLog log() {
    return EventLog.of(stemtrace, transport);
  }

  @Test
  void submit_callable_emitsPendingStartedSuccessWithResult() throws Exception {
    Future<Integer> future = pool.submit("math.add", () -> 1 + 2);

    assertThat(future.get()).isEqualTo(3);
    EventLog log = log();
    String id = log.idNamed("math.add");
    assertThat(log.states(id)).containsExactly(PENDING, STARTED, SUCCESS);
    TaskEvent done = log.assertLinks(id, null, id);
    assertThat(done.result()).isEqualTo(3);
    assertThat(done.traceId()).isEqualTo(id);
    assertThat(done.retries()).isZero();
  }

  @Test
  void submit_failingTask_emitsFailureWithStackTraceAndCallerSeesOriginalException() {
    IllegalStateException boom = new IllegalStateException("kaboom 3");
    Future<Object> future =
        pool.submit(
            "capp.boom",
            () -> {
              throw boom;
            });

    assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).hasCause(boom);
    EventLog log = log();
    String id = log.idNamed("capp.boom");
    assertThat(log.states(id)).containsExactly(PENDING, STARTED, FAILURE);
    TaskEvent failure = log.last(id);
    assertThat(failure.exception()).isEqualTo("java.lang.IllegalStateException: kaboom 3");
    assertThat(failure.traceback())
        .startsWith("java.lang.IllegalStateException: kaboom 3")
        .contains("\tat io.stemtrace.TracingExecutorServiceTest");
  }

  @Test
  void execute_runnable_isNamedAfterItsClass() {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    pool.execute(new NamedWork(ran));
    ran.join();

    EventLog log = log();
    String id = log.idNamed("io.stemtrace.TracingExecutorServiceTest.NamedWork");
    waitForState(id, SUCCESS);
  }

  @Test
  void submit_lambda_isNamedAfterTheDeclaringClass() throws Exception {
    pool.submit(() -> "x").get();

    assertThat(log().idsNamed("io.stemtrace.TracingExecutorServiceTest.lambda")).hasSize(1);
  }

  @Test
  void nestedSpawns_threeLevelsAcrossTwoPools_linkParentAndRoot() throws Exception {
    Future<String> top =
        pool.submit(
            "level1",
            () ->
                otherPool.submit("level2", () -> pool.submit("level3", () -> "deep").get()).get());

    assertThat(top.get(5, TimeUnit.SECONDS)).isEqualTo("deep");
    EventLog log = log();
    String l1 = log.idNamed("level1");
    String l2 = log.idNamed("level2");
    String l3 = log.idNamed("level3");
    log.assertLinks(l1, null, l1);
    log.assertLinks(l2, l1, l1);
    log.assertLinks(l3, l2, l1);
    assertThat(log.last(l3).traceId()).isEqualTo(l1);
    for (String id : List.of(l1, l2, l3))
      assertThat(log.states(id)).containsExactly(PENDING, STARTED, SUCCESS);
  }

  @Test
  void currentTask_isRestoredAfterATaskRuns_onPoolThreads() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    TracingExecutorService traced = stemtrace.wrap(single);
    try {
      traced.submit("first", () -> 1).get();
      TaskContext leftover = single.submit(() -> CurrentTask.get()).get();
      assertThat(leftover).isNull();
    } finally {
      traced.shutdownNow();
    }
  }

  @Test
  void chain_linksEachStepToThePreviousAndTheFirst() throws Exception {
    CompletableFuture<Integer> result =
        pool.chain("capp.add", () -> 1 + 2)
            .then("capp.add3", x -> x + 3)
            .then("capp.add4", x -> x + 4)
            .start();

    assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(10);
    EventLog log = log();
    String first = log.idNamed("capp.add");
    String second = log.idNamed("capp.add3");
    String third = log.idNamed("capp.add4");
    log.assertLinks(first, null, first);
    log.assertLinks(second, first, first);
    log.assertLinks(third, second, first);
    assertThat(log.last(third).result()).isEqualTo(10);
    for (String id : List.of(first, second, third)) {
      assertThat(log.states(id)).containsExactly(PENDING, STARTED, SUCCESS);
      assertThat(log.last(id).groupId()).isNull();
    }
  }

  @Test
  void chain_failingStep_stopsTheChain() {
    CompletableFuture<Integer> result =
        pool.chain("a", () -> 1)
            .<Integer>then(
                "b",
                x -> {
                  throw new IllegalArgumentException("bad " + x);
                })
            .then("c", x -> x + 1)
            .start();

    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalArgumentException.class);
    EventLog log = log();
    assertThat(log.states(log.idNamed("b"))).containsExactly(PENDING, STARTED, FAILURE);
    assertThat(log.idsNamed("c")).isEmpty();
  }

  @Test
  void group_membersShareGroupIdAndHangUnderTheLaunchingTask() throws Exception {
    Future<List<Integer>> parent =
        pool.submit(
            "capp.parent",
            () ->
                pool.group(
                        List.of(
                            TaskCall.of("capp.add", () -> 0),
                            TaskCall.of("capp.add", () -> 2),
                            TaskCall.of("capp.add", () -> 4)))
                    .get(5, TimeUnit.SECONDS));

    assertThat(parent.get(5, TimeUnit.SECONDS)).containsExactly(0, 2, 4);
    EventLog log = log();
    String parentId = log.idNamed("capp.parent");
    List<String> members = log.idsNamed("capp.add");
    assertThat(members).hasSize(3);
    String groupId = log.last(members.get(0)).groupId();
    assertThat(groupId).isNotNull().isNotEqualTo(parentId);
    for (String member : members) {
      log.assertLinks(member, parentId, parentId);
      assertThat(log.of(member)).allSatisfy(e -> assertThat(e.groupId()).isEqualTo(groupId));
      assertThat(log.states(member)).containsExactly(PENDING, STARTED, SUCCESS);
    }
    assertThat(log.last(parentId).groupId()).isNull();
  }

  @Test
  void group_atTopLevel_membersAreTheirOwnRoots_asCelery() throws Exception {
    List<String> results =
        pool.group(List.of(TaskCall.of("g", () -> "a"), TaskCall.of("g", () -> "b")))
            .get(5, TimeUnit.SECONDS);

    assertThat(results).containsExactly("a", "b");
    EventLog log = log();
    for (String member : log.idsNamed("g")) log.assertLinks(member, null, member);
  }

  @Test
  void chord_headerCarriesCallbackId_callbackGetsAllResultsAndFollowsTheLastHeader()
      throws Exception {
    CompletableFuture<Integer> sum =
        pool.chord(
            List.of(
                TaskCall.of("capp.add", () -> 20),
                TaskCall.of("capp.add", () -> 40),
                TaskCall.of("capp.add", () -> 60)),
            "capp.tsum",
            xs -> xs.stream().mapToInt(Integer::intValue).sum());

    assertThat(sum.get(5, TimeUnit.SECONDS)).isEqualTo(120);
    EventLog log = log();
    String callback = log.idNamed("capp.tsum");
    List<String> header = log.idsNamed("capp.add");
    assertThat(header).hasSize(3);
    String groupId = log.last(header.get(0)).groupId();
    assertThat(groupId).isNotNull();
    for (String member : header) {
      assertThat(log.of(member))
          .allSatisfy(
              e -> {
                assertThat(e.groupId()).isEqualTo(groupId);
                assertThat(e.chordCallbackId()).isEqualTo(callback);
              });
      log.assertLinks(member, null, member);
    }
    TaskEvent done = log.last(callback);
    assertThat(log.states(callback)).containsExactly(PENDING, STARTED, SUCCESS);
    assertThat(done.result()).isEqualTo(120);
    assertThat(done.groupId()).isNull();
    assertThat(done.chordCallbackId()).isNull();
    // the parent is the header that finished last (as in Celery), so one of the header tasks
    String lastHeader = done.parentId();
    assertThat(header).contains(lastHeader);
    log.assertLinks(callback, lastHeader, lastHeader);
  }

  @Test
  void chord_insideATask_headerAndCallbackShareThatTasksRoot() throws Exception {
    Future<Integer> parent =
        pool.submit(
            "flow",
            () ->
                pool.chord(
                        List.of(TaskCall.of("h", () -> 1), TaskCall.of("h", () -> 2)),
                        "cb",
                        xs -> xs.size())
                    .get());

    assertThat(parent.get(5, TimeUnit.SECONDS)).isEqualTo(2);
    EventLog log = log();
    String flow = log.idNamed("flow");
    for (String h : log.idsNamed("h")) log.assertLinks(h, flow, flow);
    assertThat(log.last(log.idNamed("cb")).rootId()).isEqualTo(flow);
  }

  @Test
  void chord_failingHeader_reportsTheCallbackAsFailedWithoutRunningIt() {
    AtomicInteger callbackRuns = new AtomicInteger();
    CompletableFuture<Integer> outcome =
        pool.chord(
            List.of(
                TaskCall.of("ok", () -> 1),
                TaskCall.<Integer>of(
                    "bad",
                    () -> {
                      throw new IllegalStateException("header broke");
                    })),
            "cb",
            xs -> callbackRuns.incrementAndGet());

    assertThatThrownBy(() -> outcome.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class);
    EventLog log = log();
    String callback = log.idNamed("cb");
    assertThat(log.states(callback)).containsExactly(FAILURE);
    assertThat(log.last(callback).exception())
        .startsWith("ChordError: Dependency " + log.idNamed("bad"));
    assertThat(callbackRuns).hasValue(0);
  }

  @Test
  void submitWithRetry_failsTwiceThenSucceeds_keepsIdAndCountsAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> result =
        pool.submitWithRetry(
            "capp.flaky",
            3,
            () -> {
              if (calls.incrementAndGet() <= 2)
                throw new IllegalStateException("flaky " + calls.get());
              return "ok";
            });

    assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
    EventLog log = log();
    String id = log.idNamed("capp.flaky");
    assertThat(log.states(id))
        .containsExactly(PENDING, STARTED, RETRY, STARTED, RETRY, STARTED, SUCCESS);
    assertThat(log.of(id).stream().map(TaskEvent::retries)).containsExactly(0, 0, 0, 1, 1, 2, 2);
    List<TaskEvent> retries = log.of(id).stream().filter(e -> e.state() == RETRY).toList();
    assertThat(retries.get(0).exception()).isEqualTo("java.lang.IllegalStateException: flaky 1");
    assertThat(retries.get(1).exception()).isEqualTo("java.lang.IllegalStateException: flaky 2");
    log.assertLinks(id, null, id);
  }

  @Test
  void submitWithRetry_exhausted_endsInFailure() {
    CompletableFuture<String> result =
        pool.submitWithRetry(
            "always",
            1,
            () -> {
              throw new java.io.IOException("down");
            });

    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(java.io.IOException.class);
    EventLog log = log();
    String id = log.idNamed("always");
    assertThat(log.states(id)).containsExactly(PENDING, STARTED, RETRY, STARTED, FAILURE);
    assertThat(log.last(id).retries()).isEqualTo(1);
  }

  @Test
  void injectExtract_acrossProcesses_childLinksToTheSender() throws Exception {
    RecordingTransport remoteTransport = new RecordingTransport();
    Map<String, String> headers = new HashMap<>();
    // the sending side: inside a task, announce the message's task and put its context into the
    // headers
    pool.submit(
            "order.place",
            () -> {
              TracedTask message = stemtrace.tracer().newTask("invoice.render");
              message.pending(List.of(42), null);
              stemtrace.inject(message.context(), headers);
              return null;
            })
        .get();
    // the receiving side: another instance, on other threads, continues the same task and spawns a
    // child
    try (Stemtrace remote =
        Stemtrace.builder()
            .transport(remoteTransport)
            .hostname("remote@host")
            .shutdownHook(false)
            .build()) {
      TracingExecutorService remotePool = remote.wrap(Executors.newSingleThreadExecutor());
      Map<String, String> received = new HashMap<>();
      headers.forEach((k, v) -> received.put(k.toUpperCase(java.util.Locale.ROOT), v));
      remotePool
          .submit(
              "consumer.loop",
              () -> {
                TaskContext context = remote.extract(received).orElseThrow();
                TracedTask same = remote.tracer().join("invoice.render", context);
                try (Scope scope = same.makeCurrent()) {
                  same.started();
                  remotePool.submit("pdf.write", () -> "pdf");
                  same.success("done");
                }
                return null;
              })
          .get();
      remotePool.shutdown();
      assertThat(remotePool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      EventLog local = log();
      EventLog remoteLog = EventLog.of(remote, remoteTransport);
      String order = local.idNamed("order.place");
      String invoice = local.idNamed("invoice.render");
      local.assertLinks(invoice, order, order);
      remoteLog.assertLinks(invoice, order, order);
      assertThat(remoteLog.states(invoice)).containsExactly(STARTED, SUCCESS);
      String pdf = remoteLog.idNamed("pdf.write");
      TaskEvent pdfDone = remoteLog.assertLinks(pdf, invoice, order);
      assertThat(pdfDone.traceId()).isEqualTo(order);
    }
  }

  @Test
  void injectCurrent_thenExtractAsParent_makesAChildOfTheSender() throws Exception {
    Map<String, String> headers = new HashMap<>();
    pool.submit(
            "sender",
            () -> {
              stemtrace.inject(headers);
              return null;
            })
        .get();
    TaskContext parent = stemtrace.extract(headers).orElseThrow();
    try (Scope scope = stemtrace.tracer().withContext(parent)) {
      otherPool.submit("receiver", () -> 1).get();
    }

    EventLog log = log();
    String sender = log.idNamed("sender");
    log.assertLinks(log.idNamed("receiver"), sender, sender);
  }

  @Test
  void submit_rejectedByTheExecutor_reportsRejectedAndThrowsAsThePlainExecutor() throws Exception {
    ThreadPoolExecutor tiny =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>());
    TracingExecutorService traced = stemtrace.wrap(tiny);
    CompletableFuture<Void> release = new CompletableFuture<>();
    try {
      traced.submit("blocker", () -> release.get());
      assertThatThrownBy(() -> traced.submit("refused", () -> 1))
          .isInstanceOf(RejectedExecutionException.class);
    } finally {
      release.complete(null);
      traced.shutdown();
      traced.awaitTermination(5, TimeUnit.SECONDS);
    }
    EventLog log = log();
    assertThat(log.states(log.idNamed("refused"))).containsExactly(PENDING, REJECTED);
  }

  @Test
  void cancel_beforeTheTaskRan_reportsRevoked() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    TracingExecutorService traced = stemtrace.wrap(single);
    CompletableFuture<Void> release = new CompletableFuture<>();
    try {
      traced.submit("blocker", () -> release.get());
      Future<Integer> waiting = traced.submit("waiting", () -> 1);
      assertThat(waiting.cancel(false)).isTrue();
    } finally {
      release.complete(null);
      traced.shutdown();
      traced.awaitTermination(5, TimeUnit.SECONDS);
    }
    EventLog log = log();
    assertThat(log.states(log.idNamed("waiting")))
        .containsExactly(PENDING, io.stemtrace.api.TaskState.REVOKED);
    assertThat(log.states(log.idNamed("blocker"))).containsExactly(PENDING, STARTED, SUCCESS);
  }

  @Test
  void shutdownNow_reportsQueuedTasksRevoked() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    TracingExecutorService traced = stemtrace.wrap(single);
    CompletableFuture<Void> running = new CompletableFuture<>();
    traced.execute(
        "busy",
        () -> {
          running.complete(null);
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    traced.execute("queued", () -> {});
    running.get(5, TimeUnit.SECONDS);

    assertThat(traced.shutdownNow()).hasSize(1);
    assertThat(traced.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    EventLog log = log();
    assertThat(log.states(log.idNamed("queued")))
        .containsExactly(PENDING, io.stemtrace.api.TaskState.REVOKED);
  }

  @Test
  void invokeAll_tracesEveryCallable() throws Exception {
    List<Future<Integer>> futures = pool.invokeAll(List.of(() -> 1, () -> 2));

    assertThat(futures).extracting(Future::get).containsExactly(1, 2);
    assertThat(log().tasks()).filteredOn(e -> e.state() == SUCCESS).hasSize(2);
  }

  @Test
  void invokeAny_tasksThatNeverRan_areRevoked_noneStaysPending() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    TracingExecutorService traced = stemtrace.wrap(single);
    try {
      Integer winner = traced.invokeAny(List.of(new Quick(), new Slow(), new Slow(), new Slow()));
      assertThat(winner).isEqualTo(1);
    } finally {
      traced.shutdownNow();
      traced.awaitTermination(5, TimeUnit.SECONDS);
    }
    EventLog log = log();
    assertThat(log.states(log.idNamed(Quick.NAME))).containsExactly(PENDING, STARTED, SUCCESS);
    List<String> losers = log.idsNamed(Slow.NAME);
    assertThat(losers).hasSize(3);
    // one thread, the first task won: the others were cancelled in the queue or never handed over,
    // except
    // perhaps one the thread took up just before the cancellation, which was interrupted
    int revoked = 0;
    for (String loser : losers) {
      List<io.stemtrace.api.TaskState> states = log.states(loser);
      assertThat(states)
          .as(loser)
          .isIn(
              List.of(PENDING, io.stemtrace.api.TaskState.REVOKED),
              List.of(PENDING, STARTED, FAILURE));
      if (states.contains(io.stemtrace.api.TaskState.REVOKED)) revoked++;
    }
    assertThat(revoked).isGreaterThanOrEqualTo(2);
  }

  @Test
  void invokeAll_withTimeout_reportsTheTasksItCancelledBeforeTheyRanRevoked() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    TracingExecutorService traced = stemtrace.wrap(single);
    List<Future<Integer>> futures;
    try {
      futures =
          traced.invokeAll(
              List.of(new Slow(), new Quick(), new Quick()), 200, TimeUnit.MILLISECONDS);
    } finally {
      traced.shutdown();
      traced.awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(futures).allMatch(Future::isCancelled);
    EventLog log = log();
    // the running one was interrupted: it failed; the queued ones never ran
    assertThat(log.states(log.idNamed(Slow.NAME))).containsExactly(PENDING, STARTED, FAILURE);
    for (String queued : log.idsNamed(Quick.NAME)) {
      assertThat(log.states(queued)).containsExactly(PENDING, io.stemtrace.api.TaskState.REVOKED);
    }
    assertThat(log.idsNamed(Quick.NAME)).hasSize(2);
  }

  @Test
  void invokeAll_refusedByTheExecutor_reportsTheTasksRejected() throws Exception {
    ExecutorService stopped = Executors.newSingleThreadExecutor();
    stopped.shutdown();
    TracingExecutorService traced = stemtrace.wrap(stopped);
    assertThatThrownBy(() -> traced.invokeAll(List.of(new Quick(), new Quick())))
        .isInstanceOf(RejectedExecutionException.class);
    EventLog log = log();
    assertThat(log.idsNamed(Quick.NAME)).hasSize(2);
    for (String refused : log.idsNamed(Quick.NAME))
      assertThat(log.states(refused)).containsExactly(PENDING, REJECTED);
  }

  /** Returns at once. */
  static final class Quick implements java.util.concurrent.Callable<Integer> {
    static final String NAME = "io.stemtrace.TracingExecutorServiceTest.Quick";

    @Override
    public Integer call() {
      return 1;
    }
  }

  /** Runs until interrupted. */
  static final class Slow implements java.util.concurrent.Callable<Integer> {
    static final String NAME = "io.stemtrace.TracingExecutorServiceTest.Slow";

    @Override
    public Integer call() throws InterruptedException {
      Thread.sleep(60_000);
      return 2;
    }
  }

  private void waitForState(String id, io.stemtrace.api.TaskState state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (log().states(id).contains(state)) return;
      Thread.onSpinWait();
    }
    assertThat(log().states(id)).contains(state);
  }

  static final class NamedWork implements Runnable {
    private final CompletableFuture<Void> ran;

    NamedWork(CompletableFuture<Void> ran) {
      this.ran = ran;
    }

    @Override
    public void run() {
      ran.complete(null);
    }
  }
}
