import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { registryQuery } from '../api';
import { AnomalyBadges } from './AnomalyBadge';
import { TaskName } from './GraphNodes';
import { StateBadge } from './StateBadge';
import { formatDateTime, formatDuration, formatJson } from '../lib/format';
import { idSearch } from '../lib/search';
import type { TaskNode } from '../lib/types';

/** Who ran the task: the host its events name, else the workers registering its name. */
function WorkerFact({ task }: { task: TaskNode }) {
  const name = task.name ?? '';
  const registry = useQuery({ ...registryQuery(name, '', 0), enabled: !task.hostname && name !== '' });
  if (task.hostname) {
    return (
      <>
        <dt>Worker</dt>
        <dd className="mono" data-testid="graph-panel-worker">
          {task.hostname}
        </dd>
      </>
    );
  }
  const hosts = registry.data?.tasks.find((e) => e.name === name)?.registered_by ?? [];
  return (
    <>
      <dt>Worker</dt>
      <dd data-testid="graph-panel-worker">
        {hosts.length === 0 ? (
          <span className="muted">not known</span>
        ) : (
          <>
            <span className="muted">registered by </span>
            <span className="mono">{hosts.join(', ')}</span>
          </>
        )}
      </dd>
    </>
  );
}

/**
 * What a click (or Enter) on a task node shows beside the graph: its state, times, worker, exception
 * and args, and the way to its own page, whose link takes the focus.
 */
export function GraphSidePanel({ task, onClose }: { task: TaskNode; onClose: () => void }) {
  const open = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    open.current?.focus({ preventScroll: true });
  }, [task.task_id]);
  return (
    <aside
      className="graph-panel"
      data-testid="graph-panel"
      data-task-id={task.task_id}
      aria-label={`Task ${task.name}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="graph-panel-head">
        <TaskName name={task.name} />
        <button type="button" className="link-button" onClick={onClose} aria-label="Close" data-testid="graph-panel-close">
          ×
        </button>
      </div>
      <div className="graph-panel-state">
        <StateBadge state={task.state} /> <AnomalyBadges types={task.anomalies} />
      </div>
      <dl className="facts">
        <dt>Task id</dt>
        <dd className="mono">{task.task_id}</dd>
        <dt>First seen</dt>
        <dd>{formatDateTime(task.first_seen)}</dd>
        <dt>Last update</dt>
        <dd>{formatDateTime(task.last_updated)}</dd>
        <dt>Queue time</dt>
        <dd className="mono">{formatDuration(task.queue_time_ms)}</dd>
        <dt>Run time</dt>
        <dd className="mono">{formatDuration(task.run_time_ms)}</dd>
        {task.attempts.length > 1 && (
          <>
            <dt>Attempts</dt>
            <dd className="mono">{task.attempts.length}</dd>
          </>
        )}
        <WorkerFact task={task} />
      </dl>
      {task.exception && (
        <div className="block">
          <h3>Exception</h3>
          <pre className="exception" data-testid="graph-panel-exception">
            {task.exception}
          </pre>
        </div>
      )}
      <div className="block">
        <h3>Args</h3>
        {task.args == null ? <p className="muted">—</p> : <pre data-testid="graph-panel-args">{formatJson(task.args)}</pre>}
      </div>
      <Link ref={open} to="/task" search={idSearch(task.task_id)} className="button" data-testid="graph-panel-open">
        Open task page
      </Link>
    </aside>
  );
}
