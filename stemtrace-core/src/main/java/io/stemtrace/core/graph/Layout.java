package io.stemtrace.core.graph;

import io.stemtrace.api.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one workflow is drawn: which node sits under which, computed from the links the store keeps. Computed
 * when a graph or a root is asked for, never on the event path, so it may cost O(n log n) in the workflow's
 * size. The result is a tree: every task and container of the workflow appears exactly once.
 *
 * <p>Rules, in order of precedence for a task: a chord callback sits under its chord's container; a member of
 * a group sits under the container, except in a group of chains, where the container holds each chain as a
 * lane (its head sits under the container, the rest follow their parents); else a task sits under its parent.
 * A container sits under its members' common parent (for lanes: their lowest common ancestor), else it is a
 * root. A task whose parent has not arrived but whose root hint joined it to the workflow hangs under the
 * root until the parent arrives. Should messy input still leave several roots or a cycle, the extra parts are
 * hung under the root, so that nothing is lost.
 */
final class Layout {

  /** the root: a {@link TaskRecord} or a {@link GroupRecord} */
  final Object root;
  /** every node in preorder from the root */
  final List<Object> order;
  private final Map<Object, Vertex> vertices;
  /** for each container, the tasks its state and times aggregate (members, or the tasks of its lanes) */
  private final Map<GroupRecord, List<TaskRecord>> aggregated;

  /** One node while the layout is built: a task or a container, its drawing parent and children. */
  private static final class Vertex {
    final Object node;
    /** sort key among siblings: first-seen time; a chord's callback sorts last in its container */
    long key;
    Vertex parent;
    List<Vertex> children;

    Vertex(Object node, long key) {
      this.node = node;
      this.key = key;
    }

    String id() {
      return idOf(node);
    }

    void add(Vertex child) {
      if (children == null) children = new ArrayList<>(2);
      children.add(child);
    }
  }

  private static final Comparator<Vertex> SIBLING_ORDER =
      Comparator.comparingLong((Vertex v) -> v.key).thenComparing(Vertex::id);

  private Layout(Object root, List<Object> order, Map<Object, Vertex> vertices,
      Map<GroupRecord, List<TaskRecord>> aggregated) {
    this.root = root;
    this.order = order;
    this.vertices = vertices;
    this.aggregated = aggregated;
  }

  static String idOf(Object node) {
    return node instanceof TaskRecord task ? task.id : ((GroupRecord) node).containerId();
  }

  /** The ids of the nodes drawn under {@code node}, in order. */
  List<String> childIds(Object node) {
    Vertex vertex = vertices.get(node);
    if (vertex == null || vertex.children == null) return List.of();
    List<String> ids = new ArrayList<>(vertex.children.size());
    for (Vertex child : vertex.children) ids.add(child.id());
    return ids;
  }

  List<TaskRecord> aggregated(GroupRecord group) {
    return aggregated.getOrDefault(group, group.members);
  }

  Workflow.RootInfo rootInfo(int version) {
    if (root instanceof TaskRecord task) return new Workflow.RootInfo(version, task, null, null);
    GroupRecord group = (GroupRecord) root;
    return new Workflow.RootInfo(version, null, group, List.copyOf(aggregated(group)));
  }

  static Layout of(Workflow workflow) {
    List<GroupRecord> groups = workflow.groups == null ? List.of() : workflow.groups;
    Map<String, GroupRecord> chordByCallback = new HashMap<>();
    Map<TaskRecord, GroupRecord> laneHeadOf = new IdentityHashMap<>();
    Map<GroupRecord, TaskRecord> containerParent = new IdentityHashMap<>();
    Set<GroupRecord> laned = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<GroupRecord, List<TaskRecord>> aggregated = new IdentityHashMap<>();

    for (GroupRecord group : groups) {
      if (group.callbackId != null) chordByCallback.putIfAbsent(group.callbackId, group);
      // members whose events named no parent yet do not decide; a parent named but not arrived does
      String commonId = null;
      boolean differ = false;
      for (TaskRecord member : group.members) {
        if (member.parentId == null) continue;
        if (commonId == null) {
          commonId = member.parentId;
        } else if (!commonId.equals(member.parentId)) {
          differ = true;
        }
      }
      if (!differ) {
        TaskRecord common = null;
        for (TaskRecord member : group.members) {
          if (member.parent != null) common = member.parent;
        }
        containerParent.put(group, common);
      } else {
        laned.add(group);
        shapeLanes(group, containerParent, laneHeadOf, aggregated);
      }
    }

    int size = workflow.tasks.size() + groups.size();
    Map<Object, Vertex> vertices = new IdentityHashMap<>(size * 2);
    List<Vertex> all = new ArrayList<>(size);
    for (TaskRecord task : workflow.tasks) {
      Vertex vertex = new Vertex(task, task.firstStamp());
      vertices.put(task, vertex);
      all.add(vertex);
    }
    for (GroupRecord group : groups) {
      long first = Long.MAX_VALUE;
      for (TaskRecord member : group.members) first = Math.min(first, member.firstStamp());
      Vertex vertex = new Vertex(group, first);
      vertices.put(group, vertex);
      all.add(vertex);
    }

    // the drawing parent of every node; none for a root
    for (TaskRecord task : workflow.tasks) {
      GroupRecord chord = chordByCallback.isEmpty() ? null : chordByCallback.get(task.id);
      Object parent;
      if (chord != null && task.group != chord) {
        parent = chord;
      } else if (task.group != null && (!laned.contains(task.group) || task.parent == null)) {
        parent = task.group;
      } else if (laneHeadOf.containsKey(task)) {
        parent = laneHeadOf.get(task);
      } else {
        parent = task.parent;
      }
      Vertex vertex = vertices.get(task);
      vertex.parent = parent == null ? null : vertices.get(parent);
      if (chord != null && parent == chord) vertex.key = Long.MAX_VALUE;
    }
    for (GroupRecord group : groups) {
      TaskRecord parent = containerParent.get(group);
      vertices.get(group).parent = parent == null ? null : vertices.get(parent);
    }

    // children lists, oldest first by first-seen time (then id), so that the drawing does not depend on the
    // order events arrived in
    all.sort(SIBLING_ORDER);
    Vertex root = null;
    Vertex orphan = null;
    for (Vertex vertex : all) {
      if (vertex.parent != null) {
        vertex.parent.add(vertex);
      } else if (isOrphan(vertex.node)) {
        if (orphan == null) orphan = vertex;
      } else if (root == null) {
        root = vertex;
      }
    }
    if (root == null) root = orphan;
    if (root == null) {
      // every node has a parent: a cycle in messy input; the oldest node becomes the root
      root = all.get(0);
      detach(root);
    }
    List<Object> order = new ArrayList<>(size);
    Set<Vertex> reached = Collections.newSetFromMap(new IdentityHashMap<>(size * 2));
    walk(root, order, reached);
    if (order.size() < size) {
      // several roots or a cycle in the links: hang what the walk missed under the root, oldest first
      for (Vertex vertex : all) {
        if (reached.contains(vertex)) continue;
        detach(vertex);
        vertex.parent = root;
        root.add(vertex);
        walk(vertex, order, reached);
      }
    }
    return new Layout(root.node, order, vertices, aggregated);
  }

  /** A task that names a parent the store has not seen (late or lost): joined by its root hint only. */
  private static boolean isOrphan(Object node) {
    return node instanceof TaskRecord task && task.parentId != null && task.parent == null;
  }

  private static void detach(Vertex vertex) {
    if (vertex.parent != null) vertex.parent.children.remove(vertex);
    vertex.parent = null;
  }

  /** Preorder without recursion, so a 10 000-deep chain cannot overflow the stack. */
  private static void walk(Vertex start, List<Object> order, Set<Vertex> reached) {
    ArrayList<Vertex> stack = new ArrayList<>();
    stack.add(start);
    while (!stack.isEmpty()) {
      Vertex vertex = stack.remove(stack.size() - 1);
      if (!reached.add(vertex)) continue;
      order.add(vertex.node);
      List<Vertex> below = vertex.children;
      if (below == null) continue;
      for (int i = below.size() - 1; i >= 0; i--) {
        if (!reached.contains(below.get(i))) stack.add(below.get(i));
      }
    }
  }

  /**
   * A group whose members have different parents: Celery's group of chains, where the group id sits on the
   * last task of each chain. The container hangs under the members' lowest common ancestor (or is a root) and
   * each member's chain up to that ancestor becomes one lane.
   */
  private static void shapeLanes(GroupRecord group, Map<GroupRecord, TaskRecord> containerParent,
      Map<TaskRecord, GroupRecord> laneHeadOf, Map<GroupRecord, List<TaskRecord>> aggregated) {
    Set<TaskRecord> members = Collections.newSetFromMap(new IdentityHashMap<>());
    members.addAll(group.members);
    List<List<TaskRecord>> chains = new ArrayList<>();
    List<Set<TaskRecord>> chainSets = new ArrayList<>();
    for (TaskRecord member : group.members) {
      if (member.parent == null) continue;
      List<TaskRecord> chain = new ArrayList<>();
      Set<TaskRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      seen.add(member);
      for (TaskRecord up = member.parent; up != null && seen.add(up); up = up.parent) chain.add(up);
      chains.add(chain);
      chainSets.add(seen);
    }
    // a common ancestor is known only when every member's named parent has arrived
    boolean allParentsKnown = !chains.isEmpty();
    for (TaskRecord member : group.members) {
      if (member.parentId != null && member.parent == null) allParentsKnown = false;
    }
    TaskRecord ancestor = null;
    search:
    for (TaskRecord candidate : allParentsKnown ? chains.get(0) : List.<TaskRecord>of()) {
      if (members.contains(candidate)) continue;
      for (Set<TaskRecord> other : chainSets) {
        if (!other.contains(candidate)) continue search;
      }
      ancestor = candidate;
      break;
    }
    containerParent.put(group, ancestor);
    List<TaskRecord> laneTasks = new ArrayList<>();
    Set<TaskRecord> inLanes = Collections.newSetFromMap(new IdentityHashMap<>());
    for (TaskRecord member : group.members) {
      TaskRecord head = member;
      if (inLanes.add(member)) laneTasks.add(member);
      Set<TaskRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      seen.add(member);
      for (TaskRecord up = member.parent; up != null && up != ancestor && seen.add(up); up = up.parent) {
        head = up;
        if (inLanes.add(up)) laneTasks.add(up);
      }
      if (head != member || member.parent != null) laneHeadOf.putIfAbsent(head, group);
    }
    aggregated.put(group, laneTasks);
  }

  /** Container state: FAILURE > REJECTED > running > PENDING > REVOKED > SUCCESS over the given tasks. */
  static TaskState aggregateState(List<TaskRecord> tasks) {
    TaskState worst = null;
    int worstRank = -1;
    for (TaskRecord task : tasks) {
      TaskState state = task.state();
      int rank = containerRank(state);
      if (rank > worstRank || (rank == worstRank && state == TaskState.STARTED)) {
        worst = state;
        worstRank = rank;
      }
    }
    return worst == null ? TaskState.PENDING : worst;
  }

  private static int containerRank(TaskState state) {
    switch (state) {
      case FAILURE: return 5;
      case REJECTED: return 4;
      case STARTED: case RECEIVED: case RETRY: return 3;
      case PENDING: return 2;
      case REVOKED: return 1;
      default: return 0;
    }
  }

  static Instant firstSeen(List<TaskRecord> tasks) {
    TaskRecord first = null;
    for (TaskRecord task : tasks) {
      if (first == null || task.firstStamp() < first.firstStamp()) first = task;
    }
    return first == null ? null : first.firstSeen();
  }

  static Instant lastUpdated(List<TaskRecord> tasks) {
    TaskRecord last = null;
    for (TaskRecord task : tasks) {
      if (last == null || task.lastStamp() > last.lastStamp()) last = task;
    }
    return last == null ? null : last.lastUpdated();
  }
}
