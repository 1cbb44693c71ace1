package io.stemtrace.core.anomaly;

import io.stemtrace.api.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The anomalies grouped by type and task name. Not thread-safe: the detector calls it under its
 * lock. Bounded: at most {@link #MAX_GROUPS} named groups; beyond that, when no resolved group can
 * make room, anomalies count in their type's unnamed group.
 */
final class AnomalyGroups {

  static final int MAX_GROUPS = 1000;

  private static final Comparator<AnomalyGroup> LISTED =
      Comparator.comparing(AnomalyGroup::status)
          .thenComparing(AnomalyGroup::lastSeen, Comparator.reverseOrder())
          .thenComparing(g -> g.type().ordinal())
          .thenComparing(g -> g.name() == null ? "" : g.name());

  private final Duration resolvedRetention;
  private final LinkedHashMap<GroupKey, Group> groups = new LinkedHashMap<>();

  AnomalyGroups(Duration resolvedRetention) {
    this.resolvedRetention = resolvedRetention;
  }

  /**
   * Counts a raised anomaly; returns the name of the group it counts in (the one {@link #cleared}
   * takes).
   */
  String raised(AnomalyType type, String name, Instant at) {
    GroupKey key = new GroupKey(type, name);
    Group group = groups.get(key);
    if (group == null) {
      if (name != null && namedGroups() >= MAX_GROUPS && !makeRoom()) {
        key = new GroupKey(type, null);
        group = groups.get(key);
      }
      if (group == null) {
        group = new Group(key, at);
        groups.put(key, group);
      }
    }
    group.open++;
    group.occurrences++;
    group.lastSeen = at;
    group.resolvedAt = null;
    group.acknowledgedAt = null; // something new happened: it needs a look again
    return key.name;
  }

  /** One anomaly counted in {@code (type, groupName)} cleared. */
  void cleared(AnomalyType type, String groupName, Instant at) {
    Group group = groups.get(new GroupKey(type, groupName));
    if (group == null || group.open == 0) return;
    group.open--;
    if (group.open == 0) group.resolvedAt = at;
  }

  /** Forgets resolved groups past the retention whose mute is over; ends mutes that ran out. */
  void expire(Instant now) {
    Iterator<Group> it = groups.values().iterator();
    while (it.hasNext()) {
      Group group = it.next();
      if (group.mutedUntil != null && !now.isBefore(group.mutedUntil)) group.unmute();
      if (group.open == 0
          && !group.muted
          && !now.isBefore(group.resolvedAt.plus(resolvedRetention))) it.remove();
    }
  }

  Optional<AnomalyGroup> acknowledge(AnomalyType type, String name, Instant now, boolean on) {
    Group group = groups.get(new GroupKey(type, name));
    if (group == null) return Optional.empty();
    group.acknowledgedAt = on ? now : null;
    return Optional.of(group.view(now));
  }

  /** Mutes for {@code duration}, or until unmuted when null; {@code on == false} unmutes. */
  Optional<AnomalyGroup> mute(
      AnomalyType type, String name, Instant now, Duration duration, boolean on) {
    Group group = groups.get(new GroupKey(type, name));
    if (group == null) return Optional.empty();
    if (on) {
      group.muted = true;
      group.mutedAt = now;
      group.mutedUntil = duration == null ? null : plus(now, duration);
    } else {
      group.unmute();
    }
    return Optional.of(group.view(now));
  }

  Page<AnomalyGroup> page(
      Set<AnomalyType> types,
      Set<AnomalyGroup.Status> statuses,
      int limit,
      int offset,
      Instant now) {
    List<AnomalyGroup> matched = new ArrayList<>();
    for (Group group : groups.values()) {
      if (!types.isEmpty() && !types.contains(group.key.type)) continue;
      AnomalyGroup view = group.view(now);
      if (statuses.isEmpty() || statuses.contains(view.status())) matched.add(view);
    }
    matched.sort(LISTED);
    int from = Math.min(offset, matched.size());
    int to = (int) Math.min((long) from + limit, matched.size());
    return new Page<>(List.copyOf(matched.subList(from, to)), matched.size(), limit, offset);
  }

  Map<AnomalyGroup.Status, Integer> counts(Set<AnomalyType> types, Instant now) {
    EnumMap<AnomalyGroup.Status, Integer> counts = new EnumMap<>(AnomalyGroup.Status.class);
    for (AnomalyGroup.Status status : AnomalyGroup.Status.values()) counts.put(status, 0);
    for (Group group : groups.values()) {
      if (!types.isEmpty() && !types.contains(group.key.type)) continue;
      counts.merge(group.status(now), 1, Integer::sum);
    }
    return counts;
  }

  int size() {
    return groups.size();
  }

  private int namedGroups() {
    int unnamed = 0;
    for (AnomalyType type : AnomalyType.values()) {
      if (groups.containsKey(new GroupKey(type, null))) unnamed++;
    }
    return groups.size() - unnamed;
  }

  /** Drops the longest-resolved unmuted named group; false when there is none. */
  private boolean makeRoom() {
    Group oldest = null;
    for (Group group : groups.values()) {
      if (group.key.name == null || group.open > 0 || group.muted) continue;
      if (oldest == null || group.resolvedAt.isBefore(oldest.resolvedAt)) oldest = group;
    }
    if (oldest == null) return false;
    groups.remove(oldest.key);
    return true;
  }

  private static Instant plus(Instant at, Duration duration) {
    try {
      return at.plus(duration);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return Instant.MAX;
    }
  }

  private record GroupKey(AnomalyType type, String name) {
    GroupKey {
      Objects.requireNonNull(type, "type == null");
    }
  }

  private static final class Group {
    final GroupKey key;
    final Instant firstSeen;
    Instant lastSeen;
    Instant resolvedAt;
    Instant acknowledgedAt;
    boolean muted;
    Instant mutedAt;
    Instant mutedUntil;
    int open;
    long occurrences;

    Group(GroupKey key, Instant firstSeen) {
      this.key = key;
      this.firstSeen = firstSeen;
      this.lastSeen = firstSeen;
    }

    void unmute() {
      muted = false;
      mutedAt = null;
      mutedUntil = null;
    }

    AnomalyGroup.Status status(Instant now) {
      if (open == 0) return AnomalyGroup.Status.RESOLVED;
      if (muted && (mutedUntil == null || now.isBefore(mutedUntil)))
        return AnomalyGroup.Status.MUTED;
      if (acknowledgedAt != null) return AnomalyGroup.Status.ACKNOWLEDGED;
      return AnomalyGroup.Status.OPEN;
    }

    AnomalyGroup view(Instant now) {
      boolean mutedNow = muted && (mutedUntil == null || now.isBefore(mutedUntil));
      return new AnomalyGroup(
          key.type,
          key.name,
          status(now),
          open,
          occurrences,
          firstSeen,
          lastSeen,
          resolvedAt,
          acknowledgedAt,
          mutedNow ? mutedAt : null,
          mutedNow ? mutedUntil : null);
    }
  }
}
