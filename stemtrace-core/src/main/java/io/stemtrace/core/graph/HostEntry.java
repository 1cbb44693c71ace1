package io.stemtrace.core.graph;

/**
 * One worker host name that task events carried: its tasks newest-first, and by state, so a search
 * for {@code worker:} walks only that worker's tasks. Guarded by the store's lock.
 */
final class HostEntry {
  final String hostname;
  final SeqList<TaskRecord> all = new SeqList<>();
  final StateLists byState = new StateLists();

  HostEntry(String hostname) {
    this.hostname = hostname;
  }
}
