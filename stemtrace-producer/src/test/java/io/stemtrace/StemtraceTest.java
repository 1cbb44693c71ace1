package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.RegisteredTaskDefinition;
import io.stemtrace.api.WorkerEvent;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class StemtraceTest {

  @Test
  void build_announcesTheWorkerWithHostnamePidAndRegisteredTasks() {
    RecordingTransport transport = new RecordingTransport();
    try (Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .hostname("w1@vm")
            .registeredTasks("capp.add", "capp.boom")
            .registeredTask(
                new RegisteredTaskDefinition(
                    "capp.flaky", "com.acme.Flaky", "(int n)", "Flaky.", false))
            .shutdownHook(false)
            .build()) {
      WorkerEvent ready = EventLog.of(stemtrace, transport).workers().get(0);

      assertThat(ready.type()).isEqualTo(WorkerEvent.Type.READY);
      assertThat(ready.hostname()).isEqualTo("w1@vm");
      assertThat(ready.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(ready.registeredTasks()).containsExactly("capp.add", "capp.boom", "capp.flaky");
      assertThat(ready.taskDefinitions().get("capp.flaky").module()).isEqualTo("com.acme.Flaky");
      assertThat(ready.shutdownTime()).isNull();
    }
  }

  @Test
  void restart_closingOneInstanceWhileATaskRunsAndStartingAnother_sendsShutdownThenReady() {
    RecordingTransport transport = new RecordingTransport();
    Stemtrace first =
        Stemtrace.builder().transport(transport).hostname("w1@vm").shutdownHook(false).build();
    TracedTask longTask = first.tracer().newTask("capp.long");
    longTask.pending();
    longTask.started();
    first.close();
    try (Stemtrace second =
        Stemtrace.builder().transport(transport).hostname("w2@vm").shutdownHook(false).build()) {
      second.flush(Duration.ofSeconds(5));
    }

    EventLog log = EventLog.decode(transport.payloads());
    assertThat(log.workers())
        .extracting(e -> e.type().wireName() + " " + e.hostname())
        .containsExactly(
            "worker_ready w1@vm",
            "worker_shutdown w1@vm",
            "worker_ready w2@vm",
            "worker_shutdown w2@vm");
    assertThat(log.states(longTask.id()))
        .containsExactly(io.stemtrace.api.TaskState.PENDING, io.stemtrace.api.TaskState.STARTED);
  }

  @Test
  void wrap_returnsATracingExecutor_andDoesNotWrapTwice() {
    try (Stemtrace stemtrace =
        Stemtrace.builder().transport(new RecordingTransport()).shutdownHook(false).build()) {
      TracingExecutorService once = stemtrace.wrap(Executors.newSingleThreadExecutor());
      assertThat(stemtrace.wrap(once)).isSameAs(once);
      once.shutdown();
    }
  }

  @Test
  void builder_failsFastWithPlainMessages() {
    assertThatThrownBy(() -> Stemtrace.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("set transportUrl(...) or transport(...)");
    assertThatThrownBy(
            () ->
                Stemtrace.builder()
                    .transportUrl("memory://x")
                    .transport(new RecordingTransport())
                    .build())
        .hasMessage("set either transportUrl(...) or transport(...), not both");
    assertThatThrownBy(() -> Stemtrace.builder().prefix(null)).hasMessage("prefix == null");
    assertThatThrownBy(() -> Stemtrace.builder().queueSize(0)).hasMessage("queueSize < 1: 0");
    assertThatThrownBy(() -> Stemtrace.builder().batchSize(0)).hasMessage("batchSize < 1: 0");
    assertThatThrownBy(() -> Stemtrace.builder().maxPayloadBytes(10))
        .hasMessage("maxPayloadBytes < 256: 10");
    assertThatThrownBy(() -> Stemtrace.builder().flushInterval(Duration.ZERO))
        .hasMessage("flushInterval <= 0: PT0S");
    assertThatThrownBy(() -> Stemtrace.builder().hostname(" ")).hasMessage("hostname is blank");
    assertThatThrownBy(() -> Stemtrace.builder().transportUrl("nosuch://x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown transport scheme 'nosuch'");
  }

  @Test
  void defaultHostname_namesTheProcessAndHost() {
    try (Stemtrace stemtrace =
        Stemtrace.builder().transport(new RecordingTransport()).shutdownHook(false).build()) {
      assertThat(stemtrace.hostname()).startsWith("jvm-" + ProcessHandle.current().pid() + "@");
    }
  }
}
