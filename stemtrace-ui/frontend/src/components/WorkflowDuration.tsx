import { useEffect, useState } from 'react';
import { formatDateTime } from '../lib/format';
import type { GraphSummary } from '../lib/types';
import { workflowTiming } from '../lib/workflowTiming';

/** The current time, every `intervalMs` while `enabled`; a finished workflow runs no timer. */
function useTicker(intervalMs: number, enabled: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, enabled]);
  return now;
}

/**
 * The one duration of a workflow, as the server computed it (`GraphSummary.duration_ms`); while the
 * workflow has not finished, the time elapsed since its first event, ticking every second.
 */
export function WorkflowDuration({ summary }: { summary: GraphSummary | null | undefined }) {
  const running = summary != null && workflowTiming(summary, 0).running;
  const now = useTicker(1000, running);
  if (!summary) return <span className="muted">—</span>;
  const timing = workflowTiming(summary, now);
  return (
    <span
      className={`mono workflow-duration${timing.running ? ' running' : ''}`}
      data-testid="workflow-duration"
      data-finished={String(!timing.running)}
      title={timing.running ? `not finished; first event ${formatDateTime(summary.first_seen)}` : 'first event to last event of the whole workflow'}
    >
      {timing.text}
    </span>
  );
}
