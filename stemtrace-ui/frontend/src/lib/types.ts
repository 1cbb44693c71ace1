// Shapes of the JSON the server returns; docs/API.md is the contract.

export const TASK_STATES = [
  'PENDING',
  'RECEIVED',
  'STARTED',
  'RETRY',
  'SUCCESS',
  'FAILURE',
  'REVOKED',
  'REJECTED',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

export type NodeType = 'TASK' | 'GROUP' | 'CHORD';

export const ANOMALY_TYPES = ['UNREGISTERED', 'STUCK_PENDING', 'INTERRUPTED', 'STUCK_STARTED', 'CHORD_NOT_JOINED'] as const;

export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export interface Attempt {
  number: number;
  state: TaskState;
  started_at: string | null;
  finished_at: string | null;
  run_time_ms: number | null;
  exception: string | null;
}

/** One wire TaskEvent as recorded on the task; only the fields the UI reads are typed. */
export interface TaskEvent {
  task_id: string;
  name: string;
  state: TaskState;
  timestamp: string;
  retries: number;
  exception?: string | null;
}

export interface TaskNode {
  task_id: string;
  node_type: 'TASK';
  name: string;
  /** The name to show: an argument picked by the server's node alias, else the name. */
  display_name?: string | null;
  state: TaskState;
  parent_id: string | null;
  root_id: string;
  workflow_id: string;
  group_id: string | null;
  chord_id: string | null;
  chord_callback_id: string | null;
  trace_id: string | null;
  /** The worker of the task's latest event that named one; null for Python stemtrace events. */
  hostname?: string | null;
  retries: number;
  args: unknown;
  kwargs: unknown;
  result: unknown;
  exception: string | null;
  /** Left out of list responses. */
  traceback?: string | null;
  first_seen: string;
  last_updated: string;
  queue_time_ms: number | null;
  run_time_ms: number | null;
  duration_ms: number | null;
  attempts: Attempt[];
  /** Left out of list responses. */
  events?: TaskEvent[];
  children: string[];
  /** Anomalies currently raised for the task; absent from servers older than anomaly detection. */
  anomalies?: AnomalyType[];
}

export interface ContainerNode {
  task_id: string;
  node_type: 'GROUP' | 'CHORD';
  name: string;
  state: TaskState;
  children: string[];
  first_seen: string | null;
  last_updated: string | null;
  duration_ms: number | null;
  group_id: string;
  /** The callback the header tasks declared; it may name a signature that never ran. Not used for drawing. */
  chord_callback_id: string | null;
  /**
   * The child drawn after the container: a chord's callback, the container of a chain's next group, or a
   * task inferred as the body. Always one of `children` when set; absent from servers older than nested
   * canvases (the dashboard then falls back to `chord_callback_id` for a CHORD).
   */
  body_id?: string | null;
  member_count: number;
  /** `CHORD_NOT_JOINED` is raised on the CHORD container; absent from older servers. */
  anomalies?: AnomalyType[];
}

export type GraphNode = TaskNode | ContainerNode;

export interface GraphResponse {
  root_id: string;
  nodes: Record<string, GraphNode>;
  /** The workflow's summary, the same object the workflow list holds; absent from older servers. */
  workflow?: GraphSummary;
}

export interface Page {
  total: number;
  limit: number;
  offset: number;
}

/** A list paged by cursor (/api/tasks, /api/graphs); the fields are absent from servers before cursors. */
export interface CursorPaged extends Page {
  cursor?: string | null;
  next_cursor?: string | null;
}

export interface TaskListResponse extends CursorPaged {
  tasks: TaskNode[];
  /** Present when a search term looked into payloads or ids: how many tasks it looked at. */
  scanned?: number;
  /** True when such a search stopped before the oldest tasks. */
  truncated?: boolean;
}

export interface GraphSummary {
  task_id: string;
  root_id: string;
  node_type: NodeType;
  name: string;
  state: TaskState;
  task_count: number;
  first_seen: string | null;
  last_updated: string | null;
  /**
   * The workflow's duration, first event to last over every task, callbacks included: null until it
   * finished (pages then show the time elapsed since `first_seen`).
   */
  duration_ms: number | null;
  /** Every task terminal and no chord waiting for its callback; absent from older servers. */
  finished?: boolean;
}

export interface GraphListResponse extends CursorPaged {
  graphs: GraphSummary[];
}

export interface TaskDetailResponse {
  task: TaskNode;
  children: TaskNode[];
  /** The summary of the task's workflow; absent from older servers. */
  workflow?: GraphSummary;
}

export interface Worker {
  hostname: string;
  pid: number | null;
  /** In a list, at most the first 100 names; from GET /api/worker, every one. */
  registered_tasks: string[];
  registered_task_count: number;
  status: 'online' | 'offline';
  registered_at: string | null;
  last_seen: string | null;
  /** online; offline when silent past the server's threshold; shut_down after worker_shutdown. */
  liveness: WorkerLiveness;
  /** When the collector last heard from it, on the collector's clock. */
  last_heard_at: string | null;
  processed: number;
  succeeded: number;
  failed: number;
  retried: number;
  active: number;
  start_count: number;
  restart_count: number;
  /** The latest starts, oldest first. */
  starts: WorkerStart[];
}

export type WorkerLiveness = 'online' | 'offline' | 'shut_down';

export interface WorkerStart {
  pid: number;
  started_at: string | null;
  stopped_at: string | null;
}

export interface WorkerListResponse {
  workers: Worker[];
  total: number;
  limit: number;
  offset: number;
  /** How long a silent worker still shows online. */
  offline_after_seconds?: number;
}

export type RegistryStatus = 'active' | 'never_run' | 'not_registered';

export interface RegistryEntry {
  name: string;
  module: string | null;
  signature: string | null;
  docstring: string | null;
  bound: boolean | null;
  execution_count: number;
  registered_by: string[];
  last_run: string | null;
  status: RegistryStatus;
}

export interface RegistryResponse {
  tasks: RegistryEntry[];
  total: number;
  limit: number;
  offset: number;
}

export interface Anomaly {
  type: AnomalyType;
  /** The task, or the container id (`group:<id>`) for `CHORD_NOT_JOINED`. */
  task_id: string;
  name: string;
  workflow_id: string;
  /** When the condition began. */
  since: string;
  detected_at: string;
  /** For `INTERRUPTED` the host that shut down; otherwise usually null. */
  worker: string | null;
  detail: string;
}

export interface AnomalyListResponse extends Page {
  anomalies: Anomaly[];
}

export type AnomalyGroupStatus = 'open' | 'acknowledged' | 'muted' | 'resolved';

/** The anomalies of one type and task name, as people triage them. */
export interface AnomalyGroup {
  type: AnomalyType;
  /** The task name (`chord` for chords); null for the type's unnamed group. */
  name: string | null;
  status: AnomalyGroupStatus;
  /** Raised now. */
  open: number;
  /** Raised since the group appeared. */
  occurrences: number;
  first_seen: string | null;
  last_seen: string | null;
  resolved_at: string | null;
  acknowledged_at: string | null;
  muted_at: string | null;
  /** Null while muted until unmuted (or not muted). */
  muted_until: string | null;
}

export interface AnomalyGroupPage extends Page {
  /** Groups per status, whatever the status filter. */
  counts: Record<AnomalyGroupStatus, number>;
  groups: AnomalyGroup[];
}

/** Null when there were no samples in the window. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface ThroughputPoint {
  /** Start of the minute, UTC. */
  minute: string;
  /** Tasks that reached a terminal state in that minute. */
  count: number;
}

export interface TaskStats {
  name: string;
  total: number;
  counts: Partial<Record<TaskState, number>>;
  /** SUCCESS / (SUCCESS + FAILURE); null when neither happened. */
  success_rate: number | null;
  queue_time_ms: Percentiles;
  run_time_ms: Percentiles;
  /** Oldest first; minutes without finished tasks are left out. */
  throughput: ThroughputPoint[];
}

export interface StatsResponse {
  /** The length of a "last N minutes" period; null when the period was given by its ends. */
  window_minutes: number | null;
  /** The period covered, whole minutes: `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
  generated_at: string;
  /** Start of the oldest minute the statistics hold; null when they hold nothing. */
  data_from: string | null;
  /** End of the newest minute the statistics hold; null when they hold nothing. */
  data_to: string | null;
  tasks: TaskStats[];
}

/** A frame pushed on /ws. */
export interface UpdateFrame {
  type: 'update';
  tasks: Array<{
    task_id: string;
    name: string;
    state: TaskState;
    workflow_id: string;
    timestamp: string;
  }>;
  workers: Array<{ hostname: string; status: string }>;
  /** Anomalies raised or cleared since the previous frame. */
  anomalies: Array<{ type: AnomalyType; task_id: string; status: 'raised' | 'cleared' }>;
  truncated: boolean;
}
