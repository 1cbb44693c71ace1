package io.stemtrace.core.graph;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import java.time.Instant;
import java.util.Arrays;

/**
 * The store's mutable record of one task.
 *
 * <p>Events are kept compactly, because they are most of a task's memory: per event a timestamp
 * (epoch nanoseconds) and one int holding the state, the attempt and which of the task's ids the
 * event carried. The ids themselves live once on the record. An event that does not fit (an id that
 * differs from the one the record holds, a timestamp beyond 2262) is kept verbatim instead, and so
 * is nothing lost: snapshots rebuild each event exactly as it arrived. Args, kwargs, result,
 * exception and traceback, when present, are kept in a {@link Payload} per event.
 */
final class TaskRecord {
  static final TaskState[] STATES = TaskState.values();

  // meta layout: bits 0-3 state ordinal, bits 4-12 which ids the event carried, bits 13-30 retries
  static final int STATE_MASK = 0xF;
  static final int HAS_NAME = 1 << 4;
  static final int HAS_PARENT = 1 << 5;
  static final int PARENT_IS_SELF = 1 << 6;
  static final int HAS_ROOT = 1 << 7;
  static final int HAS_GROUP = 1 << 8;
  static final int HAS_CHORD = 1 << 9;
  static final int HAS_CALLBACK = 1 << 10;
  static final int HAS_TRACE = 1 << 11;
  static final int HAS_HOSTNAME = 1 << 12;
  static final int RETRIES_SHIFT = 13;
  static final int MAX_COMPACT_RETRIES = (1 << (32 - RETRIES_SHIFT - 1)) - 1;

  /**
   * Events kept per task. A task that sends more (a retry storm) keeps its first event and its
   * latest ones, so one task cannot grow without bound; its state is tracked apart from the list
   * and stays right.
   */
  static final int MAX_EVENTS = 1_000;

  final String id;

  /** arrival order of the task's first event: the stable key of every ordered index */
  final long seq;

  NameEntry name;

  /**
   * per event, sorted by time, two longs: epoch nanoseconds (clamped for verbatim events beyond the
   * range) and the meta (state, attempt, ids carried); one array, so that a task costs one object
   * less
   */
  long[] events = new long[6];

  /** null, or per event null, a {@link Payload}, or the verbatim {@link TaskEvent} */
  Object[] extras;

  int eventCount;

  /** meta and stamp of the event that decides the state */
  int winnerMeta = -1;

  long winnerStamp;

  /** first non-null parent id other than the task's own; never cleared */
  String parentId;

  /**
   * the parent record once both are present; while null with a parent id, the record waits for its
   * parent
   */
  TaskRecord parent;

  /**
   * first non-null root id: a hint that joins the task to its workflow before its parent is known
   */
  String rootHint;

  GroupRecord group;
  String chordId;
  String chordCallbackId;
  String traceId;

  /** first non-null worker host name; an event naming another worker is kept verbatim */
  String hostname;

  /** records whose parent is this one, in link order; null until the first */
  TaskRecord[] children;

  int childCount;
  Workflow workflow;

  /**
   * estimated heap of this record with its events and payloads, as counted into the store's total
   */
  long heldBytes;

  /** estimated heap of the payloads kept, against the store's per-task limit */
  long payloadBytes;

  /** The fields of an event that carry data rather than structure. */
  record Payload(Object args, Object kwargs, Object result, String exception, String traceback) {}

  TaskRecord(String id, long seq) {
    this.id = id;
    this.seq = seq;
  }

  TaskState state() {
    return STATES[winnerMeta & STATE_MASK];
  }

  static TaskState state(int meta) {
    return STATES[meta & STATE_MASK];
  }

  static int retries(int meta) {
    return meta >>> RETRIES_SHIFT;
  }

  long stamp(int index) {
    return events[2 * index];
  }

  int meta(int index) {
    return (int) events[2 * index + 1];
  }

  long firstStamp() {
    return events[0];
  }

  long lastStamp() {
    return events[2 * eventCount - 2];
  }

  Instant firstSeen() {
    return timestamp(0);
  }

  Instant lastUpdated() {
    return timestamp(eventCount - 1);
  }

  Instant timestamp(int index) {
    if (extras != null && extras[index] instanceof TaskEvent verbatim) return verbatim.timestamp();
    return toInstant(stamp(index));
  }

  static Instant toInstant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /**
   * Epoch nanoseconds, or {@link Long#MIN_VALUE}/{@link Long#MAX_VALUE} beyond the range of a long.
   */
  static long toNanos(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds > 9_223_372_035L) return Long.MAX_VALUE;
    if (seconds < -9_223_372_035L) return Long.MIN_VALUE;
    return seconds * 1_000_000_000L + instant.getNano();
  }

  static boolean inRange(long nanos) {
    return nanos != Long.MIN_VALUE && nanos != Long.MAX_VALUE;
  }

  /** The meta of {@code event} if it can be stored compactly against this record's ids, else -1. */
  int compactMeta(TaskEvent event) {
    if (event.retries() > MAX_COMPACT_RETRIES) return -1;
    int meta = event.state().ordinal() | (event.retries() << RETRIES_SHIFT);
    String value;
    if ((value = event.name()) != null) {
      if (name == null || !value.equals(name.name)) return -1;
      meta |= HAS_NAME;
    }
    if ((value = event.parentId()) != null) {
      if (value.equals(id)) {
        meta |= PARENT_IS_SELF;
      } else if (value.equals(parentId)) {
        meta |= HAS_PARENT;
      } else {
        return -1;
      }
    }
    if ((value = event.rootId()) != null) {
      if (!value.equals(rootHint)) return -1;
      meta |= HAS_ROOT;
    }
    if ((value = event.groupId()) != null) {
      if (group == null || !value.equals(group.groupId)) return -1;
      meta |= HAS_GROUP;
    }
    if ((value = event.chordId()) != null) {
      if (!value.equals(chordId)) return -1;
      meta |= HAS_CHORD;
    }
    if ((value = event.chordCallbackId()) != null) {
      if (!value.equals(chordCallbackId)) return -1;
      meta |= HAS_CALLBACK;
    }
    if ((value = event.traceId()) != null) {
      if (!value.equals(traceId)) return -1;
      meta |= HAS_TRACE;
    }
    if ((value = event.hostname()) != null) {
      if (!value.equals(hostname)) return -1;
      meta |= HAS_HOSTNAME;
    }
    return meta;
  }

  /** The meta used for ordering and precedence of any event, compact or not. */
  static int orderingMeta(TaskEvent event) {
    return event.state().ordinal()
        | (Math.min(event.retries(), MAX_COMPACT_RETRIES) << RETRIES_SHIFT);
  }

  /** True when an event with the same state, attempt and timestamp was applied already. */
  boolean isDuplicate(TaskEvent event, long stamp) {
    int key = orderingMeta(event) & (STATE_MASK | (-1 << RETRIES_SHIFT));
    for (int i = eventCount - 1; i >= 0; i--) {
      if (stamp(i) != stamp || (meta(i) & (STATE_MASK | (-1 << RETRIES_SHIFT))) != key) continue;
      if (inRange(stamp)) return true;
      if (timestamp(i).equals(event.timestamp())) return true;
    }
    return false;
  }

  /** The payload of the latest event (by arrival position in the list) that has one, or null. */
  Payload latestPayload() {
    if (extras == null) return null;
    for (int i = eventCount - 1; i >= 0; i--) {
      if (extras[i] instanceof Payload payload) return payload;
    }
    return null;
  }

  /** Inserts in timestamp order; equal timestamps keep arrival order. {@code extra} may be null. */
  void addEvent(long stamp, int meta, Object extra) {
    if (eventCount == MAX_EVENTS) {
      if (stamp <= stamp(1)) return; // older than everything kept after the first event
      dropSecond();
    }
    if (2 * eventCount == events.length) {
      int capacity = eventCount + (eventCount >> 1) + 1;
      events = Arrays.copyOf(events, 2 * capacity);
      if (extras != null) extras = Arrays.copyOf(extras, capacity);
    }
    int at = eventCount;
    while (at > 0 && stamp(at - 1) > stamp) at--;
    System.arraycopy(events, 2 * at, events, 2 * at + 2, 2 * (eventCount - at));
    if (extras != null) System.arraycopy(extras, at, extras, at + 1, eventCount - at);
    events[2 * at] = stamp;
    events[2 * at + 1] = meta;
    if (extra != null && extras == null) extras = new Object[events.length / 2];
    if (extras != null) extras[at] = extra;
    eventCount++;
  }

  private void dropSecond() {
    System.arraycopy(events, 4, events, 2, 2 * (eventCount - 2));
    if (extras != null) {
      System.arraycopy(extras, 2, extras, 1, eventCount - 2);
      extras[eventCount - 1] = null;
    }
    eventCount--;
  }

  /** The index of the event that decides the state, or -1 when the cap on events dropped it. */
  int winnerIndex() {
    int key = winnerMeta & (STATE_MASK | (-1 << RETRIES_SHIFT));
    for (int i = eventCount - 1; i >= 0; i--) {
      if (stamp(i) == winnerStamp && (meta(i) & (STATE_MASK | (-1 << RETRIES_SHIFT))) == key)
        return i;
    }
    return -1;
  }

  /** Rebuilds event {@code index} as it arrived. */
  TaskEvent event(int index) {
    Object extra = extras == null ? null : extras[index];
    if (extra instanceof TaskEvent verbatim) return verbatim;
    int meta = meta(index);
    Payload payload = (Payload) extra;
    return new TaskEvent(
        id,
        (meta & HAS_NAME) != 0 ? name.name : null,
        state(meta),
        toInstant(stamp(index)),
        (meta & PARENT_IS_SELF) != 0 ? id : (meta & HAS_PARENT) != 0 ? parentId : null,
        (meta & HAS_ROOT) != 0 ? rootHint : null,
        (meta & HAS_GROUP) != 0 ? group.groupId : null,
        (meta & HAS_CHORD) != 0 ? chordId : null,
        (meta & HAS_CALLBACK) != 0 ? chordCallbackId : null,
        (meta & HAS_TRACE) != 0 ? traceId : null,
        retries(meta),
        payload == null ? null : payload.args(),
        payload == null ? null : payload.kwargs(),
        payload == null ? null : payload.result(),
        payload == null ? null : payload.exception(),
        payload == null ? null : payload.traceback(),
        (meta & HAS_HOSTNAME) != 0 ? hostname : null);
  }

  void addChild(TaskRecord child) {
    if (children == null) {
      children = new TaskRecord[2];
    } else if (childCount == children.length) {
      children = Arrays.copyOf(children, childCount * 2);
    }
    children[childCount++] = child;
  }

  /**
   * True when the candidate (meta, stamp) beats the current one for the task's state ({@link
   * TaskState#supersedes}).
   */
  static boolean beats(int candidateMeta, long candidateStamp, int currentMeta, long currentStamp) {
    return currentMeta < 0
        || TaskState.supersedes(
            retries(candidateMeta),
            state(candidateMeta),
            candidateStamp,
            retries(currentMeta),
            state(currentMeta),
            currentStamp);
  }
}
