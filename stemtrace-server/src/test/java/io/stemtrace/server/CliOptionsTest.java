package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliOptionsTest {

  static CliOptions parse(Map<String, String> env, String... args)
      throws CliOptions.UsageException {
    return CliOptions.parse(List.of(args), env);
  }

  @Test
  void storeUrl_defaultsToMemory_fromTheEnvironmentOrTheFlag() throws Exception {
    assertThat(parse(Map.of(), "demo").storeUrl()).isEqualTo("memory://");
    assertThat(
            parse(
                    Map.of("STEMTRACE_STORE_URL", "memory://"),
                    "server",
                    "--transport-url",
                    "memory://x")
                .storeUrl())
        .isEqualTo("memory://");
    assertThat(
            parse(Map.of("STEMTRACE_STORE_URL", "env://a"), "demo", "--store-url", "flag://b")
                .storeUrl())
        .isEqualTo("flag://b");
    assertBad("--store-url is blank", "demo", "--store-url=");
  }

  @Test
  void server_flagsWithSpacesOrEquals() throws Exception {
    CliOptions options =
        parse(
            Map.of(),
            "server",
            "--transport-url",
            "redis://localhost:6379/0",
            "--prefix=app",
            "--host",
            "0.0.0.0",
            "--port=9000",
            "--max-nodes",
            "5000");
    assertThat(options.command()).isEqualTo(CliOptions.Command.SERVER);
    assertThat(options.transportUrl()).isEqualTo("redis://localhost:6379/0");
    assertThat(options.prefix()).isEqualTo("app");
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.port()).isEqualTo(9000);
    assertThat(options.maxNodes()).isEqualTo(5000);
    assertThat(options.help()).isFalse();
  }

  @Test
  void server_defaults() throws Exception {
    CliOptions options = parse(Map.of(), "server", "--transport-url", "memory://x");
    assertThat(options.prefix()).isEqualTo("stemtrace");
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(8000);
    assertThat(options.maxNodes()).isEqualTo(100_000);
  }

  @Test
  void server_brokerUrlIsAnAlias() throws Exception {
    assertThat(
            parse(Map.of(), "server", "--broker-url", "amqp://guest:guest@localhost:5672/")
                .transportUrl())
        .isEqualTo("amqp://guest:guest@localhost:5672/");
    assertThat(parse(Map.of("STEMTRACE_BROKER_URL", "redis://b:6379"), "server").transportUrl())
        .isEqualTo("redis://b:6379");
  }

  @Test
  void server_environmentGivesDefaultsAndFlagsWin() throws Exception {
    Map<String, String> env =
        Map.of(
            "STEMTRACE_TRANSPORT_URL",
            "redis://env:6379",
            "STEMTRACE_PREFIX",
            "envp",
            "STEMTRACE_HOST",
            "::1",
            "STEMTRACE_PORT",
            "8123",
            "STEMTRACE_MAX_NODES",
            "77");
    CliOptions fromEnv = parse(env, "server");
    assertThat(fromEnv.transportUrl()).isEqualTo("redis://env:6379");
    assertThat(fromEnv.prefix()).isEqualTo("envp");
    assertThat(fromEnv.host()).isEqualTo("::1");
    assertThat(fromEnv.port()).isEqualTo(8123);
    assertThat(fromEnv.maxNodes()).isEqualTo(77);
    CliOptions flags = parse(env, "server", "--transport-url", "memory://flag", "--port", "8124");
    assertThat(flags.transportUrl()).isEqualTo("memory://flag");
    assertThat(flags.port()).isEqualTo(8124);
  }

  @Test
  void server_withoutTransport_explains() {
    assertThatThrownBy(() -> parse(Map.of(), "server"))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessageContaining("--transport-url");
  }

  @Test
  void demo_usesMemoryTransport() throws Exception {
    CliOptions options =
        parse(Map.of("STEMTRACE_TRANSPORT_URL", "redis://ignored"), "demo", "--port", "0");
    assertThat(options.command()).isEqualTo(CliOptions.Command.DEMO);
    assertThat(options.transportUrl()).isEqualTo("memory://demo");
    assertThat(options.port()).isZero();
  }

  @Test
  void help_isRecognisedWithoutOtherOptions() throws Exception {
    assertThat(parse(Map.of(), "server", "--help").help()).isTrue();
    assertThat(parse(Map.of(), "demo", "-h").help()).isTrue();
    assertThat(CliOptions.usage(CliOptions.Command.SERVER))
        .contains("--transport-url", "--broker-url", "STEMTRACE_PREFIX");
    assertThat(CliOptions.usage(CliOptions.Command.DEMO)).contains("--port");
  }

  @Test
  void import_isAcceptedByServerAndDemo() throws Exception {
    assertThat(
            parse(Map.of(), "server", "--transport-url", "memory://x", "--import", "bug.json")
                .importFile())
        .isEqualTo("bug.json");
    assertThat(parse(Map.of(), "demo", "--import=bug.json").importFile()).isEqualTo("bug.json");
    assertThat(parse(Map.of(), "demo").importFile()).isNull();
    assertBad("--import needs a file name", "demo", "--import=");
  }

  @Test
  void anomalyThresholds_flagsWinOverEnvironment_unsetMeansTheDefault() throws Exception {
    CliOptions none = parse(Map.of(), "server", "--transport-url", "memory://x");
    assertThat(none.anomalies()).isEqualTo(AnomalyOptions.DEFAULTS);
    Map<String, String> env =
        Map.of("STEMTRACE_STUCK_PENDING_AFTER", "10m", "STEMTRACE_CHORD_JOIN_WITHIN", "PT90S");
    CliOptions options =
        parse(
            env,
            "server",
            "--transport-url",
            "memory://x",
            "--stuck-pending-after=90s",
            "--stuck-started-after",
            "2h");
    assertThat(options.anomalies().stuckPendingAfter()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(options.anomalies().stuckStartedAfter()).isEqualTo(java.time.Duration.ofHours(2));
    assertThat(options.anomalies().chordJoinWithin()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(parse(Map.of(), "demo", "--chord-join-within", "1d").anomalies().chordJoinWithin())
        .isEqualTo(java.time.Duration.ofDays(1));
  }

  @Test
  void workerOfflineAfter_fromFlagOrEnv_unsetLeavesTheDefault() throws Exception {
    assertThat(parse(Map.of(), "server", "--transport-url", "memory://x").anomalies())
        .extracting(AnomalyOptions::workerOfflineAfter)
        .isNull();
    Map<String, String> env = Map.of("STEMTRACE_WORKER_OFFLINE_AFTER", "2m");
    assertThat(
            parse(env, "server", "--transport-url", "memory://x").anomalies().workerOfflineAfter())
        .isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(
            parse(env, "server", "--transport-url", "memory://x", "--worker-offline-after", "90s")
                .anomalies()
                .workerOfflineAfter())
        .isEqualTo(java.time.Duration.ofSeconds(90));
    assertBad(
        "--worker-offline-after must be a duration such as 1.5 (seconds), 500ms, 30s, 5m, 8h, 2d or PT8H, got 'soon'",
        "server",
        "--transport-url",
        "memory://x",
        "--worker-offline-after",
        "soon");
  }

  @Test
  void anomalyRetention_fromFlagOrEnv_unsetLeavesTheDefault() throws Exception {
    assertThat(parse(Map.of(), "demo").anomalies().anomalyRetention()).isNull();
    Map<String, String> env = Map.of("STEMTRACE_ANOMALY_RETENTION", "3h");
    assertThat(parse(env, "demo").anomalies().anomalyRetention())
        .isEqualTo(java.time.Duration.ofHours(3));
    assertThat(parse(env, "demo", "--anomaly-retention", "15m").anomalies().anomalyRetention())
        .isEqualTo(java.time.Duration.ofMinutes(15));
    assertBad(
        "--anomaly-retention must be a duration such as 1.5 (seconds), 500ms, 30s, 5m, 8h, 2d or PT8H, got 'forever'",
        "demo",
        "--anomaly-retention",
        "forever");
  }

  @Test
  void maxBytes_fromFlagOrEnv_withUnits_defaultZeroMeansAQuarterOfTheHeap() throws Exception {
    assertThat(parse(Map.of(), "demo").maxBytes()).isZero();
    assertThat(parse(Map.of(), "demo", "--max-bytes", "512m").maxBytes()).isEqualTo(512L << 20);
    assertThat(parse(Map.of(), "demo", "--max-bytes=2GiB").maxBytes()).isEqualTo(2L << 30);
    assertThat(parse(Map.of("STEMTRACE_MAX_BYTES", "300000k"), "demo").maxBytes())
        .isEqualTo(300_000L << 10);
    assertThat(
            parse(Map.of("STEMTRACE_MAX_BYTES", "1g"), "demo", "--max-bytes", "1048576").maxBytes())
        .isEqualTo(1L << 20);
    assertBad(
        "--max-bytes must be a size such as 512m or 2g, got 'lots'", "demo", "--max-bytes", "lots");
    assertBad("--max-bytes must be at least 1m (1 MiB), got '1000'", "demo", "--max-bytes", "1000");
    assertBad(
        "STEMTRACE_MAX_BYTES must be at least 1m", Map.of("STEMTRACE_MAX_BYTES", "-5g"), "demo");
  }

  @Test
  void badFlags_oneLineMessages() {
    assertBad(
        "unknown option '--bogus'", "server", "--transport-url", "memory://x", "--bogus", "1");
    assertBad("unknown option '--transport-url' for demo", "demo", "--transport-url", "memory://x");
    assertBad("--port must be a number", "demo", "--port", "http");
    assertBad("--port must be between 0 and 65535", "demo", "--port", "70000");
    assertBad("--max-nodes must be between 1", "demo", "--max-nodes", "0");
    assertBad("option --host needs a value", "demo", "--host");
    assertBad("unexpected argument 'extra'", "demo", "extra");
    assertBad("unknown command 'serve'", "serve");
    assertBad("missing command");
    assertBad("STEMTRACE_PORT must be a number", Map.of("STEMTRACE_PORT", "eighty"), "demo");
    assertBad(
        "--stuck-pending-after must be a duration such as 1.5 (seconds), 500ms, 30s, 5m, 8h, 2d or PT8H, got 'soon'",
        "demo",
        "--stuck-pending-after",
        "soon");
    assertBad("--stuck-started-after must be at least 1s", "demo", "--stuck-started-after", "0s");
    assertBad(
        "STEMTRACE_CHORD_JOIN_WITHIN must be a duration such as",
        Map.of("STEMTRACE_CHORD_JOIN_WITHIN", "-"),
        "demo");
  }

  private static final String PG = "postgresql://app@db:5432/stemtrace";

  @Test
  void collect_needsATransportAndASharedStore_servesHealthOnlyWhenAsked() throws Exception {
    CliOptions collect =
        parse(Map.of(), "collect", "--transport-url", "redis://r:6379/0", "--store-url", PG);
    assertThat(collect.command()).isEqualTo(CliOptions.Command.COLLECT);
    assertThat(collect.storeUrl()).isEqualTo(PG);
    assertThat(collect.port()).isEqualTo(CliOptions.NO_PORT);
    // STEMTRACE_PORT belongs to the dashboard that may share the environment
    assertThat(
            parse(
                    Map.of("STEMTRACE_PORT", "9000", "STEMTRACE_STORE_URL", PG),
                    "collect",
                    "--transport-url",
                    "redis://r")
                .port())
        .isEqualTo(CliOptions.NO_PORT);
    assertThat(
            parse(
                    Map.of("STEMTRACE_HEALTH_PORT", "9100", "STEMTRACE_STORE_URL", PG),
                    "collect",
                    "--transport-url",
                    "redis://r")
                .port())
        .isEqualTo(9100);
    assertThat(
            parse(
                    Map.of(),
                    "collect",
                    "--transport-url",
                    "redis://r",
                    "--store-url",
                    PG,
                    "--health-port",
                    "0")
                .port())
        .isZero();

    assertBad(
        "collect writes to a shared store: give --store-url postgresql://",
        "collect",
        "--transport-url",
        "redis://r");
    assertBad("collect needs --transport-url URL", "collect", "--store-url", PG);
    assertBad(
        "unknown option '--port' for collect",
        "collect",
        "--transport-url",
        "redis://r",
        "--store-url",
        PG,
        "--port",
        "1");
    assertBad(
        "unknown option '--auth' for collect",
        "collect",
        "--transport-url",
        "redis://r",
        "--store-url",
        PG,
        "--auth",
        "basic");
    assertThat(CliOptions.usage(CliOptions.Command.COLLECT))
        .contains("--health-port")
        .contains("stands by");
  }

  @Test
  void retention_goesIntoTheDurableStoresUrl_andIsRefusedForMemory() throws Exception {
    assertThat(
            parse(
                    Map.of(),
                    "collect",
                    "--transport-url",
                    "redis://r",
                    "--store-url",
                    PG,
                    "--retain",
                    "7d",
                    "--retain-failed",
                    "30d")
                .storeUrl())
        .isEqualTo(PG + "?retain=7d&retain_failed=30d");
    assertThat(
            parse(
                    Map.of("STEMTRACE_RETAIN", "14d"),
                    "server",
                    "--transport-url",
                    "redis://r",
                    "--store-url",
                    PG + "?schema=ops")
                .storeUrl())
        .isEqualTo(PG + "?schema=ops&retain=14d");
    assertBad(
        "--retain applies to a durable store",
        "server",
        "--transport-url",
        "redis://r",
        "--retain",
        "7d");
    assertBad(
        "--retain-failed is given twice",
        "server",
        "--transport-url",
        "redis://r",
        "--store-url",
        PG + "?retain_failed=9d",
        "--retain-failed",
        "30d");
    assertBad("unknown option '--retain' for demo", "demo", "--retain", "7d");
  }

  @Test
  void noConsumer_readsTheSharedStore_andTakesNoTransport() throws Exception {
    CliOptions reader = parse(Map.of(), "server", "--store-url", PG, "--no-consumer");
    assertThat(reader.noConsumer()).isTrue();
    assertThat(reader.transportUrl()).isNull();
    assertThat(
            parse(Map.of("STEMTRACE_NO_CONSUMER", "true", "STEMTRACE_STORE_URL", PG), "server")
                .noConsumer())
        .isTrue();
    // a transport URL in the shared environment is for the collector; the flag is a mistake
    assertThat(
            parse(
                    Map.of("STEMTRACE_TRANSPORT_URL", "redis://r", "STEMTRACE_STORE_URL", PG),
                    "server",
                    "--no-consumer")
                .transportUrl())
        .isNull();
    assertThat(parse(Map.of(), "server", "--transport-url", "redis://r").noConsumer()).isFalse();

    assertBad("--no-consumer needs a shared store", "server", "--no-consumer");
    assertBad(
        "it takes no --transport-url",
        "server",
        "--no-consumer",
        "--store-url",
        PG,
        "--transport-url",
        "redis://r");
    assertBad("STEMTRACE_NO_CONSUMER must be", Map.of("STEMTRACE_NO_CONSUMER", "maybe"), "server");
    assertBad("unknown option '--no-consumer' for demo", "demo", "--no-consumer");
  }

  private static void assertBad(String message, String... args) {
    assertBad(message, Map.of(), args);
  }

  private static void assertBad(String message, Map<String, String> env, String... args) {
    assertThatThrownBy(() -> parse(env, args))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
