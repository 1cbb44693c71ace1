package io.stemtrace.ui;

import io.stemtrace.api.WorkerInfo;
import io.stemtrace.core.workers.WorkerActivity;
import io.stemtrace.core.workers.WorkerMonitor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker as the API shows it: what the store knows from worker events (pid, registered tasks)
 * joined with what the collector heard (liveness, counts, starts). Either side may be missing: a
 * store shared by several dashboards knows workers this collector never heard, and a worker only
 * seen on task events has no worker_ready in the store.
 */
record WorkerRow(
    String hostname, WorkerInfo info, WorkerActivity activity, WorkerActivity.Liveness liveness) {

  static WorkerRow of(WorkerInfo info, WorkerActivity activity, WorkerMonitor monitor) {
    String hostname = info != null ? info.hostname() : activity.hostname();
    WorkerActivity.Liveness liveness =
        activity != null
            ? activity.liveness()
            : monitor.livenessOf(info.lastSeen(), info.status() == WorkerInfo.Status.OFFLINE);
    return new WorkerRow(hostname, info, activity, liveness);
  }

  /** Every worker of either side, online first, then by host name. */
  static List<WorkerRow> join(List<WorkerInfo> registered, WorkerMonitor monitor) {
    Map<String, WorkerActivity> heard = new HashMap<>();
    for (WorkerActivity activity : monitor.workers()) heard.put(activity.hostname(), activity);
    List<WorkerRow> rows = new ArrayList<>(registered.size() + heard.size());
    for (WorkerInfo info : registered) rows.add(of(info, heard.remove(info.hostname()), monitor));
    for (WorkerActivity activity : heard.values()) rows.add(of(null, activity, monitor));
    rows.sort(
        Comparator.comparing((WorkerRow r) -> r.liveness() != WorkerActivity.Liveness.ONLINE)
            .thenComparing(WorkerRow::hostname));
    return rows;
  }

  /** The pid of the current run: the store's, else the latest start's, else 0. */
  long pid() {
    if (info != null && info.pid() != 0) return info.pid();
    if (activity != null && !activity.starts().isEmpty())
      return activity.starts().get(activity.starts().size() - 1).pid();
    return 0;
  }

  /** The latest event time of either side, on the worker's clock. */
  Instant lastSeen() {
    Instant fromStore = info == null ? null : info.lastSeen();
    Instant fromEvents = activity == null ? null : activity.lastEventAt();
    if (fromStore == null) return fromEvents;
    if (fromEvents == null) return fromStore;
    return fromEvents.isAfter(fromStore) ? fromEvents : fromStore;
  }
}
