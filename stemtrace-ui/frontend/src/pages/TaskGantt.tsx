import { Link } from '@tanstack/react-router';
import { type ReactNode, useMemo } from 'react';
import { RenderBoundary } from '../components/ErrorBoundary';
import { useNow } from '../components/Time';
import { buildGantt } from '../lib/gantt';
import { formatClock, formatDuration, shortId, shortName } from '../lib/format';
import { idSearch } from '../lib/search';
import { stateClass } from '../lib/states';
import type { TaskNode } from '../lib/types';

const ganttRowFrame = (message: ReactNode) => <div className="gantt-row row-error">{message}</div>;

/** Gantt view of the tasks loaded by the list: one row per task, first_seen to last_updated. */
export function TaskGantt({ tasks }: { tasks: TaskNode[] }) {
  const now = useNow();
  const gantt = useMemo(() => buildGantt(tasks, now), [tasks, now]);
  if (!gantt) return null;
  return (
    <div className="gantt" data-testid="gantt">
      <div className="gantt-row gantt-axis">
        <span className="gantt-label muted">{formatDuration(gantt.end - gantt.start)} span</span>
        <div className="gantt-track">
          {gantt.ticks.map((t) => (
            <span key={t.at} className="gantt-tick" style={{ left: `${t.left}%` }}>
              {/* Milliseconds only matter when ticks are less than a second apart. */}
              {formatClock(new Date(t.at).toISOString()).slice(0, gantt.step < 1000 ? undefined : 8)}
            </span>
          ))}
        </div>
      </div>
      {gantt.bars.map(({ task, left, width }) => (
        <RenderBoundary key={task.task_id} what={`task ${task.task_id}`} resetKey={task} frame={ganttRowFrame}>
          <Link to="/task" search={idSearch(task.task_id)} className="gantt-row" data-testid="gantt-row">
            <span className="gantt-label" title={task.name}>
              <span className="mono muted">{shortId(task.task_id)}</span> {shortName(task.name)}
            </span>
            <div className="gantt-track">
              {gantt.ticks.map((t) => (
                <span key={t.at} className="gantt-grid" style={{ left: `${t.left}%` }} />
              ))}
              <span
                className={`gantt-bar ${stateClass(task.state)}`}
                style={{ left: `${left}%`, width: `${width}%` }}
                title={`${task.name} · ${task.state} · ${formatClock(task.first_seen)} → ${formatClock(task.last_updated)}`}
              />
            </div>
          </Link>
        </RenderBoundary>
      ))}
    </div>
  );
}
