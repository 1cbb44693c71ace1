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
 * root. Should messy input still leave several roots or a cycle, the extra parts are hung under the root so
 * that nothing is lost.
 */
final class Layout {

  /** the root: a {@link TaskRecord} or a {@link GroupRecord} */
  final Object root;
  /** every node in preorder from the root */
  final List<Object> order;
  private final Map<Object, List<Object>> children;
  /** for each container, the tasks its state and times aggregate (members, or the tasks of its lanes) */
  private final Map<GroupRecord, List<TaskRecord>> aggregated;

  private Layout(Object root, List<Object> order, Map<Object, List<Object>> children,
      Map<GroupRecord, List<TaskRecord>> aggregated) {
    this.root = root;
    this.order = order;
    this.children = children;
    this.aggregated = aggregated;
  }

  static String idOf(Object node) {
    return node instanceof TaskRecord task ? task.id : ((GroupRecord) node).containerId;
  }

  List<Object> children(Object node) {
    return children.getOrDefault(node, List.of());
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
      TaskRecord common = null;
      boolean differ = false;
      for (TaskRecord member : group.members) {
        if (member.parent == null) continue;
        if (common == null) {
          common = member.parent;
        } else if (common != member.parent) {
          differ = true;
        }
      }
      if (!differ) {
        containerParent.put(group, common);
      } else {
        laned.add(group);
        shapeLanes(group, containerParent, laneHeadOf, aggregated);
      }
    }

    // display parent of every node; null for a root
    Map<Object, Object> parentOf = new IdentityHashMap<>();
    for (TaskRecord task : workflow.tasks) {
      GroupRecord chord = chordByCallback.get(task.id);
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
      parentOf.put(task, parent);
    }
    for (GroupRecord group : groups) parentOf.put(group, containerParent.get(group));

    // children lists, oldest first by first-seen time (then id), so that the drawing does not depend on the
    // order events arrived in; a chord's callback comes last in its container
    Map<Object, Instant> keys = new IdentityHashMap<>();
    for (TaskRecord task : workflow.tasks) keys.put(task, task.firstSeen());
    for (GroupRecord group : groups) keys.put(group, firstSeen(group.members));
    Map<Object, List<Object>> children = new IdentityHashMap<>();
    List<Object> roots = new ArrayList<>(1);
    for (Map.Entry<Object, Object> entry : parentOf.entrySet()) {
      Object parent = entry.getValue();
      if (parent == null) {
        roots.add(entry.getKey());
      } else {
        children.computeIfAbsent(parent, k -> new ArrayList<>()).add(entry.getKey());
      }
    }
    Comparator<Object> byKey = Comparator.comparing((Object node) -> keys.get(node)).thenComparing(Layout::idOf);
    for (Map.Entry<Object, List<Object>> entry : children.entrySet()) {
      if (entry.getKey() instanceof GroupRecord group && group.callbackId != null) {
        entry.getValue().sort(Comparator.comparing((Object child) -> isCallback(child, group)).thenComparing(byKey));
      } else {
        entry.getValue().sort(byKey);
      }
    }
    roots.sort(byKey);

    List<Object> all = new ArrayList<>(keys.keySet());
    all.sort(byKey);
    Object root = roots.isEmpty() ? all.get(0) : roots.get(0);
    if (roots.isEmpty()) detach(root, parentOf, children);
    List<Object> order = new ArrayList<>(all.size());
    Set<Object> reached = Collections.newSetFromMap(new IdentityHashMap<>());
    walk(root, children, order, reached);
    if (order.size() < all.size()) {
      // several roots or a cycle in the links: hang what the walk missed under the root, oldest first
      for (Object node : all) {
        if (reached.contains(node)) continue;
        detach(node, parentOf, children);
        children.computeIfAbsent(root, k -> new ArrayList<>()).add(node);
        walk(node, children, order, reached);
      }
    }
    return new Layout(root, order, children, aggregated);
  }

  private static boolean isCallback(Object child, GroupRecord group) {
    return child instanceof TaskRecord task && task.id.equals(group.callbackId);
  }

  private static void detach(Object node, Map<Object, Object> parentOf, Map<Object, List<Object>> children) {
    Object parent = parentOf.put(node, null);
    if (parent != null) children.get(parent).remove(node);
  }

  /** Preorder without recursion, so a 10 000-deep chain cannot overflow the stack. */
  private static void walk(Object start, Map<Object, List<Object>> children, List<Object> order, Set<Object> reached) {
    ArrayList<Object> stack = new ArrayList<>();
    stack.add(start);
    while (!stack.isEmpty()) {
      Object node = stack.remove(stack.size() - 1);
      if (!reached.add(node)) continue;
      order.add(node);
      List<Object> below = children.get(node);
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
    TaskRecord ancestor = null;
    search:
    for (TaskRecord candidate : chains.get(0)) {
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
    Instant first = null;
    for (TaskRecord task : tasks) {
      if (first == null || task.firstSeen().isBefore(first)) first = task.firstSeen();
    }
    return first;
  }

  static Instant lastUpdated(List<TaskRecord> tasks) {
    Instant last = null;
    for (TaskRecord task : tasks) {
      if (last == null || task.lastUpdated().isAfter(last)) last = task.lastUpdated();
    }
    return last;
  }
}
