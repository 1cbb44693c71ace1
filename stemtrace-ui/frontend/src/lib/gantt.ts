import { parseTime } from './format';
import { isRunning } from './states';
import type { TaskNode } from './types';

export interface GanttBar {
  task: TaskNode;
  /** Percent of the axis width. */
  left: number;
  width: number;
}

export interface GanttTick {
  at: number;
  left: number;
}

export interface Gantt {
  start: number;
  end: number;
  /** Distance between ticks in milliseconds. */
  step: number;
  bars: GanttBar[];
  ticks: GanttTick[];
}

/** Bars stay visible for instant tasks next to long ones. */
const MIN_WIDTH_PERCENT = 0.3;

const NICE_STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Tick spacing giving at most `maxTicks` ticks across `span` milliseconds. */
export function tickStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  return NICE_STEPS_MS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

/**
 * Lays tasks on a shared time axis: each bar spans first_seen..last_updated, or first_seen..now
 * while a worker runs the task. A task stuck in PENDING keeps its last update as end, so one
 * forgotten task does not squeeze every other bar into a sliver.
 */
export function buildGantt(tasks: readonly TaskNode[], now: number, maxTicks = 8): Gantt | null {
  const spans = tasks.flatMap((task) => {
    const from = parseTime(task.first_seen);
    if (from == null) return [];
    const last = parseTime(task.last_updated) ?? from;
    const to = isRunning(task.state) ? Math.max(last, now) : last;
    return [{ task, from, to: Math.max(from, to) }];
  });
  if (spans.length === 0) return null;
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.from);
    end = Math.max(end, s.to);
  }
  const span = Math.max(end - start, 1);
  const bars = spans.map((s) => {
    const left = ((s.from - start) / span) * 100;
    const width = Math.max(((s.to - s.from) / span) * 100, MIN_WIDTH_PERCENT);
    return { task: s.task, left: Math.min(left, 100 - MIN_WIDTH_PERCENT), width: Math.min(width, 100 - left) };
  });
  const step = tickStep(span, maxTicks);
  const ticks: GanttTick[] = [];
  for (let at = Math.ceil(start / step) * step; at <= end; at += step) {
    ticks.push({ at, left: ((at - start) / span) * 100 });
  }
  return { start, end, step, bars, ticks };
}
