package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.WorkerEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerHeartbeatTest {

  @Test
  void taskEvents_carryTheWorkersHostname() {
    RecordingTransport transport = new RecordingTransport();
    try (Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .hostname("jvm-7@host-a")
            .heartbeatInterval(Duration.ZERO)
            .shutdownHook(false)
            .build()) {
      TracedTask task = stemtrace.tracer().newTask("app.add");
      task.pending();
      task.started();
      task.success(3);
      List<TaskEvent> tasks = EventLog.of(stemtrace, transport).tasks();
      assertThat(tasks).hasSize(3).extracting(TaskEvent::hostname).containsOnly("jvm-7@host-a");
    }
  }

  @Test
  void taskEvents_ofAPureClient_carryNoHostname() {
    RecordingTransport transport = new RecordingTransport();
    try (Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .hostname("client@host-a")
            .workerEvents(false)
            .shutdownHook(false)
            .build()) {
      stemtrace.tracer().newTask("app.add").pending();
      EventLog log = EventLog.of(stemtrace, transport);
      assertThat(log.workers()).isEmpty();
      assertThat(log.tasks()).singleElement().extracting(TaskEvent::hostname).isNull();
    }
  }

  @Test
  void heartbeats_repeatWorkerReadyWithTheSamePidAndTasks_untilClose() throws Exception {
    RecordingTransport transport = new RecordingTransport();
    Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .hostname("jvm-7@host-a")
            .registeredTasks("app.add", "app.mul")
            .heartbeatInterval(Duration.ofMillis(5))
            .flushInterval(Duration.ofMillis(1))
            .shutdownHook(false)
            .build();
    // waits for the events themselves; the deadline only bounds a broken run
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (readyCount(transport) < 4 && System.nanoTime() < deadline) Thread.sleep(5);
    stemtrace.close();

    List<WorkerEvent> workers = EventLog.decode(transport.payloads()).workers();
    List<WorkerEvent> readies =
        workers.stream().filter(w -> w.type() == WorkerEvent.Type.READY).toList();
    assertThat(readies).hasSizeGreaterThanOrEqualTo(4);
    for (WorkerEvent ready : readies) {
      assertThat(ready.hostname()).isEqualTo("jvm-7@host-a");
      assertThat(ready.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(ready.registeredTasks()).containsExactly("app.add", "app.mul");
    }
    assertThat(readies)
        .extracting(StemtraceEvent::timestamp)
        .isSortedAccordingTo(java.util.Comparator.naturalOrder());
    // nothing follows the goodbye
    assertThat(workers.get(workers.size() - 1).type()).isEqualTo(WorkerEvent.Type.SHUTDOWN);
    assertThat(heartbeatThreadAlive("jvm-7@host-a")).isFalse();
  }

  @Test
  void heartbeats_off_announceOnce_andStartNoThread() {
    RecordingTransport transport = new RecordingTransport();
    try (Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .hostname("quiet@host-a")
            .heartbeatInterval(Duration.ZERO)
            .shutdownHook(false)
            .build()) {
      assertThat(heartbeatThreadAlive("quiet@host-a")).isFalse();
      assertThat(EventLog.of(stemtrace, transport).workers())
          .singleElement()
          .extracting(WorkerEvent::type)
          .isEqualTo(WorkerEvent.Type.READY);
    }
  }

  @Test
  void heartbeat_threadIsADaemonNamedForTheWorker() {
    try (Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(new RecordingTransport())
            .hostname("named@host-a")
            .heartbeatInterval(Duration.ofHours(1))
            .shutdownHook(false)
            .build()) {
      assertThat(
              Thread.getAllStackTraces().keySet().stream()
                  .filter(t -> t.getName().equals("stemtrace-heartbeat{named@host-a}")))
          .singleElement()
          .extracting(Thread::isDaemon)
          .isEqualTo(true);
    }
  }

  @Test
  void heartbeatInterval_negative_failsFast() {
    assertThatThrownBy(() -> Stemtrace.builder().heartbeatInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heartbeatInterval < 0: PT-1S");
    assertThatThrownBy(() -> Stemtrace.builder().heartbeatInterval(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("heartbeatInterval == null");
  }

  private static long readyCount(RecordingTransport transport) {
    return EventLog.decode(transport.payloads()).workers().stream()
        .filter(w -> w.type() == WorkerEvent.Type.READY)
        .count();
  }

  private static boolean heartbeatThreadAlive(String hostname) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals("stemtrace-heartbeat{" + hostname + "}"));
  }
}
