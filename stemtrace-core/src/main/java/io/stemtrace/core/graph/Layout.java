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
 * How one workflow is drawn: which node sits under which, computed from the links the store keeps.
 * Computed when a graph or a root is asked for, never on the event path, so it may cost O(n log n)
 * in the workflow's size. The result is a tree: every task and container of the workflow appears
 * exactly once.
 *
 * <p>Rules for a task, in order of precedence: a chord callback sits under its chord's container
 * (last); the inferred body of a group sits under that group's container (last); a member of a
 * group sits under the container, except in a group of chains, where the container holds each chain
 * as a lane (its head sits under the container, the rest follow their parents); else a task sits
 * under its parent. Rules for a container: the inferred body of a group sits under that group's
 * container (last); a chord whose callback is a member of another group, or whose headers name that
 * group as their {@code chord_id}, sits inside that group's container in the callback's place
 * (Celery's chord whose header holds chords); else it sits under its members' common parent (for
 * lanes: their lowest common ancestor), or is a root.
 *
 * <p>A body is what runs after a group when no callback task is known: Celery's chain of groups
 * names a chord signature that never runs as the callback, and a chord inside a chain names no
 * callback at all. It is the one task or container whose parent is a member of the group and that
 * first appeared after every other member had finished (a task spawned while its siblings still ran
 * is a child, not a body). See RATIONALE.md.
 *
 * <p>A task whose parent has not arrived but whose root hint joined it to the workflow hangs under
 * the root until the parent arrives. Should messy input still leave several roots or a cycle, the
 * extra parts are hung under the root, so that nothing is lost.
 */
final class Layout {

  /** the root: a {@link TaskRecord} or a {@link GroupRecord} */
  final Object root;

  /** every node in preorder from the root */
  final List<Object> order;

  private final Map<Object, Vertex> vertices;
  private final Structure structure;

  /** One node while the layout is built: a task or a container, its drawing parent and children. */
  private static final class Vertex {
    final Object node;

    /** sort key among siblings: first-seen time; a chord's callback or a group's body sorts last */
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

  private Layout(
      Object root, List<Object> order, Map<Object, Vertex> vertices, Structure structure) {
    this.root = root;
    this.order = order;
    this.vertices = vertices;
    this.structure = structure;
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

  /**
   * What follows a container's members: its callback task, or the task or container that ran as its
   * body.
   */
  Object body(GroupRecord group) {
    return structure.body.get(group);
  }

  /** A chord: its members named a callback, or something ran after them as its body. */
  boolean isChord(GroupRecord group) {
    return group.isChord() || structure.body.containsKey(group);
  }

  /** The state and times of a container: its members, the containers it holds, and its body. */
  Summary summary(GroupRecord group) {
    return structure.summaries().get(group);
  }

  Workflow.RootInfo rootInfo(int version) {
    boolean chordWaits = anyChordAwaitsBody();
    if (root instanceof TaskRecord task)
      return new Workflow.RootInfo(version, task, null, null, false, false, chordWaits);
    GroupRecord group = (GroupRecord) root;
    // the root's state is read live from these tasks until the structure changes again
    List<TaskRecord> tasks = new ArrayList<>();
    boolean awaitsBody = structure.collect(group, tasks);
    return new Workflow.RootInfo(
        version, null, group, List.copyOf(tasks), awaitsBody, isChord(group), chordWaits);
  }

  /**
   * Whether a chord anywhere in the workflow, not only at its root, has neither a callback nor a
   * body yet: the workflow is then not finished, however its tasks ended.
   */
  private boolean anyChordAwaitsBody() {
    for (GroupRecord group : structure.groups) {
      if (group.isChord() && !structure.body.containsKey(group)) return true;
    }
    return false;
  }

  /** The derived structure of a workflow's containers, before the tree is built. */
  private static final class Structure {
    final List<GroupRecord> groups;

    /**
     * for each container, the tasks its state and times aggregate directly (members, or the tasks
     * of its lanes)
     */
    final Map<GroupRecord, List<TaskRecord>> own = new IdentityHashMap<>();

    /** the container each nested container is drawn in */
    final Map<GroupRecord, GroupRecord> enclosing = new IdentityHashMap<>();

    /** the containers drawn directly inside each container (nested chords and a container body) */
    final Map<GroupRecord, List<GroupRecord>> inner = new IdentityHashMap<>();

    /** per container its callback task, or the task or container inferred as its body */
    final Map<GroupRecord, Object> body = new IdentityHashMap<>();

    /** the inverse of {@link #body}: a node to the container it follows */
    final Map<Object, GroupRecord> follows = new IdentityHashMap<>();

    private Map<GroupRecord, Summary> summaries;

    Structure(List<GroupRecord> groups) {
      this.groups = groups;
    }

    void nest(GroupRecord child, GroupRecord parent) {
      inner.computeIfAbsent(parent, g -> new ArrayList<>(2)).add(child);
    }

    /**
     * Adds the tasks a container aggregates, with the containers it holds, to {@code into}; true
     * when one of them is a chord still waiting for its callback.
     */
    boolean collect(GroupRecord start, List<TaskRecord> into) {
      boolean awaits = false;
      Set<GroupRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      ArrayList<GroupRecord> stack = new ArrayList<>();
      stack.add(start);
      while (!stack.isEmpty()) {
        GroupRecord group = stack.remove(stack.size() - 1);
        if (!seen.add(group)) continue;
        into.addAll(own.getOrDefault(group, group.members));
        Object follower = body.get(group);
        if (follower instanceof TaskRecord task) into.add(task);
        if (follower == null && group.isChord()) awaits = true;
        List<GroupRecord> nested = inner.get(group);
        if (nested != null) stack.addAll(nested);
      }
      return awaits;
    }

    /**
     * Summaries of every container, innermost first, so that each costs its own tasks and its
     * children.
     */
    Map<GroupRecord, Summary> summaries() {
      if (summaries != null) return summaries;
      Map<GroupRecord, Summary> done = new IdentityHashMap<>();
      Set<GroupRecord> entered = Collections.newSetFromMap(new IdentityHashMap<>());
      ArrayList<GroupRecord> stack = new ArrayList<>();
      for (GroupRecord start : groups) {
        stack.add(start);
        while (!stack.isEmpty()) {
          GroupRecord group = stack.get(stack.size() - 1);
          if (done.containsKey(group)) {
            stack.remove(stack.size() - 1);
            continue;
          }
          List<GroupRecord> nested = inner.getOrDefault(group, List.of());
          if (entered.add(group)) {
            // children first; a child already entered but not done is a cycle in messy input, and
            // is skipped
            for (GroupRecord child : nested) {
              if (!entered.contains(child)) stack.add(child);
            }
            continue;
          }
          stack.remove(stack.size() - 1);
          Summary summary = new Summary();
          for (TaskRecord task : own.getOrDefault(group, group.members)) summary.add(task);
          for (GroupRecord child : nested) {
            Summary childSummary = done.get(child);
            if (childSummary != null) summary.add(childSummary);
          }
          Object follower = body.get(group);
          if (follower instanceof TaskRecord task) summary.add(task);
          if (follower == null && group.isChord()) summary.awaitingBody = true;
          done.put(group, summary);
        }
      }
      summaries = done;
      return done;
    }
  }

  /**
   * The state and times a container shows. Its state is the worst of what it aggregates (see {@link
   * #aggregateState} and {@link #withAwaitedBody}).
   */
  static final class Summary {
    private TaskState worst;
    private int worstRank = -1;
    private TaskRecord first;
    private TaskRecord last;
    boolean awaitingBody;

    void add(TaskRecord task) {
      consider(task.state());
      if (first == null || task.firstStamp() < first.firstStamp()) first = task;
      if (last == null || task.lastStamp() > last.lastStamp()) last = task;
    }

    void add(Summary other) {
      if (other.worst != null || other.awaitingBody) consider(other.state());
      if (other.first != null && (first == null || other.first.firstStamp() < first.firstStamp()))
        first = other.first;
      if (other.last != null && (last == null || other.last.lastStamp() > last.lastStamp()))
        last = other.last;
    }

    private void consider(TaskState state) {
      int rank = containerRank(state);
      if (rank > worstRank || (rank == worstRank && state == TaskState.STARTED)) {
        worst = state;
        worstRank = rank;
      }
    }

    TaskState state() {
      return withAwaitedBody(worst == null ? TaskState.PENDING : worst, awaitingBody);
    }

    Instant firstSeen() {
      return first == null ? null : first.firstSeen();
    }

    Instant lastUpdated() {
      return last == null ? null : last.lastUpdated();
    }
  }

  /**
   * A chord whose callback or body has not been seen counts it as a PENDING task: it is not SUCCESS
   * (or REVOKED) before its callback ran, and the rule stays a plain "worst of", so that a
   * container nested in another gives the same state whether it is summarised on its own or as part
   * of the outer one.
   */
  static TaskState withAwaitedBody(TaskState state, boolean awaitingBody) {
    return awaitingBody && containerRank(state) < containerRank(TaskState.PENDING)
        ? TaskState.PENDING
        : state;
  }

  static Layout of(Workflow workflow) {
    List<GroupRecord> groups = workflow.groups == null ? List.of() : workflow.groups;
    Structure structure = new Structure(groups);
    Set<GroupRecord> inWorkflow = Collections.newSetFromMap(new IdentityHashMap<>());
    inWorkflow.addAll(groups);
    Map<String, GroupRecord> chordByCallback = new HashMap<>();
    for (GroupRecord group : groups) {
      if (group.callbackId != null) chordByCallback.putIfAbsent(group.callbackId, group);
    }
    // callbacks that arrived, and the chords that stand in for their callback inside another group
    Map<TaskRecord, GroupRecord> callbackOf = new IdentityHashMap<>();
    for (TaskRecord task : workflow.tasks) {
      GroupRecord chord = chordByCallback.isEmpty() ? null : chordByCallback.get(task.id);
      if (chord == null || chord == task.group) continue;
      callbackOf.put(task, chord);
      structure.body.put(chord, task);
      structure.follows.put(task, chord);
    }
    Set<TaskRecord> represented = Collections.newSetFromMap(new IdentityHashMap<>());
    for (GroupRecord group : groups) {
      Object callback = structure.body.get(group);
      GroupRecord outer = null;
      if (callback instanceof TaskRecord task && task.group != null && task.group != group) {
        outer = task.group;
        represented.add(task);
      } else if (group.enclosing != null
          && group.enclosing != group
          && inWorkflow.contains(group.enclosing)) {
        outer = group.enclosing;
      }
      if (outer != null) {
        structure.enclosing.put(group, outer);
        structure.nest(group, outer);
      }
    }

    Map<TaskRecord, GroupRecord> laneHeadOf = new IdentityHashMap<>();
    Map<GroupRecord, TaskRecord> containerParent = new IdentityHashMap<>();
    Set<GroupRecord> laned = Collections.newSetFromMap(new IdentityHashMap<>());
    for (GroupRecord group : groups) {
      // a member drawn inside a nested chord (as its callback) does not decide where this container
      // sits
      List<TaskRecord> members = group.members;
      if (!represented.isEmpty()) {
        members = new ArrayList<>(group.members.size());
        for (TaskRecord member : group.members) {
          if (!represented.contains(member)) members.add(member);
        }
      }
      // members whose events named no parent yet do not decide; a parent named but not arrived does
      String commonId = null;
      boolean differ = false;
      for (TaskRecord member : members) {
        if (member.parentId == null) continue;
        if (commonId == null) {
          commonId = member.parentId;
        } else if (!commonId.equals(member.parentId)) {
          differ = true;
        }
      }
      if (!differ) {
        TaskRecord common = null;
        for (TaskRecord member : members) {
          if (member.parent != null) common = member.parent;
        }
        containerParent.put(group, common);
      } else {
        laned.add(group);
        shapeLanes(group, members, containerParent, laneHeadOf, structure.own);
      }
    }
    inferBodies(workflow, structure, chordByCallback, containerParent);

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
      GroupRecord followed = structure.follows.get(task);
      Object parent;
      if (followed != null) {
        parent = followed;
      } else if (task.group != null && (!laned.contains(task.group) || task.parent == null)) {
        parent = task.group;
      } else if (laneHeadOf.containsKey(task)) {
        parent = laneHeadOf.get(task);
      } else {
        parent = task.parent;
      }
      Vertex vertex = vertices.get(task);
      vertex.parent = parent == null ? null : vertices.get(parent);
      if (followed != null) vertex.key = Long.MAX_VALUE;
    }
    for (GroupRecord group : groups) {
      GroupRecord followed = structure.follows.get(group);
      Object parent =
          followed != null
              ? followed
              : structure.enclosing.containsKey(group)
                  ? structure.enclosing.get(group)
                  : containerParent.get(group);
      Vertex vertex = vertices.get(group);
      vertex.parent = parent == null ? null : vertices.get(parent);
      if (followed != null) vertex.key = Long.MAX_VALUE;
    }

    // children lists, oldest first by first-seen time (then id), so that the drawing does not
    // depend on the
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
      // several roots or a cycle in the links: hang what the walk missed under the root, oldest
      // first
      for (Vertex vertex : all) {
        if (reached.contains(vertex)) continue;
        detach(vertex);
        vertex.parent = root;
        root.add(vertex);
        walk(vertex, order, reached);
      }
    }
    return new Layout(root.node, order, vertices, structure);
  }

  /**
   * Finds the body of each group without a callback task: the single task or container hanging
   * under one of its members that first appeared after every other member had finished. A group
   * that named no callback needs two members or more, so that a lone task's only child stays its
   * child.
   */
  private static void inferBodies(
      Workflow workflow,
      Structure structure,
      Map<String, GroupRecord> chordByCallback,
      Map<GroupRecord, TaskRecord> containerParent) {
    Map<GroupRecord, Finish> finishes = new IdentityHashMap<>();
    Map<GroupRecord, Object> found = new IdentityHashMap<>();
    Set<GroupRecord> ambiguous = Collections.newSetFromMap(new IdentityHashMap<>());
    for (TaskRecord task : workflow.tasks) {
      // a member of a group is represented by its container; a callback sits in its chord already
      if (task.group != null || task.parent == null || structure.follows.containsKey(task))
        continue;
      if (chordByCallback.containsKey(task.id)) continue;
      offerBody(task.parent, task, task.firstStamp(), structure, finishes, found, ambiguous);
    }
    for (GroupRecord group : structure.groups) {
      TaskRecord anchor = containerParent.get(group);
      if (anchor == null || structure.enclosing.containsKey(group)) continue;
      long first = Long.MAX_VALUE;
      for (TaskRecord member : group.members) first = Math.min(first, member.firstStamp());
      offerBody(anchor, group, first, structure, finishes, found, ambiguous);
    }
    for (Map.Entry<GroupRecord, Object> entry : found.entrySet()) {
      GroupRecord group = entry.getKey();
      if (ambiguous.contains(group) || (!group.isChord() && group.members.size() < 2)) continue;
      Object body = entry.getValue();
      structure.body.put(group, body);
      structure.follows.put(body, group);
      if (body instanceof GroupRecord container) structure.nest(container, group);
    }
  }

  private static void offerBody(
      TaskRecord anchor,
      Object candidate,
      long first,
      Structure structure,
      Map<GroupRecord, Finish> finishes,
      Map<GroupRecord, Object> found,
      Set<GroupRecord> ambiguous) {
    GroupRecord group = anchor.group;
    if (group == null || group == candidate || structure.body.containsKey(group)) return;
    Finish finish = finishes.computeIfAbsent(group, Finish::of);
    if (!finish.allOthersFinishedBy(anchor, first)) return;
    if (found.putIfAbsent(group, candidate) != null) ambiguous.add(group);
  }

  /** When a group's members finished: how many have not, and the two latest terminal times. */
  private static final class Finish {
    int unfinished;
    TaskRecord unfinishedMember;
    TaskRecord latest;
    long latestStamp = Long.MIN_VALUE;
    long secondStamp = Long.MIN_VALUE;

    static Finish of(GroupRecord group) {
      Finish finish = new Finish();
      for (TaskRecord member : group.members) {
        if (!member.state().isTerminal()) {
          finish.unfinished++;
          finish.unfinishedMember = member;
          continue;
        }
        long stamp = member.winnerStamp;
        if (stamp > finish.latestStamp) {
          finish.secondStamp = finish.latestStamp;
          finish.latestStamp = stamp;
          finish.latest = member;
        } else if (stamp > finish.secondStamp) {
          finish.secondStamp = stamp;
        }
      }
      return finish;
    }

    /** Every member but {@code except} had finished by {@code time}. */
    boolean allOthersFinishedBy(TaskRecord except, long time) {
      if (unfinished > 1 || (unfinished == 1 && unfinishedMember != except)) return false;
      long latestOther = latest == except ? secondStamp : latestStamp;
      return latestOther <= time;
    }
  }

  /**
   * A task that names a parent the store has not seen (late or lost): joined by its root hint only.
   */
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
   * A group whose members have different parents: Celery's group of chains, where the group id sits
   * on the last task of each chain. The container hangs under the members' lowest common ancestor
   * (or is a root) and each member's chain up to that ancestor becomes one lane.
   */
  private static void shapeLanes(
      GroupRecord group,
      List<TaskRecord> groupMembers,
      Map<GroupRecord, TaskRecord> containerParent,
      Map<TaskRecord, GroupRecord> laneHeadOf,
      Map<GroupRecord, List<TaskRecord>> aggregated) {
    Set<TaskRecord> members = Collections.newSetFromMap(new IdentityHashMap<>());
    members.addAll(groupMembers);
    List<List<TaskRecord>> chains = new ArrayList<>();
    List<Set<TaskRecord>> chainSets = new ArrayList<>();
    for (TaskRecord member : groupMembers) {
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
    for (TaskRecord member : groupMembers) {
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
    for (TaskRecord member : groupMembers) {
      TaskRecord head = member;
      if (inLanes.add(member)) laneTasks.add(member);
      Set<TaskRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      seen.add(member);
      for (TaskRecord up = member.parent;
          up != null && up != ancestor && seen.add(up);
          up = up.parent) {
        head = up;
        if (inLanes.add(up)) laneTasks.add(up);
      }
      if (head != member || member.parent != null) laneHeadOf.putIfAbsent(head, group);
    }
    aggregated.put(group, laneTasks);
  }

  /**
   * Container state: FAILURE > REJECTED > running > PENDING > REVOKED > SUCCESS over the given
   * tasks.
   */
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
      case FAILURE:
        return 5;
      case REJECTED:
        return 4;
      case STARTED:
      case RECEIVED:
      case RETRY:
        return 3;
      case PENDING:
        return 2;
      case REVOKED:
        return 1;
      default:
        return 0;
    }
  }
}
