import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { type ReactNode, memo } from 'react';
import { AnomalyBadges } from './AnomalyBadge';
import { type AggregateSummary, type FrameCounts, frameSummary } from '../lib/graphModel';
import { namePieces } from '../lib/layout';
import { formatClock, formatDuration, shortId, shortName } from '../lib/format';
import { displayName, isAliased } from '../lib/quickSearch';
import { stateClass } from '../lib/states';
import { TASK_STATES, type ContainerNode, type TaskNode } from '../lib/types';
import { countOf } from '../lib/plural';

/** `depth`: frames around the node, 0 at the top level. */
export type TaskFlowNode = Node<{ task: TaskNode; depth: number }, 'task'>;
export type ContainerFlowNode = Node<
  { container: ContainerNode; collapsible: boolean; onToggle: (id: string) => void; depth: number; counts: FrameCounts },
  'container'
>;
export type AggregateFlowNode = Node<{ container: ContainerNode; summary: AggregateSummary; depth: number }, 'aggregate'>;

/** Frames alternate between two looks so that a nested frame stands apart from the one around it. */
const depthClass = (depth: number) => `depth-${depth} depth-${depth % 2 === 0 ? 'even' : 'odd'}`;

export type FlowNode = TaskFlowNode | ContainerFlowNode | AggregateFlowNode;

// Edges need handles to attach to; they are not for user connections, so they stay invisible.
const Handles = () => (
  <>
    <Handle type="target" position={Position.Left} isConnectable={false} className="handle" />
    <Handle type="source" position={Position.Right} isConnectable={false} className="handle" />
  </>
);

/**
 * The full task name, its namespace (`capp.`) dimmed so the last segment still stands out; it wraps
 * between the pieces the layout sized the node for (`namePieces`).
 */
export function TaskName({ name }: { name: string | null }) {
  const full = name ?? '(unnamed)';
  const local = shortName(full);
  const pieces = namePieces(full);
  let at = 0;
  const namespace: ReactNode[] = [];
  const rest: ReactNode[] = [];
  pieces.forEach((piece, i) => {
    const into = at < full.length - local.length ? namespace : rest;
    into.push(piece);
    if (i < pieces.length - 1) into.push(<wbr key={i} />);
    at += piece.length;
  });
  return (
    <span className="gnode-name" data-testid="task-name">
      {namespace.length > 0 && <span className="gnode-namespace">{namespace}</span>}
      {rest}
    </span>
  );
}

export const TaskFlowNodeView = memo(function TaskFlowNodeView({ data }: NodeProps<TaskFlowNode>) {
  const { task, depth } = data;
  return (
    <div
      className={`gnode ${stateClass(task.state)}${task.anomalies?.length ? ' has-anomaly' : ''}`}
      data-testid={`graph-node-${task.task_id}`}
      data-node-type="TASK"
      data-state={task.state}
      data-depth={depth}
      title={`${task.name}\n${task.task_id}\n${task.state}`}
      data-display-name={displayName(task)}
    >
      <Handles />
      <div className="gnode-top">
        {isAliased(task) ? (
          <span className="gnode-name" data-testid="task-name">
            {displayName(task)}
          </span>
        ) : (
          <TaskName name={task.name} />
        )}
        <span className="gnode-state">{task.state}</span>
      </div>
      <div className="gnode-meta">
        <span className="mono">{shortId(task.task_id)}</span>
        <span className="mono">{formatClock(task.first_seen)}</span>
        <span className="mono">{formatDuration(task.duration_ms)}</span>
      </div>
      {task.retries > 0 && <span className="gnode-retries">×{task.retries + 1}</span>}
      {task.anomalies && task.anomalies.length > 0 && (
        <span className="gnode-anomalies">
          <AnomalyBadges types={task.anomalies} compact />
        </span>
      )}
    </div>
  );
});

/** On the frame's top border, where the header (sized to the members) has no room to spare. */
function ContainerAnomalies({ container }: { container: ContainerNode }) {
  if (!container.anomalies || container.anomalies.length === 0) return null;
  return (
    <span className="gcontainer-anomalies">
      <AnomalyBadges types={container.anomalies} compact />
    </span>
  );
}

export const ContainerFlowNodeView = memo(function ContainerFlowNodeView({ data }: NodeProps<ContainerFlowNode>) {
  const { container, collapsible, onToggle, depth, counts } = data;
  const summary = frameSummary(counts);
  return (
    <div
      className={`gcontainer kind-${container.node_type.toLowerCase()} ${stateClass(container.state)} ${depthClass(depth)}`}
      data-testid={`graph-node-${container.task_id}`}
      data-node-type={container.node_type}
      data-state={container.state}
      data-depth={depth}
      data-task-count={counts.tasks}
      data-lane-count={counts.lanes}
      title={`${container.node_type} ${container.group_id}\n${summary}`}
    >
      <Handles />
      <ContainerAnomalies container={container} />
      <div className="gcontainer-head">
        <span className="gcontainer-kind">{container.node_type}</span>
        <span className="muted gcontainer-counts">{summary}</span>
        <span className="gnode-state">{container.state}</span>
        {collapsible && (
          <button type="button" className="link-button nodrag" onClick={() => onToggle(container.task_id)}>
            collapse
          </button>
        )}
      </div>
    </div>
  );
});

export const AggregateFlowNodeView = memo(function AggregateFlowNodeView({ data }: NodeProps<AggregateFlowNode>) {
  const { container, summary, depth } = data;
  const total = summary.tasks || 1;
  return (
    <div
      className={`gaggregate kind-${container.node_type.toLowerCase()} ${stateClass(container.state)} ${depthClass(depth)}`}
      data-testid={`graph-node-${container.task_id}`}
      data-node-type={container.node_type}
      data-state={container.state}
      data-depth={depth}
      data-task-count={summary.tasks}
      data-collapsed="true"
      title="Click to expand"
    >
      <Handles />
      <ContainerAnomalies container={container} />
      <div className="gcontainer-head">
        <span className="gcontainer-kind">{container.node_type}</span>
        <span className="muted">{countOf(summary.members, 'member')} · {countOf(summary.tasks, 'task')}</span>
        <span className="gnode-state">{container.state}</span>
      </div>
      <div className="gaggregate-bar" aria-hidden>
        {TASK_STATES.filter((s) => summary.counts[s]).map((s) => (
          <span key={s} className={stateClass(s)} style={{ width: `${((summary.counts[s] ?? 0) / total) * 100}%` }} />
        ))}
      </div>
      <div className="gaggregate-counts">
        {TASK_STATES.filter((s) => summary.counts[s]).map((s) => (
          <span key={s} className={stateClass(s)}>
            {summary.counts[s]} {s.toLowerCase()}
          </span>
        ))}
      </div>
      <div className="gnode-meta mono">
        <span>min {formatDuration(summary.minMs)}</span>
        <span>med {formatDuration(summary.medianMs)}</span>
        <span>max {formatDuration(summary.maxMs)}</span>
      </div>
    </div>
  );
});

export const nodeTypes = {
  task: TaskFlowNodeView,
  container: ContainerFlowNodeView,
  aggregate: AggregateFlowNodeView,
};
