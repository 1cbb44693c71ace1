package io.stemtrace.server;

import io.stemtrace.core.NodeAlias;
import io.stemtrace.core.graph.GraphStores;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The command line of the standalone server: {@code server} or {@code demo} and their options, with
 * {@code STEMTRACE_*} environment variables as defaults (flags win).
 *
 * @param command what to run
 * @param transportUrl where events come from (server); {@code memory://demo} for the demo
 * @param prefix the transport's key or exchange prefix
 * @param host the interface to listen on
 * @param port the port to listen on
 * @param maxNodes the most task nodes kept in memory
 * @param help true when help was asked for (the other fields are then defaults)
 * @param importFile an export document to load at start, or null
 * @param security authentication, open health endpoint, frame-ancestors, allowed origins
 * @param anomalies anomaly thresholds given on the command line or in the environment
 * @param maxBytes the most estimated heap bytes the store holds, or 0 for a quarter of the maximum
 *     heap
 * @param storeUrl where the graph is kept ({@code memory://} unless told otherwise)
 * @param healthDegradedStatus what {@code /api/health} answers while the broker is not connected
 *     (200 unless told otherwise, 503 for readiness probes)
 * @param nodeAlias which argument names each task on graph nodes and in lists
 * @param noConsumer serve what a collector writes to the shared store instead of consuming a broker
 *     ({@code server --no-consumer})
 */
record CliOptions(
    Command command,
    String transportUrl,
    String prefix,
    String host,
    int port,
    int maxNodes,
    boolean help,
    String importFile,
    SecurityOptions security,
    AnomalyOptions anomalies,
    long maxBytes,
    String storeUrl,
    int healthDegradedStatus,
    NodeAlias nodeAlias,
    boolean noConsumer) {

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8000;
  static final int DEFAULT_MAX_NODES = 100_000;
  static final String DEFAULT_PREFIX = "stemtrace";
  static final String DEMO_TRANSPORT_URL = "memory://demo";

  /** The commands the main understands. */
  enum Command {
    SERVER,
    DEMO,
    /** Consumes a broker into a shared store, with no dashboard. */
    COLLECT
  }

  /** {@code collect} serves no HTTP unless given a health port. */
  static final int NO_PORT = -1;

  /** A command line that cannot run; the message is the one line to print. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  CliOptions {
    Objects.requireNonNull(command, "command == null");
    Objects.requireNonNull(security, "security == null");
    Objects.requireNonNull(anomalies, "anomalies == null");
    Objects.requireNonNull(storeUrl, "storeUrl == null");
    Objects.requireNonNull(nodeAlias, "nodeAlias == null");
  }

  /** Options with health answering 200 while degraded, and no node alias. */
  CliOptions(
      Command command,
      String transportUrl,
      String prefix,
      String host,
      int port,
      int maxNodes,
      boolean help,
      String importFile,
      SecurityOptions security,
      AnomalyOptions anomalies,
      long maxBytes,
      String storeUrl) {
    this(
        command,
        transportUrl,
        prefix,
        host,
        port,
        maxNodes,
        help,
        importFile,
        security,
        anomalies,
        maxBytes,
        storeUrl,
        200,
        NodeAlias.none(),
        false);
  }

  /** Options with the default store. */
  CliOptions(
      Command command,
      String transportUrl,
      String prefix,
      String host,
      int port,
      int maxNodes,
      boolean help,
      String importFile,
      SecurityOptions security,
      AnomalyOptions anomalies,
      long maxBytes) {
    this(
        command,
        transportUrl,
        prefix,
        host,
        port,
        maxNodes,
        help,
        importFile,
        security,
        anomalies,
        maxBytes,
        GraphStores.DEFAULT_URL);
  }

  /** Options with the default store byte bound. */
  CliOptions(
      Command command,
      String transportUrl,
      String prefix,
      String host,
      int port,
      int maxNodes,
      boolean help,
      String importFile,
      SecurityOptions security,
      AnomalyOptions anomalies) {
    this(
        command,
        transportUrl,
        prefix,
        host,
        port,
        maxNodes,
        help,
        importFile,
        security,
        anomalies,
        0);
  }

  /** Options with the default anomaly thresholds. */
  CliOptions(
      Command command,
      String transportUrl,
      String prefix,
      String host,
      int port,
      int maxNodes,
      boolean help,
      String importFile,
      SecurityOptions security) {
    this(
        command,
        transportUrl,
        prefix,
        host,
        port,
        maxNodes,
        help,
        importFile,
        security,
        AnomalyOptions.DEFAULTS);
  }

  /** Options without an import file or authentication. */
  CliOptions(
      Command command,
      String transportUrl,
      String prefix,
      String host,
      int port,
      int maxNodes,
      boolean help) {
    this(command, transportUrl, prefix, host, port, maxNodes, help, null, SecurityOptions.DEFAULTS);
  }

  /** Options without authentication. */
  CliOptions(
      Command command,
      String transportUrl,
      String prefix,
      String host,
      int port,
      int maxNodes,
      boolean help,
      String importFile) {
    this(
        command,
        transportUrl,
        prefix,
        host,
        port,
        maxNodes,
        help,
        importFile,
        SecurityOptions.DEFAULTS);
  }

  static String usage(Command command) {
    if (command == Command.COLLECT) {
      return String.join(
          "\n",
          "usage: ./stemtrace collect --transport-url URL --store-url postgresql://... [--prefix P]"
              + " [--health-port N]",
          "",
          "Consumes a broker into a shared store, with no dashboard: dashboards started with",
          "./stemtrace server --store-url ... --no-consumer serve what it writes. A second collector on the same",
          "store stands by and takes over within seconds when the first stops.",
          "",
          "  --transport-url URL  redis://host:6379/0, amqp://user:pass@host:5672/vhost (env STEMTRACE_TRANSPORT_URL)",
          "  --store-url URL      postgresql://user:password@host:5432/database[?schema=stemtrace&retain=7d]",
          "                       (env STEMTRACE_STORE_URL)",
          "  --prefix P           key/stream/exchange prefix (env STEMTRACE_PREFIX, default "
              + DEFAULT_PREFIX
              + ")",
          "  --health-port N      serve GET /health (JSON: writing or standing by, consumer, counts) on this port",
          "                       (env STEMTRACE_HEALTH_PORT, default none)",
          "  --host H             interface of the health port (env STEMTRACE_HOST, default "
              + DEFAULT_HOST
              + ")",
          "  --max-nodes N        task nodes the collector's working set keeps (env STEMTRACE_MAX_NODES, default "
              + DEFAULT_MAX_NODES
              + ")",
          "  --max-bytes SIZE     estimated heap the working set may take (env STEMTRACE_MAX_BYTES)",
          "  --retain D           keep events D whole days (env STEMTRACE_RETAIN, default 7d)",
          "  --retain-failed D    keep the events of workflows with a failed task D days, at least --retain",
          "                       (env STEMTRACE_RETAIN_FAILED, default as --retain)",
          "",
          AnomalyOptions.USAGE);
    }
    if (command == Command.DEMO) {
      return String.join(
          "\n",
          "usage: ./stemtrace demo [--host H] [--port N] [--max-nodes N] [--import FILE]",
          "",
          "Starts the dashboard with the memory transport and a built-in workload of realistic workflows",
          "(chains, groups, chords, nested spawns, retries, failures, an unregistered task, a worker restart).",
          "",
          "  --host H         interface to listen on (env STEMTRACE_HOST, default "
              + DEFAULT_HOST
              + ")",
          "  --port N         port to listen on (env STEMTRACE_PORT, default " + DEFAULT_PORT + ")",
          "  --max-nodes N    task nodes kept in memory (env STEMTRACE_MAX_NODES, default "
              + DEFAULT_MAX_NODES
              + ")",
          "  --import FILE    load a workflow exported from a dashboard (GET /api/graphs/{root}/export) at start",
          NODE_ALIAS_USAGE,
          "",
          "The demo reports tasks stuck after 20s and late chord callbacks after 10s unless told otherwise.",
          AnomalyOptions.USAGE,
          "",
          SECURITY_USAGE);
    }
    return String.join(
        "\n",
        "usage: ./stemtrace server --transport-url URL [--prefix P] [--host H] [--port N] [--max-nodes N]"
            + " [--import FILE]",
        "       ./stemtrace server --store-url postgresql://... --no-consumer [--host H] [--port N]",
        "",
        "Starts the dashboard for events on a broker. The API is at /api, the WebSocket at /ws, the UI at /.",
        "",
        "  --transport-url URL  redis://host:6379/0, amqp://user:pass@host:5672/vhost, memory://NAME",
        "                       (env STEMTRACE_TRANSPORT_URL; --broker-url and STEMTRACE_BROKER_URL are aliases)",
        "  --prefix P           key/stream/exchange prefix (env STEMTRACE_PREFIX, default "
            + DEFAULT_PREFIX
            + ")",
        "  --host H             interface to listen on (env STEMTRACE_HOST, default "
            + DEFAULT_HOST
            + ")",
        "  --port N             port to listen on (env STEMTRACE_PORT, default "
            + DEFAULT_PORT
            + ")",
        "  --store-url URL      where the graph is kept (env STEMTRACE_STORE_URL, default "
            + GraphStores.DEFAULT_URL
            + "); postgresql://user:password@host:5432/db",
        "                       [?schema=stemtrace&retain=7d] keeps history across restarts",
        "  --retain D           a durable store keeps events D whole days (env STEMTRACE_RETAIN, default 7d)",
        "  --retain-failed D    and the events of workflows with a failed task D days, at least --retain",
        "                       (env STEMTRACE_RETAIN_FAILED, default as --retain)",
        "  --no-consumer        consume no broker: serve what ./stemtrace collect writes to the --store-url",
        "                       (env STEMTRACE_NO_CONSUMER=true)",
        "  --max-nodes N        task nodes kept in memory before the oldest workflows are evicted",
        "                       (env STEMTRACE_MAX_NODES, default " + DEFAULT_MAX_NODES + ")",
        "  --max-bytes SIZE     estimated heap the stored workflows may take (512m, 2g) before the oldest are",
        "                       evicted (env STEMTRACE_MAX_BYTES, default a quarter of the maximum heap, -Xmx)",
        "  --import FILE        load a workflow exported from a dashboard (GET /api/graphs/{root}/export) at start,",
        "                       for example one attached to a bug report",
        "  --health-degraded-status N  what GET /api/health answers while the broker is not connected: 200 or",
        "                       503 for a readiness probe (env STEMTRACE_HEALTH_DEGRADED_STATUS, default 200)",
        NODE_ALIAS_USAGE,
        "",
        AnomalyOptions.USAGE,
        "",
        SECURITY_USAGE);
  }

  private static final String NODE_ALIAS_USAGE =
      String.join(
          "\n",
          "  --node-alias SPEC    show an argument instead of the task name on graph nodes and in lists: 0 for",
          "                       args[0], order_id for kwargs['order_id'], orders.charge=order_id for one task",
          "                       name; comma separated (env STEMTRACE_NODE_ALIAS, default none)");

  private static final String SECURITY_USAGE =
      String.join(
          "\n",
          "Security (off by default; the dashboard shows task arguments, so turn it on before exposing it):",
          "  --auth none|basic|form  HTTP Basic, or a login page with a signed session cookie (env STEMTRACE_AUTH)",
          "  --auth-user U           the user (env STEMTRACE_AUTH_USER, default "
              + SecurityOptions.DEFAULT_USER
              + ")",
          "  --auth-password P       the password; prefer env STEMTRACE_AUTH_PASSWORD (flags are visible in ps)",
          "  --auth-secret S         signs form-login sessions, at least 16 bytes; the same on every replica",
          "                          (env STEMTRACE_AUTH_SECRET, default: random per process)",
          "  --session-ttl T         form-login session lifetime: 30m, 8h, 2d or PT8H",
          "                          (env STEMTRACE_AUTH_SESSION_TTL, default 12h)",
          "  --open-health           leave GET /api/health open for load balancers (env STEMTRACE_OPEN_HEALTH=true)",
          "  --frame-ancestors S     who may frame the UI, e.g. \"'self'\" (env STEMTRACE_FRAME_ANCESTORS, default 'none')",
          "  --allowed-origin O      another origin that may open the WebSocket, behind a proxy rewriting Host;",
          "                          repeatable (env STEMTRACE_ALLOWED_ORIGINS, comma separated)",
          "  --allowed-host NAME     without --auth only localhost, *.localhost and IP addresses are served (421",
          "                          otherwise, against DNS rebinding): a further name, or *.example.com for the",
          "                          names under it, '*' for any; repeatable (env STEMTRACE_ALLOWED_HOSTS, comma separated)",
          "  --max-websockets-per-address N  live feeds served at once to one client address, more get 429; raise",
          "                          it behind a proxy (env STEMTRACE_MAX_WEBSOCKETS_PER_ADDRESS, default "
              + SecurityOptions.DEFAULT_MAX_WEBSOCKETS_PER_ADDRESS
              + ")");

  /**
   * Parses {@code args} (the first one is the command) with {@code env} as defaults.
   *
   * @throws UsageException with a one-line message for anything that cannot run
   */
  static CliOptions parse(List<String> args, Map<String, String> env) throws UsageException {
    if (args.isEmpty())
      throw new UsageException("missing command: expected server, demo or collect (see --help)");
    Command command =
        switch (args.get(0)) {
          case "server" -> Command.SERVER;
          case "demo" -> Command.DEMO;
          case "collect" -> Command.COLLECT;
          default ->
              throw new UsageException(
                  "unknown command '" + args.get(0) + "' (expected server, demo or collect)");
        };
    boolean collect = command == Command.COLLECT;
    String transportUrl =
        firstNonBlank(env.get("STEMTRACE_TRANSPORT_URL"), env.get("STEMTRACE_BROKER_URL"));
    String prefix = firstNonBlank(env.get("STEMTRACE_PREFIX"), DEFAULT_PREFIX);
    String host = firstNonBlank(env.get("STEMTRACE_HOST"), DEFAULT_HOST);
    String portText = collect ? env.get("STEMTRACE_HEALTH_PORT") : env.get("STEMTRACE_PORT");
    boolean noConsumer =
        command == Command.SERVER
            && isTrue(env.get("STEMTRACE_NO_CONSUMER"), "STEMTRACE_NO_CONSUMER");
    boolean transportFlagGiven = false;
    String maxNodesText = env.get("STEMTRACE_MAX_NODES");
    boolean help = false;
    String importFile = null;
    String portSource = collect ? "STEMTRACE_HEALTH_PORT" : "STEMTRACE_PORT";
    String maxNodesSource = "STEMTRACE_MAX_NODES";
    String maxBytesText = env.get("STEMTRACE_MAX_BYTES");
    String maxBytesSource = "STEMTRACE_MAX_BYTES";
    String storeUrl = firstNonBlank(env.get("STEMTRACE_STORE_URL"), GraphStores.DEFAULT_URL);
    String retain = env.get("STEMTRACE_RETAIN");
    String retainFailed = env.get("STEMTRACE_RETAIN_FAILED");
    String degradedText = env.get("STEMTRACE_HEALTH_DEGRADED_STATUS");
    String degradedSource = "STEMTRACE_HEALTH_DEGRADED_STATUS";
    String nodeAliasText = env.get("STEMTRACE_NODE_ALIAS");
    String nodeAliasSource = "STEMTRACE_NODE_ALIAS";
    Map<String, String> securityFlags = new java.util.HashMap<>();
    Map<String, String> anomalyFlags = new java.util.HashMap<>();

    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) throw new UsageException("unexpected argument '" + arg + "'");
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      boolean serverOnly =
          name.equals("--transport-url") || name.equals("--broker-url") || name.equals("--prefix");
      boolean security = SecurityOptions.FLAGS.contains(name);
      boolean anomaly = AnomalyOptions.FLAGS.contains(name);
      boolean known =
          serverOnly
              || security
              || anomaly
              || name.equals("--host")
              || name.equals("--port")
              || name.equals("--max-nodes")
              || name.equals("--import");
      known |= name.equals("--max-bytes") || name.equals("--store-url");
      known |= name.equals("--health-degraded-status");
      known |= name.equals("--node-alias");
      known |= name.equals("--no-consumer") && command == Command.SERVER;
      boolean retention = name.equals("--retain") || name.equals("--retain-failed");
      known |= retention && command != Command.DEMO;
      if (collect) {
        // a collector serves no dashboard: only what consuming and its health port need
        known =
            serverOnly
                || anomaly
                || name.equals("--store-url")
                || retention
                || name.equals("--health-port")
                || name.equals("--host")
                || name.equals("--max-nodes")
                || name.equals("--max-bytes");
      }
      if (!known || (serverOnly && command == Command.DEMO)) {
        throw new UsageException(
            "unknown option '"
                + name
                + "' for "
                + command.name().toLowerCase(Locale.ROOT)
                + " (see ./stemtrace "
                + command.name().toLowerCase(Locale.ROOT)
                + " --help)");
      }
      if (value == null && (name.equals("--open-health") || name.equals("--no-consumer")))
        value = "true"; // a switch: no value needed
      if (value == null) {
        if (i + 1 >= args.size()) throw new UsageException("option " + name + " needs a value");
        value = args.get(++i);
      }
      switch (name) {
        case "--transport-url", "--broker-url" -> {
          transportUrl = value;
          transportFlagGiven = true;
        }
        case "--no-consumer" -> noConsumer = isTrue(value, "--no-consumer");
        case "--retain" -> retain = value;
        case "--retain-failed" -> retainFailed = value;
        case "--health-port" -> {
          portText = value;
          portSource = "--health-port";
        }
        case "--prefix" -> prefix = value;
        case "--store-url" -> {
          if (value.isBlank()) throw new UsageException("--store-url is blank");
          storeUrl = value;
        }
        case "--host" -> host = value;
        case "--import" -> {
          if (value.isBlank()) throw new UsageException("--import needs a file name");
          importFile = value;
        }
        case "--port" -> {
          portText = value;
          portSource = "--port";
        }
        case "--max-nodes" -> {
          maxNodesText = value;
          maxNodesSource = "--max-nodes";
        }
        case "--max-bytes" -> {
          maxBytesText = value;
          maxBytesSource = "--max-bytes";
        }
        case "--health-degraded-status" -> {
          degradedText = value;
          degradedSource = "--health-degraded-status";
        }
        case "--node-alias" -> {
          nodeAliasText = value;
          nodeAliasSource = "--node-alias";
        }
        default -> {
          if (anomaly) {
            anomalyFlags.put(name, value);
            continue;
          }
          if (!security) throw new IllegalStateException(name);
          // --allowed-origin and --allowed-host may repeat; the other flags take their last value
          boolean repeatable = SecurityOptions.REPEATABLE.contains(name);
          securityFlags.merge(name, value, (a, b) -> repeatable ? a + "," + b : b);
        }
      }
    }
    int port =
        portText == null || portText.isBlank()
            ? (collect ? NO_PORT : DEFAULT_PORT)
            : integer(portSource, portText, 0, 65_535);
    int maxNodes =
        maxNodesText == null || maxNodesText.isBlank()
            ? DEFAULT_MAX_NODES
            : integer(maxNodesSource, maxNodesText, 1, Integer.MAX_VALUE);
    long maxBytes =
        maxBytesText == null || maxBytesText.isBlank() ? 0 : byteSize(maxBytesSource, maxBytesText);
    int healthDegradedStatus =
        degradedText == null || degradedText.isBlank()
            ? 200
            : integer(degradedSource, degradedText, 200, 599);
    if (healthDegradedStatus != 200 && healthDegradedStatus < 500) {
      throw new UsageException(
          degradedSource + " must be 200 or a 5xx status such as 503, got " + healthDegradedStatus);
    }
    if (host.isBlank()) throw new UsageException("--host is blank");
    if (prefix.isBlank()) throw new UsageException("--prefix is blank");
    boolean sharedStore = !storeUrl.trim().toLowerCase(Locale.ROOT).startsWith("memory:");
    storeUrl = withRetention(storeUrl, sharedStore, "retain", retain);
    storeUrl = withRetention(storeUrl, sharedStore, "retain_failed", retainFailed);
    if (command == Command.DEMO) {
      transportUrl = DEMO_TRANSPORT_URL;
      prefix = DEFAULT_PREFIX;
    } else if (noConsumer) {
      if (transportFlagGiven) {
        throw new UsageException(
            "--no-consumer serves what a collector writes to the store; it takes no --transport-url");
      }
      if (!help && !sharedStore) {
        throw new UsageException(
            "--no-consumer needs a shared store: --store-url postgresql://user:password@host:5432/db"
                + " (or STEMTRACE_STORE_URL), the one ./stemtrace collect writes to");
      }
      transportUrl = null;
    } else if (!help && (transportUrl == null || transportUrl.isBlank())) {
      throw new UsageException(
          command.name().toLowerCase(Locale.ROOT)
              + " needs --transport-url URL (or STEMTRACE_TRANSPORT_URL), for example"
              + " redis://localhost:6379/0");
    }
    if (collect && !help && !sharedStore) {
      throw new UsageException(
          "collect writes to a shared store: give --store-url postgresql://user:password@host:5432/db"
              + " (or STEMTRACE_STORE_URL)");
    }
    SecurityOptions security =
        help ? SecurityOptions.DEFAULTS : SecurityOptions.parse(securityFlags, env);
    AnomalyOptions anomalies =
        help ? AnomalyOptions.DEFAULTS : AnomalyOptions.parse(anomalyFlags, env);
    NodeAlias nodeAlias;
    try {
      nodeAlias = NodeAlias.parse(nodeAliasText);
    } catch (IllegalArgumentException e) {
      throw new UsageException(nodeAliasSource + ": " + e.getMessage());
    }
    return new CliOptions(
        command,
        transportUrl,
        prefix,
        host,
        port,
        maxNodes,
        help,
        importFile,
        security,
        anomalies,
        maxBytes,
        storeUrl,
        healthDegradedStatus,
        nodeAlias,
        noConsumer);
  }

  /**
   * {@code --retain 7d} and {@code --retain-failed 30d} are options of a durable store: they go
   * into its URL's query, where the store checks them.
   */
  private static String withRetention(String storeUrl, boolean durable, String option, String value)
      throws UsageException {
    if (value == null || value.isBlank()) return storeUrl;
    String flag = "--" + option.replace('_', '-');
    if (!durable) {
      throw new UsageException(
          flag
              + " applies to a durable store such as --store-url postgresql://...; memory:// keeps"
              + " what --max-nodes and --max-bytes allow");
    }
    String query = storeUrl.contains("?") ? storeUrl.substring(storeUrl.indexOf('?') + 1) : "";
    for (String pair : query.split("&")) {
      if (pair.toLowerCase(Locale.ROOT).startsWith(option + "=")) {
        throw new UsageException(flag + " is given twice: also as " + option + "= in --store-url");
      }
    }
    return storeUrl + (storeUrl.contains("?") ? "&" : "?") + option + "=" + value.trim();
  }

  private static boolean isTrue(String value, String source) throws UsageException {
    if (value == null || value.isBlank()) return false;
    try {
      return io.stemtrace.api.TransportOptions.parseBoolean(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(source + " " + e.getMessage());
    }
  }

  /** A size such as 512m, 2g, 300000k or a plain number of bytes; at least 1 MiB. */
  static long byteSize(String source, String text) throws UsageException {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    if (t.endsWith("ib")) t = t.substring(0, t.length() - 2);
    else if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
    if (t.endsWith("k")) unit = 1L << 10;
    else if (t.endsWith("m")) unit = 1L << 20;
    else if (t.endsWith("g")) unit = 1L << 30;
    if (unit != 1) t = t.substring(0, t.length() - 1);
    long value;
    try {
      value = Long.parseLong(t.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(source + " must be a size such as 512m or 2g, got '" + text + "'");
    }
    if (value < 1 || value > Long.MAX_VALUE / unit || value * unit < (1L << 20)) {
      throw new UsageException(source + " must be at least 1m (1 MiB), got '" + text + "'");
    }
    return value * unit;
  }

  private static int integer(String source, String text, int min, int max) throws UsageException {
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(source + " must be a number, got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new UsageException(
          source + " must be between " + min + " and " + max + ", got " + value);
    }
    return (int) value;
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : b;
  }
}
