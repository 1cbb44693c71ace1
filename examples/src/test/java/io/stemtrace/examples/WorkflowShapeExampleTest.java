package io.stemtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.Stemtrace;
import io.stemtrace.TaskCall;
import io.stemtrace.TracingExecutorService;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.Transport;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.core.DecodeResult;
import io.stemtrace.core.EventCodec;
import io.stemtrace.core.Transports;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How to test the shape of a workflow in a unit test: run it through a wrapped executor on the memory
 * transport, collect what a subscriber receives, and assert how the tasks link up.
 */
class WorkflowShapeExampleTest {

  @Test
  void checkout_reservesStockInParallel_thenConfirms_thenMailsAsAChain() throws Exception {
    String url = "memory://workflow-shape-example";
    List<StemtraceEvent> received = new CopyOnWriteArrayList<>();
    try (Transport listener = Transports.open(url, "stemtrace");
        Subscription subscription = listener.subscribe(batch -> {
          for (byte[] payload : batch) {
            if (EventCodec.standard().decode(payload) instanceof DecodeResult.Decoded decoded) {
              received.add(decoded.event());
            }
          }
        })) {

      try (Stemtrace stemtrace = Stemtrace.builder().transportUrl(url).hostname("shop@example")
          .registeredTasks("order.checkout", "stock.reserve", "order.confirm", "mail.render", "mail.send")
          .build()) {
        TracingExecutorService workers = stemtrace.wrap(Executors.newFixedThreadPool(4));

        String outcome = workers.submit("order.checkout", () -> {
          int reserved = workers.chord(List.of(
                  TaskCall.of("stock.reserve", () -> 1),
                  TaskCall.of("stock.reserve", () -> 2),
                  TaskCall.of("stock.reserve", () -> 3)),
              "order.confirm", counts -> counts.stream().mapToInt(Integer::intValue).sum()).get();
          return workers.chain("mail.render", () -> "confirmed " + reserved)
              .then("mail.send", body -> "sent: " + body)
              .start().get();
        }).get(10, TimeUnit.SECONDS);

        assertThat(outcome).isEqualTo("sent: confirmed 6");
        workers.shutdown();
        assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      } // close() flushes and sends worker_shutdown

      awaitWorkerShutdown(received);
    }

    Events events = new Events(received);
    String checkout = events.idNamed("order.checkout");
    List<String> reservations = events.idsNamed("stock.reserve");
    String confirm = events.idNamed("order.confirm");
    String render = events.idNamed("mail.render");
    String send = events.idNamed("mail.send");

    // the chord: three reservations in one group under the checkout, each pointing at the callback
    assertThat(reservations).hasSize(3);
    String groupId = events.last(reservations.get(0)).groupId();
    for (String reservation : reservations) {
      TaskEvent last = events.last(reservation);
      assertThat(last.parentId()).isEqualTo(checkout);
      assertThat(last.rootId()).isEqualTo(checkout);
      assertThat(last.groupId()).isEqualTo(groupId);
      assertThat(last.chordCallbackId()).isEqualTo(confirm);
    }
    assertThat(reservations).contains(events.last(confirm).parentId());
    assertThat(events.last(confirm).result()).isEqualTo(6);
    // the chain: render under the checkout, send under render, all in the checkout's workflow
    assertThat(events.last(render).parentId()).isEqualTo(checkout);
    assertThat(events.last(send).parentId()).isEqualTo(render);
    assertThat(events.last(send).rootId()).isEqualTo(checkout);
    for (String id : List.of(checkout, confirm, render, send)) {
      assertThat(events.states(id)).containsExactly(TaskState.PENDING, TaskState.STARTED, TaskState.SUCCESS);
    }
  }

  private static void awaitWorkerShutdown(List<StemtraceEvent> received) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.stream().noneMatch(e -> e instanceof WorkerEvent w && w.type() == WorkerEvent.Type.SHUTDOWN)) {
      assertThat(System.nanoTime()).as("worker_shutdown delivered in time").isLessThan(deadline);
      Thread.sleep(5); // delivery happens on the memory transport's own thread
    }
  }

  /** Look-ups over received task events. */
  record Events(List<StemtraceEvent> all) {
    List<TaskEvent> tasks() {
      return all.stream().filter(TaskEvent.class::isInstance).map(TaskEvent.class::cast).toList();
    }

    List<String> idsNamed(String name) {
      return tasks().stream().filter(e -> name.equals(e.name())).map(TaskEvent::taskId).distinct().toList();
    }

    String idNamed(String name) {
      List<String> ids = idsNamed(name);
      assertThat(ids).as("tasks named %s", name).hasSize(1);
      return ids.get(0);
    }

    List<TaskState> states(String id) {
      return tasks().stream().filter(e -> e.taskId().equals(id)).map(TaskEvent::state).toList();
    }

    TaskEvent last(String id) {
      List<TaskEvent> events = tasks().stream().filter(e -> e.taskId().equals(id)).toList();
      return events.get(events.size() - 1);
    }
  }
}
