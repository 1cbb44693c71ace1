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
  state: TaskState;
  parent_id: string | null;
  root_id: string;
  workflow_id: string;
  group_id: string | null;
  chord_id: string | null;
  chord_callback_id: string | null;
  trace_id: string | null;
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
  chord_callback_id: string | null;
  member_count: number;
}

export type GraphNode = TaskNode | ContainerNode;

export interface GraphResponse {
  root_id: string;
  nodes: Record<string, GraphNode>;
}

export interface Page {
  total: number;
  limit: number;
  offset: number;
}

export interface TaskListResponse extends Page {
  tasks: TaskNode[];
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
  duration_ms: number | null;
}

export interface GraphListResponse extends Page {
  graphs: GraphSummary[];
}

export interface TaskDetailResponse {
  task: TaskNode;
  children: TaskNode[];
}

export interface Worker {
  hostname: string;
  pid: number | null;
  registered_tasks: string[];
  status: 'online' | 'offline';
  registered_at: string | null;
  last_seen: string | null;
}

export interface WorkerListResponse {
  workers: Worker[];
  total: number;
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
  truncated: boolean;
}
