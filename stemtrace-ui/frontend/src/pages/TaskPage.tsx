import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useMemo } from 'react';
import { taskQuery } from '../api';
import { AnomalyBadge, AnomalyBadges } from '../components/AnomalyBadge';
import { RenderBoundary, listItemFrame, tableCellsFrame } from '../components/ErrorBoundary';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { StateBadge } from '../components/StateBadge';
import { DateTime, RelativeTime, useNow } from '../components/Time';
import { anomalyExplanation } from '../lib/anomalies';
import { formatClock, formatDateTime, formatDuration, formatJson, shortId } from '../lib/format';
import { idSearch } from '../lib/search';
import { type Segment, buildSegments, segmentClass } from '../lib/timeline';
import type { AnomalyType, TaskNode } from '../lib/types';

const route = getRouteApi('/task');

const SEGMENT_LABEL = { queued: 'queued', running: 'running', 'retry-wait': 'retry wait' } as const;
const attemptRowFrame = tableCellsFrame(6);
const eventRowFrame = tableCellsFrame(3);

function SegmentBar({ segments }: { segments: Segment[] }) {
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (!first || !last) return <p className="muted">No lifecycle events recorded.</p>;
  const span = Math.max(last.end - first.start, 1);
  return (
    <div className="segments">
      <div className="segment-track" data-testid="task-timeline">
        {segments.map((s, i) => (
          <span
            key={i}
            className={`segment ${segmentClass(s)}`}
            style={{ left: `${((s.start - first.start) / span) * 100}%`, width: `max(3px, ${((s.end - s.start) / span) * 100}%)` }}
            title={`${SEGMENT_LABEL[s.kind]} (attempt ${s.attempt}): ${formatDuration(s.end - s.start)}`}
          />
        ))}
      </div>
      <ol className="segment-legend">
        {segments.map((s, i) => (
          <li key={i}>
            <span className={`segment-key ${segmentClass(s)}`} data-testid="segment-key" />
            {SEGMENT_LABEL[s.kind]}
            {s.kind !== 'queued' && <span className="muted"> #{s.attempt}</span>}
            <span className="mono"> {formatDuration(s.end - s.start)}</span>
            {s.endState ? <span className="muted"> → {s.endState}</span> : <span className="muted"> (ongoing)</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

function JsonBlock({ title, value, testId }: { title: string; value: unknown; testId?: string }) {
  return (
    <div className="block">
      <h3>{title}</h3>
      {value == null ? <p className="muted">—</p> : <pre data-testid={testId}>{formatJson(value)}</pre>}
    </div>
  );
}

function TaskLink({ id, label }: { id: string; label?: string }) {
  return (
    <Link to="/task" search={idSearch(id)} className="mono">
      {label ?? shortId(id)}
    </Link>
  );
}

function Facts({ task }: { task: TaskNode }) {
  const parent = task.parent_id && task.parent_id !== task.task_id ? task.parent_id : null;
  return (
    <dl className="facts">
      <dt>Task id</dt>
      <dd className="mono">{task.task_id}</dd>
      <dt>First seen</dt>
      <dd>
        <span data-testid="date-time">{formatDateTime(task.first_seen)}</span> <span className="muted">(<RelativeTime iso={task.first_seen} />)</span>
      </dd>
      <dt>Last update</dt>
      <dd>
        <DateTime iso={task.last_updated} />
      </dd>
      <dt>Queue time</dt>
      <dd className="mono">{formatDuration(task.queue_time_ms)}</dd>
      <dt>Run time</dt>
      <dd className="mono">{formatDuration(task.run_time_ms)}</dd>
      <dt>Parent</dt>
      <dd data-testid="task-parent">{parent ? <TaskLink id={parent} label={parent} /> : <span className="muted">none (root)</span>}</dd>
      <dt>Workflow</dt>
      <dd>
        <Link to="/graph" search={idSearch(task.workflow_id)} data-testid="task-workflow-link">
          View graph <span className="mono muted">{shortId(task.workflow_id)}</span>
        </Link>
      </dd>
      {task.group_id && (
        <>
          <dt>Group</dt>
          <dd className="mono">{task.group_id}</dd>
        </>
      )}
      {task.chord_callback_id && (
        <>
          <dt>Chord callback</dt>
          <dd>
            <TaskLink id={task.chord_callback_id} label={task.chord_callback_id} />
          </dd>
        </>
      )}
      {task.hostname && (
        <>
          <dt>Worker</dt>
          <dd className="mono" data-testid="task-worker">
            <Link to="/workers" className="mono">
              {task.hostname}
            </Link>
          </dd>
        </>
      )}
      {task.trace_id && (
        <>
          <dt>Trace</dt>
          <dd className="mono">{task.trace_id}</dd>
        </>
      )}
    </dl>
  );
}

/** What is wrong with the task, one sentence per raised anomaly, above everything else. */
function AnomalyCallout({ types }: { types: AnomalyType[] }) {
  return (
    <div className="callout" role="note" data-testid="anomaly-callout">
      <strong>{types.length === 1 ? 'Anomaly' : `${types.length} anomalies`}</strong>
      <ul>
        {types.map((t) => (
          <li key={t}>
            <AnomalyBadge type={t} /> {anomalyExplanation(t)}
          </li>
        ))}
      </ul>
      <Link to="/anomalies" search={{ type: types.join(',') }} className="small">
        All current anomalies of {types.length === 1 ? 'this type' : 'these types'}
      </Link>
    </div>
  );
}

export function TaskPage() {
  const { id: taskId } = route.useSearch();
  const query = useQuery({ ...taskQuery(taskId), enabled: taskId !== '' });
  const now = useNow();
  const events = query.data?.task.events;
  const segments = useMemo(() => buildSegments(events ?? [], now), [events, now]);

  if (taskId === '') return <Empty>No task id in the address (/task?id=...).</Empty>;
  if (query.isPending) return <Loading what="task" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const { task, children } = query.data;

  return (
    <section className="page task-page">
      <div className="page-head">
        <h1>{task.name}</h1>
        <StateBadge state={task.state} />
        <span className="mono muted">{shortId(task.task_id)}</span>
        <span className="muted">{formatDuration(task.duration_ms)}</span>
      </div>

      {task.anomalies && task.anomalies.length > 0 && <AnomalyCallout types={task.anomalies} />}

      <div className="columns">
        <div className="card">
          <Facts task={task} />
        </div>
        <div className="card">
          <h3>Timeline</h3>
          <SegmentBar segments={segments} />
        </div>
      </div>

      <div className="card">
        <h3>Attempts</h3>
        {task.attempts.length === 0 ? (
          <p className="muted">Not started yet.</p>
        ) : (
          <table className="grid-table">
            <thead>
              <tr>
                <th>#</th>
                <th>State</th>
                <th>Started</th>
                <th>Finished</th>
                <th className="num">Run time</th>
                <th>Exception</th>
              </tr>
            </thead>
            <tbody>
              {task.attempts.map((a) => (
                <RenderBoundary key={a.number} what={`attempt ${a.number}`} resetKey={a} frame={attemptRowFrame}>
                  <tr data-testid="attempt-row">
                    <td className="mono">{a.number}</td>
                    <td>
                      <StateBadge state={a.state} />
                    </td>
                    <td className="mono" title={formatDateTime(a.started_at)}>
                      {formatClock(a.started_at)}
                    </td>
                    <td className="mono" title={formatDateTime(a.finished_at)}>
                      {formatClock(a.finished_at)}
                    </td>
                    <td className="num mono">{formatDuration(a.run_time_ms)}</td>
                    <td className="exception-cell">{a.exception ?? <span className="muted">—</span>}</td>
                  </tr>
                </RenderBoundary>
              ))}
            </tbody>
          </table>
        )}
      </div>

      {task.exception && (
        <div className="card error-card">
          <h3>Exception</h3>
          <pre className="exception">{task.exception}</pre>
          {task.traceback && (
            <details>
              <summary>Traceback</summary>
              <pre className="traceback">{task.traceback}</pre>
            </details>
          )}
        </div>
      )}

      <div className="columns three">
        <JsonBlock title="Args" value={task.args} testId="task-args" />
        <JsonBlock title="Kwargs" value={task.kwargs} testId="task-kwargs" />
        <JsonBlock title="Result" value={task.result} testId="task-result" />
      </div>

      <div className="card">
        <h3>Children ({children.length})</h3>
        {children.length === 0 ? (
          <p className="muted">This task spawned no tasks.</p>
        ) : (
          <ul className="child-list">
            {children.map((c) => (
              <RenderBoundary key={c.task_id} what={`child task ${c.task_id}`} resetKey={c} frame={listItemFrame}>
                <li data-testid="child-link">
                  <StateBadge state={c.state} /> <TaskLink id={c.task_id} /> {c.name}
                  <span className="muted mono"> {formatDuration(c.duration_ms)}</span> <AnomalyBadges types={c.anomalies} />
                </li>
              </RenderBoundary>
            ))}
          </ul>
        )}
      </div>

      {events && events.length > 0 && (
        <details className="card">
          <summary>Events ({events.length})</summary>
          <table className="grid-table">
            <tbody>
              {events.map((e, i) => (
                <RenderBoundary key={i} what={`event ${i + 1}`} resetKey={e} frame={eventRowFrame}>
                  <tr>
                    <td className="mono">{formatDateTime(e.timestamp)}</td>
                    <td>
                      <StateBadge state={e.state} />
                    </td>
                    <td className="mono muted">attempt {e.retries}</td>
                  </tr>
                </RenderBoundary>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
