package io.stemtrace.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link GraphStore} must hold after the Python canvas capture ({@link
 * Captures#PYTHON_CANVAS}) was applied, in any order and through any transport. Transport test
 * suites call {@link #assertPythonCanvasGraph(GraphStore)} after replaying the capture end to end.
 */
public final class CaptureExpectations {

  private CaptureExpectations() {}

  /**
   * The capture decoded with {@link EventCodec#standard()}, in file order (all 59 lines decode).
   */
  public static List<StemtraceEvent> pythonCanvasEvents() {
    EventCodec codec = EventCodec.standard();
    List<StemtraceEvent> events = new ArrayList<>();
    for (byte[] payload : Captures.pythonCanvas()) {
      DecodeResult result = codec.decode(payload);
      assertThat(result).as("every capture line decodes").isInstanceOf(DecodeResult.Decoded.class);
      events.add(((DecodeResult.Decoded) result).event());
    }
    return events;
  }

  /**
   * Asserts the capture's expected graph (see the vectors README): 7 workflows, 18 task nodes each
   * exactly once, the chain, the standalone GROUP, the CHORD followed by tsum, the flaky task with
   * 3 attempts, the failing task, the parent with a GROUP of 3 plus a direct child, the
   * unregistered PENDING task, and the worker and registry.
   */
  public static void assertPythonCanvasGraph(GraphStore store) {
    assertThat(store.taskCount()).as("task nodes").isEqualTo(18);
    assertThat(store.workflowCount()).as("workflows").isEqualTo(7);
    Map<String, WorkflowGraph> graphs = assertEveryTaskExactlyOnce(store);
    assertThat(graphs).hasSize(7);
    Ids ids = new Ids(store);

    // the chain
    WorkflowGraph chain = graphs.get(ids.of("2286e677"));
    assertThat(chain).as("chain rooted at its first task").isNotNull();
    assertThat(children(chain, ids.of("2286e677"))).containsExactly(ids.of("6092be5c"));
    assertThat(children(chain, ids.of("6092be5c"))).containsExactly(ids.of("064a0d58"));
    assertThat(chain.nodes().get(chain.rootId()).state()).isEqualTo(TaskState.SUCCESS);

    // the standalone group: a GROUP container is the root
    String groupId = "group:" + ids.group("598664ba");
    WorkflowGraph group = graphs.get(groupId);
    assertThat(group).as("standalone group rooted at its container").isNotNull();
    assertThat(group.nodes().get(groupId).type()).isEqualTo(GraphNode.NodeType.GROUP);
    assertThat(group.nodes().get(groupId).state()).isEqualTo(TaskState.SUCCESS);
    assertThat(children(group, groupId))
        .containsExactly(ids.of("598664ba"), ids.of("b0a2554e"), ids.of("67a3441b"));

    // the chord: CHORD container root, headers then the callback; the callback is not under a
    // header
    String chordId = "group:" + ids.group("e48dc173");
    WorkflowGraph chord = graphs.get(chordId);
    assertThat(chord).as("chord rooted at its container").isNotNull();
    GraphNode chordNode = chord.nodes().get(chordId);
    assertThat(chordNode.type()).isEqualTo(GraphNode.NodeType.CHORD);
    assertThat(chordNode.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(chordNode.children())
        .containsExactly(
            ids.of("e48dc173"), ids.of("47e30c64"), ids.of("7b4871e6"), ids.of("532f478d"));
    assertThat(children(chord, ids.of("7b4871e6"))).isEmpty();
    assertThat(store.children(ids.of("7b4871e6"))).as("callback is not a header's child").isEmpty();

    // the flaky task: one root, three attempts, SUCCESS in the last
    WorkflowGraph flaky = graphs.get(ids.of("f9861466"));
    assertThat(flaky).as("flaky task is its own root").isNotNull();
    assertThat(flaky.nodes()).hasSize(1);
    TaskNode flakyTask = store.task(ids.of("f9861466")).orElseThrow();
    assertThat(flakyTask.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(flakyTask.parentId()).as("self-parent ignored").isNull();
    assertThat(flakyTask.retries()).isEqualTo(2);
    assertThat(flakyTask.attempts()).extracting(a -> a.number()).containsExactly(0, 1, 2);
    assertThat(flakyTask.attempts())
        .extracting(a -> a.state())
        .containsExactly(TaskState.RETRY, TaskState.RETRY, TaskState.SUCCESS);
    assertThat(flakyTask.events().stream().filter(e -> e.state() == TaskState.RETRY)).hasSize(2);
    assertThat(flakyTask.events())
        .isSortedAccordingTo((a, b) -> a.timestamp().compareTo(b.timestamp()));
    assertThat(flakyTask.runTime()).isNotNull();
    assertThat(flakyTask.queueTime()).isNotNull();

    // the failing task
    TaskNode boom = store.task(ids.of("1a9af1b1")).orElseThrow();
    assertThat(boom.state()).isEqualTo(TaskState.FAILURE);
    assertThat(boom.exception()).isNotBlank();
    assertThat(boom.traceback()).isNotBlank();
    assertThat(graphs).containsKey(boom.id());

    // the parent: a GROUP of 3 plus one direct child
    String parentGroup = "group:" + ids.group("e86e0a9d");
    WorkflowGraph parent = graphs.get(ids.of("25e760ad"));
    assertThat(parent).as("parent task is a root").isNotNull();
    assertThat(children(parent, ids.of("25e760ad")))
        .containsExactly(parentGroup, ids.of("418f19c5"));
    assertThat(parent.nodes().get(parentGroup).type()).isEqualTo(GraphNode.NodeType.GROUP);
    assertThat(children(parent, parentGroup))
        .containsExactly(ids.of("e86e0a9d"), ids.of("82a262a3"), ids.of("d70cf954"));
    assertThat(store.children(ids.of("25e760ad")))
        .extracting(TaskNode::id)
        .containsExactly(
            ids.of("e86e0a9d"), ids.of("82a262a3"), ids.of("d70cf954"), ids.of("418f19c5"));

    // the unregistered task: a PENDING root
    WorkflowGraph unregistered = graphs.get(ids.of("9644dd94"));
    assertThat(unregistered).isNotNull();
    assertThat(unregistered.nodes().get(unregistered.rootId()).state())
        .isEqualTo(TaskState.PENDING);

    // every task knows its workflow
    for (WorkflowGraph graph : graphs.values()) {
      for (GraphNode node : graph.nodes().values()) {
        if (node.type() == GraphNode.NodeType.TASK) {
          assertThat(store.workflowOf(node.id())).contains(graph.rootId());
          assertThat(node.task().rootId()).isEqualTo(graph.rootId());
        }
      }
    }

    // the worker and the registry
    List<WorkerInfo> workers = store.workers();
    assertThat(workers)
        .singleElement()
        .satisfies(
            worker -> {
              assertThat(worker.hostname()).isEqualTo("w1@vm");
              assertThat(worker.status()).isEqualTo(WorkerInfo.Status.OFFLINE);
              assertThat(worker.registeredTasks()).hasSize(5);
            });
    List<RegistryEntry> registry = store.registry(null, null);
    assertThat(registry)
        .extracting(RegistryEntry::name)
        .containsExactly(
            "capp.add",
            "capp.boom",
            "capp.flaky",
            "capp.not_registered_anywhere",
            "capp.parent",
            "capp.tsum");
    assertThat(store.registry(null, RegistryEntry.Status.NOT_REGISTERED))
        .extracting(RegistryEntry::name)
        .containsExactly("capp.not_registered_anywhere");
    assertThat(store.registry("ADD", null))
        .singleElement()
        .satisfies(
            add -> {
              assertThat(add.status()).isEqualTo(RegistryEntry.Status.ACTIVE);
              assertThat(add.executionCount()).isEqualTo(13);
              assertThat(add.registeredBy()).containsExactly("w1@vm");
              assertThat(add.lastRun()).isNotNull();
            });
  }

  /**
   * Reads every workflow through {@link GraphStore#workflows} and {@link GraphStore#workflow} and
   * asserts that no node lists a child twice, no task sits under two parents, no task is in two
   * workflows, every node is reachable from its root, and every task the store holds is in exactly
   * one workflow.
   *
   * @return every workflow's graph by root id
   */
  public static Map<String, WorkflowGraph> assertEveryTaskExactlyOnce(GraphStore store) {
    Map<String, WorkflowGraph> graphs = new LinkedHashMap<>();
    int offset = 0;
    while (true) {
      var page = store.workflows(WorkflowQuery.all(100, offset));
      for (WorkflowSummary summary : page.items()) {
        WorkflowGraph graph =
            store
                .workflow(summary.rootId())
                .orElseThrow(
                    () ->
                        new AssertionError(
                            "listed workflow " + summary.rootId() + " has no graph"));
        assertThat(graph.rootId()).isEqualTo(summary.rootId());
        assertThat(graphs.put(summary.rootId(), graph))
            .as("workflow listed twice: " + summary.rootId())
            .isNull();
        long tasks =
            graph.nodes().values().stream()
                .filter(n -> n.type() == GraphNode.NodeType.TASK)
                .count();
        assertThat(summary.taskCount())
            .as("task count of " + summary.rootId())
            .isEqualTo((int) tasks);
        assertThat(summary.state()).isEqualTo(graph.nodes().get(graph.rootId()).state());
      }
      offset += page.items().size();
      if (page.items().isEmpty() || offset >= page.total()) break;
    }
    Map<String, String> workflowOfTask = new HashMap<>();
    for (WorkflowGraph graph : graphs.values()) {
      assertThat(graph.nodes().keySet().iterator().next())
          .as("root first")
          .isEqualTo(graph.rootId());
      Map<String, String> parentOf = new HashMap<>();
      for (GraphNode node : graph.nodes().values()) {
        assertThat(new HashSet<>(node.children()))
            .as(node.id() + " lists a child twice")
            .hasSameSizeAs(node.children());
        for (String child : node.children()) {
          assertThat(graph.nodes())
              .as("child " + child + " of " + node.id() + " is in the graph")
              .containsKey(child);
          String before = parentOf.put(child, node.id());
          assertThat(before)
              .as(child + " under two parents: " + before + " and " + node.id())
              .isNull();
        }
        if (node.type() == GraphNode.NodeType.TASK) {
          String before = workflowOfTask.put(node.id(), graph.rootId());
          assertThat(before).as("task " + node.id() + " in two workflows").isNull();
          assertThat(store.workflowOf(node.id()))
              .as("workflowOf " + node.id())
              .contains(graph.rootId());
        }
      }
      assertThat(parentOf).as("the root has no parent").doesNotContainKey(graph.rootId());
      Set<String> reachable = new HashSet<>();
      List<String> todo = new ArrayList<>(List.of(graph.rootId()));
      while (!todo.isEmpty()) {
        String id = todo.remove(todo.size() - 1);
        if (reachable.add(id)) todo.addAll(graph.nodes().get(id).children());
      }
      assertThat(reachable)
          .as("every node of " + graph.rootId() + " is reachable from its root")
          .isEqualTo(graph.nodes().keySet());
    }
    assertThat((long) workflowOfTask.size())
        .as("every task is in a workflow")
        .isEqualTo(store.taskCount());
    return graphs;
  }

  private static List<String> children(WorkflowGraph graph, String id) {
    GraphNode node = graph.nodes().get(id);
    assertThat(node).as("node " + id + " in graph " + graph.rootId()).isNotNull();
    return node.children();
  }

  /** Full ids by their 8-character prefix. */
  private static final class Ids {
    private final Map<String, TaskNode> byPrefix = new HashMap<>();

    Ids(GraphStore store) {
      for (TaskNode task : store.tasks(TaskQuery.all(1000, 0)).items()) {
        assertThat(byPrefix.put(task.id().substring(0, 8), task)).isNull();
      }
    }

    String of(String prefix) {
      TaskNode task = byPrefix.get(prefix);
      assertThat(task).as("task " + prefix).isNotNull();
      return task.id();
    }

    String group(String memberPrefix) {
      String group = byPrefix.get(memberPrefix).groupId();
      assertThat(group).as("group of " + memberPrefix).isNotNull();
      return group;
    }
  }
}
