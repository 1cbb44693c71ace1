package io.stemtrace.core.anomaly;

/**
 * An anomaly appeared or went away.
 *
 * @param type which anomaly
 * @param taskId the task id, or the container id for {@link AnomalyType#CHORD_NOT_JOINED}
 * @param raised true when it appeared, false when it cleared
 */
public record AnomalyChange(AnomalyType type, String taskId, boolean raised) {}
