package io.stemtrace.core.anomaly;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The anomalies of one type and task name, as people triage them: how many are raised now, how many
 * ever were, when, and what a person decided about them.
 *
 * @param type what is wrong
 * @param name the task name, {@code chord} for chords, or null for anomalies whose events carried
 *     no name and for those beyond the most groups kept
 * @param status what the list shows; derived from the counts, the acknowledgement and the mute
 * @param open how many anomalies of the group are raised now
 * @param occurrences how many were raised since the group appeared
 * @param firstSeen when the first was raised (the detector's clock)
 * @param lastSeen when the latest was raised
 * @param resolvedAt when the last open one cleared; null while one is open
 * @param acknowledgedAt when a person acknowledged the group; null when not, or when one was raised
 *     since
 * @param mutedAt when a person muted the group; null when not muted
 * @param mutedUntil when the mute ends; null when not muted or muted until unmuted
 */
public record AnomalyGroup(
    AnomalyType type,
    String name,
    Status status,
    int open,
    long occurrences,
    Instant firstSeen,
    Instant lastSeen,
    Instant resolvedAt,
    Instant acknowledgedAt,
    Instant mutedAt,
    Instant mutedUntil) {

  public AnomalyGroup {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(status, "status == null");
  }

  /** A group's place in triage; the API spells them in lower case. */
  public enum Status {
    /** Anomalies are raised and nobody has looked at them. */
    OPEN,
    /** Someone acknowledged the group and nothing was raised since. */
    ACKNOWLEDGED,
    /** Someone muted the group: raised anomalies do not count as open until the mute ends. */
    MUTED,
    /** Nothing is raised now: every cause went away. */
    RESOLVED;

    /** The status named as the API spells it ({@code open}, ...), or null. */
    public static Status parse(String value) {
      for (Status status : values()) {
        if (status.wireName().equals(value)) return status;
      }
      return null;
    }

    /** The API spelling. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
