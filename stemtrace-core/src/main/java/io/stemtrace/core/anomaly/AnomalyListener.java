package io.stemtrace.core.anomaly;

import java.util.List;

/**
 * Told when anomalies appear or clear (the WebSocket feed listens here). Called on the consumer
 * thread or the detector's timer thread, outside the detector's lock; must be quick and must not
 * block.
 */
@FunctionalInterface
public interface AnomalyListener {
  /** Changes in the order they happened; never empty. */
  void onChanges(List<AnomalyChange> changes);
}
