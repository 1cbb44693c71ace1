package io.stemtrace.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAliasTest {

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
  void digit_picksThePositionalArgument() {
    NodeAlias alias = NodeAlias.of("1");

    assertThat(alias.displayName(task("app.add", List.of(10, "second"), null))).isEqualTo("second");
    assertThat(alias.displayName(task("app.add", List.of(10, 20), null))).isEqualTo("20");
  }

  @Test
  void word_picksTheKeywordArgument() {
    NodeAlias alias = NodeAlias.of("order_id");

    assertThat(alias.displayName(task("orders.charge", List.of(), Map.of("order_id", "A-17"))))
        .isEqualTo("A-17");
  }

  @Test
  void missingNullOrBlankArgument_fallsBackToTheName() {
    NodeAlias alias = NodeAlias.of("2");

    assertThat(alias.displayName(task("app.add", List.of(1), null))).isEqualTo("app.add");
    assertThat(alias.displayName(task("app.add", Arrays.asList(1, 2, null), null)))
        .isEqualTo("app.add");
    assertThat(alias.displayName(task("app.add", List.of(1, 2, "  "), null))).isEqualTo("app.add");
    assertThat(alias.displayName(task("app.add", null, null))).isEqualTo("app.add");
    assertThat(NodeAlias.of("user").displayName(task("app.add", List.of(1), List.of(2))))
        .isEqualTo("app.add");
  }

  @Test
  void perTaskName_winsOverTheGlobalSelector_andOtherNamesKeepIt() {
    NodeAlias alias = NodeAlias.parse("0, orders.charge=order_id ,mail.send=1");

    assertThat(alias.displayName(task("orders.charge", List.of(9), Map.of("order_id", 5))))
        .isEqualTo("5");
    assertThat(alias.displayName(task("mail.send", List.of("x", "ann@example.com"), null)))
        .isEqualTo("ann@example.com");
    assertThat(alias.displayName(task("app.other", List.of("zero"), null))).isEqualTo("zero");
  }

  @Test
  void perTaskNameOnly_leavesOtherNamesAlone() {
    NodeAlias alias = NodeAlias.none().forTask("orders.charge", "0");

    assertThat(alias.displayName(task("app.other", List.of("zero"), null))).isEqualTo("app.other");
    assertThat(alias.displayName(task("orders.charge", List.of("A"), null))).isEqualTo("A");
  }

  @Test
  void structuredValue_isCompactJson_andLongTextIsCut() {
    NodeAlias alias = NodeAlias.of("0");

    assertThat(alias.displayName(task("a", List.of(Map.of("id", "x")), null)))
        .isEqualTo("{\"id\":\"x\"}");
    String long_ = "y".repeat(200);
    String shown = alias.displayName(task("a", List.of(long_), null));
    assertThat(shown).hasSize(NodeAlias.MAX_LENGTH).endsWith("\u2026");
  }

  @Test
  void none_showsTheName() {
    assertThat(NodeAlias.none().isNone()).isTrue();
    assertThat(NodeAlias.parse("  ").isNone()).isTrue();
    assertThat(NodeAlias.parse(null).displayName(task("a", List.of(1), null))).isEqualTo("a");
  }

  @Test
  void parse_refusesMalformedSpecs() {
    assertThatThrownBy(() -> NodeAlias.parse("0,,1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty entry in node alias '0,,1'");
    assertThatThrownBy(() -> NodeAlias.parse("0,1"))
        .hasMessage("node alias '0,1' names two selectors for every task; give one");
    assertThatThrownBy(() -> NodeAlias.parse("a.b"))
        .hasMessageStartingWith("node alias selector must be an argument index");
    assertThatThrownBy(() -> NodeAlias.parse("orders.charge="))
        .hasMessage("node alias selector is empty");
    assertThatThrownBy(() -> NodeAlias.parse("=0")).hasMessage("taskName is blank");
    assertThatThrownBy(() -> NodeAlias.of("12345678")).hasMessageStartingWith("node alias index");
  }
}
