package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.api.WorkerEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM that exits without closing its Stemtrace still announces the worker's shutdown. */
class ShutdownHookTest {

  @Test
  void jvmExit_withoutClose_sendsWorkerShutdownAndQueuedEvents(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("events.jsonl");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ExitingApp.class.getName(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    boolean exited = child.waitFor(30, TimeUnit.SECONDS);
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(exited).as("child exited; output: %s", output).isTrue();
    assertThat(child.exitValue()).as("exit code; output: %s", output).isZero();

    List<byte[]> payloads =
        Files.readAllLines(out).stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
    EventLog log = EventLog.decode(payloads);
    assertThat(log.workers())
        .extracting(WorkerEvent::type)
        .containsExactly(WorkerEvent.Type.READY, WorkerEvent.Type.SHUTDOWN);
    assertThat(log.workers()).extracting(WorkerEvent::hostname).containsOnly("child@test");
    assertThat(log.states(log.idNamed("left.running")))
        .containsExactly(io.stemtrace.api.TaskState.STARTED);
  }

  /**
   * Starts tracing, emits one event and returns from main without closing: the hook must finish the
   * job.
   */
  public static final class ExitingApp {
    public static void main(String[] args) {
      Stemtrace stemtrace =
          Stemtrace.builder()
              .transport(new FileTransport(Path.of(args[0])))
              .hostname("child@test")
              .flushInterval(java.time.Duration.ofHours(1))
              .build();
      stemtrace.tracer().newTask("left.running").started();
    }
  }

  /** Appends each payload as one line to a file. */
  static final class FileTransport implements Transport {
    private final Path file;

    FileTransport(Path file) {
      this.file = file;
    }

    @Override
    public synchronized void send(List<byte[]> batch) throws IOException {
      StringBuilder lines = new StringBuilder();
      for (byte[] payload : batch)
        lines.append(new String(payload, StandardCharsets.UTF_8)).append('\n');
      Files.writeString(file, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public Subscription subscribe(EventSink sink) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String describe() {
      return "file://" + file;
    }

    @Override
    public void close() {}
  }
}
