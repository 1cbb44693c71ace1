package io.stemtrace.testing;

import static io.stemtrace.testing.WorkflowShape.chord;
import static io.stemtrace.testing.WorkflowShape.group;
import static io.stemtrace.testing.WorkflowShape.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.GraphStore;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shape assertion passes for exactly the drawn tree and fails, showing both trees, for anything
 * else.
 */
class WorkflowShapeTest {

  /** root -> chord([h1, h2], cb) */
  private static GraphStore chordUnderARoot() {
    CanvasEvents canvas = new CanvasEvents();
    canvas.task("root", "app.root").emit();
    canvas.task("h1", "app.part").parent("root").root("root").group("g").chordCallback("cb").emit();
    canvas.task("h2", "app.part").parent("root").root("root").group("g").chordCallback("cb").emit();
    canvas.task("cb", "app.sum").parent("h2").root("root").emit();
    GraphStore store = InMemoryGraphStore.create();
    canvas.events().forEach(store::apply);
    return store;
  }

  @Test
  void exactShape_passes_whateverTheOrderTheMembersAreWrittenIn() {
    GraphStore store = chordUnderARoot();
    WorkflowShape.assertWorkflow(
        store, task("root", chord(task("h2"), task("h1")).then(task("cb"))));
  }

  @Test
  void wrongContainerType_missingBody_extraMember_orAWrongParent_fail() {
    GraphStore store = chordUnderARoot();
    assertThatThrownBy(
            () ->
                WorkflowShape.assertWorkflow(
                    store, task("root", group(task("h1"), task("h2")).then(task("cb")))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("GROUP")
        .hasMessageContaining("CHORD");
    assertThatThrownBy(
            () ->
                WorkflowShape.assertWorkflow(
                    store, task("root", chord(task("h1"), task("h2"), task("cb")))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("then cb");
    assertThatThrownBy(
            () -> WorkflowShape.assertWorkflow(store, task("root", chord(task("h1"), task("h2")))))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () ->
                WorkflowShape.assertWorkflow(
                    store, task("root", chord(task("h1"), task("h2", task("cb"))))))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void render_usesLabels_andListsTheBodyAfterTheMembers() {
    GraphStore store = chordUnderARoot();
    String text =
        WorkflowShape.render(
            store.workflow("root").orElseThrow(), "root", Map.of("h1", "first", "h2", "second"));
    assertThat(text).isEqualTo("root\n  CHORD\n    first\n    second\n  then cb");
  }
}
