package io.stemtrace.core.anomaly;

import java.time.Instant;
import java.util.Objects;

/**
 * One anomaly currently raised.
 *
 * @param type what is wrong
 * @param taskId the task, or for {@link AnomalyType#CHORD_NOT_JOINED} the chord's container id
 *     ({@code group:<group id>})
 * @param name the task name, or {@code chord} for a chord; null when no event carried a name
 * @param workflowId the root id of the workflow the subject is drawn in now
 * @param since when the condition began (an event timestamp)
 * @param detectedAt when the detector raised it (its clock)
 * @param worker for {@link AnomalyType#INTERRUPTED}, the worker that shut down; else null
 * @param detail a sentence for people
 */
public record Anomaly(
    AnomalyType type,
    String taskId,
    String name,
    String workflowId,
    Instant since,
    Instant detectedAt,
    String worker,
    String detail) {

  public Anomaly {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(taskId, "taskId == null");
  }
}
