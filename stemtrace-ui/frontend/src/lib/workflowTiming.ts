import { formatDuration, parseTime } from './format';
import type { GraphSummary } from './types';

export interface WorkflowTiming {
  /** Not finished: the text is the time elapsed so far. */
  running: boolean;
  text: string;
}

/**
 * What a page shows as a workflow's duration. A finished workflow shows the server's figure; one that
 * has not finished shows the time since its first event (never a finished-looking span of the events
 * so far). A server older than `finished` sends only `duration_ms`, shown as it is.
 */
export function workflowTiming(summary: Pick<GraphSummary, 'duration_ms' | 'finished' | 'first_seen'>, now: number): WorkflowTiming {
  const running = summary.finished === false;
  if (!running) return { running, text: formatDuration(summary.duration_ms) };
  const start = parseTime(summary.first_seen);
  // A browser clock behind the producers' must not show a negative time.
  const elapsed = start == null ? null : Math.max(0, now - start);
  return { running, text: elapsed == null ? 'running' : `${formatDuration(elapsed)} elapsed` };
}
