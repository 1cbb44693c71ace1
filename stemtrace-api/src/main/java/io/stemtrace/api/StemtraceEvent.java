package io.stemtrace.api;

import java.time.Instant;

/** One event on the wire: either a task lifecycle event or a worker event. */
public sealed interface StemtraceEvent permits TaskEvent, WorkerEvent {
  /** When the event happened at its source (not when it arrived). */
  Instant timestamp();
}
