import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useMemo } from 'react';
import { graphQuery, taskQuery } from '../api';
import { AnomalyBadge, AnomalyBadges } from '../components/AnomalyBadge';
import { RenderBoundary, listItemFrame, tableCellsFrame } from '../components/ErrorBoundary';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { StateBadge } from '../components/StateBadge';
import { DateTime, RelativeTime, useNow } from '../components/Time';
import { WorkflowDuration } from '../components/WorkflowDuration';
import { anomalyExplanation } from '../lib/anomalies';
import { formatClock, formatDateTime, formatDuration, formatJson, shortId } from '../lib/format';
import { chordCallbackContext } from '../lib/chordContext';
import { idSearch } from '../lib/search';
import { type Segment, buildSegments, segmentClass } from '../lib/timeline';
import type { AnomalyType, GraphSummary, TaskNode } from '../lib/types';

const route = getRouteApi('/task');

const SEGMENT_LABEL = { queued: 'queued', running: 'running', 'retry-wait': 'retry wait' } as const;
const attemptRowFrame = tableCellsFrame(6);
const eventRowFrame = tableCellsFrame(3);

/**
 * `interrupted`: the worker running the task shut down (the INTERRUPTED anomaly), so an open running
 * segment is not "ongoing": nothing runs it any more.
 */
function SegmentBar({ segments, interrupted }: { segments: Segment[]; interrupted: boolean }) {
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
            className={`segment ${segmentClass(s)}${
              interrupted && s.endState === null && s.kind === 'running' ? ' segment-cut' : ''
            }`}
            style={{ left: `${((s.start - first.start) / span) * 100}%`, width: `max(3px, ${((s.end - s.start) / span) * 100}%)` }}
            title={`${SEGMENT_LABEL[s.kind]} (attempt ${s.attempt}): ${formatDuration(s.end - s.start)}`}
          />
        ))}
      </div>
      <ol className="segment-legend">
        {segments.map((s, i) => {
          const cut = interrupted && s.endState === null && s.kind === 'running';
          return (
            <li key={i} data-testid="segment-legend-item" data-segment-kind={cut ? 'interrupted' : s.kind}>
              <span className={`segment-key ${segmentClass(s)}${cut ? ' segment-cut' : ''}`} data-testid="segment-key" />
              {cut ? 'interrupted' : SEGMENT_LABEL[s.kind]}
              {s.kind !== 'queued' && <span className="muted"> #{s.attempt}</span>}
              {cut ? (
                <span className="muted"> (its worker shut down; no finish was recorded)</span>
              ) : (
                <>
                  <span className="mono" data-testid={s.kind === 'queued' && s.attempt === 0 ? 'segment-queued-duration' : undefined}>
                    {' '}
                    {formatDuration(s.end - s.start)}
                  </span>
                  {s.endState ? <span className="muted"> → {s.endState}</span> : <span className="muted"> (ongoing)</span>}
                </>
              )}
            </li>
          );
        })}
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

function Facts({ task, workflow }: { task: TaskNode; workflow: GraphSummary | undefined }) {
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
      <dd className="mono" data-testid="task-queue-time">
        {formatDuration(task.queue_time_ms)}
      </dd>
      <dt>Run time</dt>
      <dd className="mono">{formatDuration(task.run_time_ms)}</dd>
      <dt>Parent</dt>
      <dd data-testid="task-parent">{parent ? <TaskLink id={parent} label={parent} /> : <span className="muted">none (root)</span>}</dd>
      <dt>Workflow</dt>
      <dd>
        <Link to="/graph" search={idSearch(task.workflow_id)} data-testid="task-workflow-link">
          View graph <span className="mono muted">{shortId(task.workflow_id)}</span>
        </Link>
        {workflow && (
          <>
            {' '}
            · <WorkflowDuration summary={workflow} />
          </>
        )}
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

/**
 * For a chord's callback: which chord it follows and how many of its header tasks it still waits for,
 * read from the workflow's graph (the page of the graph shares it from the cache).
 */
function ChordCallbackContext({ task }: { task: TaskNode }) {
  // A callback's parent is a header task naming it (Celery sets the header that finished last); only
  // then is the workflow's graph, possibly large, fetched.
  const parentId = task.parent_id && task.parent_id !== task.task_id ? task.parent_id : '';
  const parent = useQuery({ ...taskQuery(parentId), enabled: parentId !== '' });
  const isCallback = parent.data?.task.chord_callback_id === task.task_id;
  const graph = useQuery({ ...graphQuery(task.workflow_id), enabled: isCallback });
  const context = isCallback && graph.data ? chordCallbackContext(graph.data, task.task_id) : null;
  if (!context) return null;
  const { chordId, headers, finished } = context;
  const waiting = headers - finished;
  return (
    <p className="callout chord-context" role="note" data-testid="chord-context" data-waiting={waiting}>
      Callback of{' '}
      <Link to="/graph" search={idSearch(task.workflow_id)} data-testid="chord-context-link">
        chord <span className="mono">{shortId(chordId)}</span>
      </Link>
      {waiting > 0
        ? `, waiting for ${waiting} of its ${headers} header task${headers === 1 ? '' : 's'}.`
        : `; all ${headers} header task${headers === 1 ? '' : 's'} finished.`}
    </p>
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
        <span className="muted" title="Run time of the attempt that decided the state; the workflow's duration is under Workflow">
          {task.duration_ms != null && task.attempts.length > 1 ? 'last attempt ' : ''}
          {formatDuration(task.duration_ms)}
        </span>
      </div>

      <ChordCallbackContext task={task} />

      {task.anomalies && task.anomalies.length > 0 && <AnomalyCallout types={task.anomalies} />}

      <div className="columns">
        <div className="card">
          <Facts task={task} workflow={query.data.workflow} />
        </div>
        <div className="card">
          <h3>Timeline</h3>
          <SegmentBar segments={segments} interrupted={task.anomalies?.includes('INTERRUPTED') ?? false} />
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
