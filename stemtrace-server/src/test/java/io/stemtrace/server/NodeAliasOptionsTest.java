package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAliasOptionsTest {

  private static TaskNode task(String name, Object args, Object kwargs) {
    return new TaskNode(
        "t1",
        name,
        TaskState.SUCCESS,
        null,
        "t1",
        null,
        null,
        null,
        null,
        0,
        args,
        kwargs,
        null,
        null,
        null,
        List.of(),
        List.of(),
        null,
        null,
        null,
        null,
        List.of());
  }

  @Test
  void nodeAlias_defaultsToNone() throws Exception {
    CliOptions options = CliOptionsTest.parse(Map.of(), "demo");

    assertThat(options.nodeAlias().isNone()).isTrue();
    assertThat(options.nodeAlias().displayName(task("app.add", List.of(1), null)))
        .isEqualTo("app.add");
  }

  @Test
  void nodeAlias_fromTheFlag_winsOverTheEnvironment() throws Exception {
    CliOptions options =
        CliOptionsTest.parse(
            Map.of("STEMTRACE_NODE_ALIAS", "1"),
            "server",
            "--transport-url",
            "memory://x",
            "--node-alias",
            "0,orders.charge=order_id");

    assertThat(options.nodeAlias().displayName(task("app.add", List.of("first", 2), null)))
        .isEqualTo("first");
    assertThat(
            options
                .nodeAlias()
                .displayName(task("orders.charge", List.of(9), Map.of("order_id", "A-17"))))
        .isEqualTo("A-17");
  }

  @Test
  void nodeAlias_fromTheEnvironment() throws Exception {
    CliOptions options = CliOptionsTest.parse(Map.of("STEMTRACE_NODE_ALIAS", "user"), "demo");

    assertThat(options.nodeAlias().displayName(task("app.mail", null, Map.of("user", "ann"))))
        .isEqualTo("ann");
  }

  @Test
  void nodeAlias_malformed_isAUsageErrorNamingItsSource() {
    assertThatThrownBy(() -> CliOptionsTest.parse(Map.of(), "demo", "--node-alias", "a-b"))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessageStartingWith("--node-alias: node alias selector must be an argument index");
    assertThatThrownBy(() -> CliOptionsTest.parse(Map.of("STEMTRACE_NODE_ALIAS", "0,1"), "demo"))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessage(
            "STEMTRACE_NODE_ALIAS: node alias '0,1' names two selectors for every task; give one");
  }

  @Test
  void usage_listsTheOption() {
    assertThat(CliOptions.usage(CliOptions.Command.SERVER)).contains("--node-alias SPEC");
    assertThat(CliOptions.usage(CliOptions.Command.DEMO)).contains("STEMTRACE_NODE_ALIAS");
  }
}
