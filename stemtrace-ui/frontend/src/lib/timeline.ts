import { parseTime } from './format';
import { isTerminal, stateClass } from './states';
import type { TaskEvent, TaskState } from './types';

export type SegmentKind = 'queued' | 'running' | 'retry-wait';

export interface Segment {
  kind: SegmentKind;
  /** Attempt number (`retries`) for running segments and the attempt a wait leads to. */
  attempt: number;
  start: number;
  end: number;
  /** State that closed the segment; null while it is still open. */
  endState: TaskState | null;
}

/**
 * Splits a task's life into queued, running and retry-wait segments from its events.
 *
 * Celery re-sends PENDING while a retry is being scheduled, so PENDING/RECEIVED only open a queued
 * segment when nothing is open yet. A segment still open at the last event extends to `now` unless
 * the task is terminal.
 */
export function buildSegments(events: readonly TaskEvent[], now: number): Segment[] {
  const sorted = events
    .map((e) => ({ e, t: parseTime(e.timestamp) }))
    .filter((x): x is { e: TaskEvent; t: number } => x.t != null)
    .sort((a, b) => a.t - b.t);
  const segments: Segment[] = [];
  let open: Omit<Segment, 'end' | 'endState'> | null = null;
  let finished = false;
  const close = (t: number, state: TaskState) => {
    if (open) segments.push({ ...open, end: Math.max(t, open.start), endState: state });
    open = null;
  };
  for (const { e, t } of sorted) {
    if (finished) break;
    switch (e.state) {
      case 'PENDING':
      case 'RECEIVED':
        if (!open) open = { kind: 'queued', attempt: e.retries, start: t };
        break;
      case 'STARTED':
        close(t, e.state);
        open = { kind: 'running', attempt: e.retries, start: t };
        break;
      case 'RETRY':
        close(t, e.state);
        open = { kind: 'retry-wait', attempt: e.retries + 1, start: t };
        break;
      default:
        if (isTerminal(e.state)) {
          close(t, e.state);
          finished = true;
        }
    }
  }
  if (open) {
    const o: Omit<Segment, 'end' | 'endState'> = open;
    segments.push({ ...o, end: Math.max(now, o.start), endState: null });
  }
  return segments;
}

/**
 * The colour classes of a segment, for its bar and its legend key alike, so the key always shows the
 * bar's colour: a running segment takes the colour of the state that ended it.
 */
export function segmentClass(segment: Pick<Segment, 'kind' | 'endState'>): string {
  return `segment-${segment.kind} ${segment.endState ? stateClass(segment.endState) : 'open'}`;
}
