import { describe, expect, it } from 'vitest';
import { buildGantt, tickStep } from './gantt';
import { buildSegments, segmentClass } from './timeline';
import { task } from './testNodes';
import type { TaskEvent, TaskState } from './types';

const ev = (state: TaskState, timestamp: string, retries = 0): TaskEvent => ({ task_id: 'f', name: 'capp.flaky', state, timestamp, retries });

describe('buildSegments', () => {
  it('derives queued, running and retry waits from the flaky task of the capture', () => {
    // Stream order of the capture, including Celery's re-sent PENDING during the first attempt.
    const events = [
      ev('PENDING', '2026-11-26T03:35:48.672141Z'),
      ev('STARTED', '2026-11-26T03:35:48.737336Z'),
      ev('PENDING', '2026-11-26T03:35:48.742216Z'),
      ev('RETRY', '2026-11-26T03:35:48.747929Z'),
      ev('STARTED', '2026-11-26T03:35:49.778146Z', 1),
      ev('RETRY', '2026-11-26T03:35:49.782404Z', 1),
      ev('STARTED', '2026-11-26T03:35:50.783082Z', 2),
      ev('SUCCESS', '2026-11-26T03:35:50.784765Z', 2),
    ];
    const segments = buildSegments(events, Date.parse('2026-11-26T05:00:00Z'));
    expect(segments.map((s) => [s.kind, s.attempt, s.endState])).toEqual([
      ['queued', 0, 'STARTED'],
      ['running', 0, 'RETRY'],
      ['retry-wait', 1, 'STARTED'],
      ['running', 1, 'RETRY'],
      ['retry-wait', 2, 'STARTED'],
      ['running', 2, 'SUCCESS'],
    ]);
    expect(segments[0]!.end - segments[0]!.start).toBe(65);
  });

  it('sorts by timestamp, not arrival, and leaves a running task open until now', () => {
    const now = Date.parse('2026-11-26T03:36:00Z');
    const segments = buildSegments([ev('STARTED', '2026-11-26T03:35:50Z'), ev('PENDING', '2026-11-26T03:35:49Z')], now);
    expect(segments.map((s) => [s.kind, s.endState])).toEqual([
      ['queued', 'STARTED'],
      ['running', null],
    ]);
    expect(segments[1]!.end).toBe(now);
  });

  it('returns nothing without events', () => {
    expect(buildSegments([], 0)).toEqual([]);
  });
});

describe('buildGantt', () => {
  it('spans the tasks on one axis and extends unfinished ones to now', () => {
    const a = { ...task('a'), first_seen: '2026-11-26T04:00:00Z', last_updated: '2026-11-26T04:00:01Z' };
    const b = { ...task('b', [], 'STARTED'), first_seen: '2026-11-26T04:00:01Z', last_updated: '2026-11-26T04:00:01Z' };
    const gantt = buildGantt([a, b], Date.parse('2026-11-26T04:00:04Z'))!;
    expect(gantt.end - gantt.start).toBe(4000);
    expect(gantt.bars.map((x) => [x.left, x.width])).toEqual([
      [0, 25],
      [25, 75],
    ]);
    expect(gantt.ticks.length).toBeGreaterThan(1);
  });

  it('does not stretch tasks stuck in PENDING to now', () => {
    const a = { ...task('a'), first_seen: '2026-11-26T04:00:00Z', last_updated: '2026-11-26T04:00:02Z' };
    const p = { ...task('p', [], 'PENDING'), first_seen: '2026-11-26T04:00:01Z', last_updated: '2026-11-26T04:00:01Z' };
    const gantt = buildGantt([a, p], Date.parse('2026-11-26T05:00:00Z'))!;
    expect(gantt.end - gantt.start).toBe(2000);
  });

  it('returns null for no tasks and picks readable tick steps', () => {
    expect(buildGantt([], 0)).toBeNull();
    expect(tickStep(4000, 8)).toBe(500);
    expect(tickStep(3_600_000, 6)).toBe(600_000);
  });
});

describe('segmentClass', () => {
  it('gives a finished running segment the colour of the state that ended it', () => {
    expect(segmentClass({ kind: 'running', endState: 'SUCCESS' })).toBe('segment-running state-success');
    expect(segmentClass({ kind: 'running', endState: 'FAILURE' })).toBe('segment-running state-failure');
  });

  it('marks a segment still open', () => {
    expect(segmentClass({ kind: 'running', endState: null })).toBe('segment-running open');
    expect(segmentClass({ kind: 'queued', endState: null })).toBe('segment-queued open');
  });
});
