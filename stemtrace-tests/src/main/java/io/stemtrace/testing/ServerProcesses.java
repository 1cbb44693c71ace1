package io.stemtrace.testing;

import java.util.Map;

/** Starting the real servers some tests run privately (redis-server, RabbitMQ). */
public final class ServerProcesses {

  private ServerProcesses() {}

  /**
   * The builder with libfaketime's variables removed: a broker runs on the machine's real clock, as
   * the shared ones do, when the suite itself runs under {@code faketime} (README, Development). A
   * broker under the preloaded library does not answer at all (redis-server hangs at start).
   */
  public static ProcessBuilder onTheRealClock(ProcessBuilder builder) {
    Map<String, String> environment = builder.environment();
    environment.remove("LD_PRELOAD");
    environment
        .keySet()
        .removeIf(name -> name.startsWith("FAKETIME") || name.startsWith("DONT_FAKE"));
    return builder;
  }
}
