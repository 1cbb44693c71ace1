import { describe, expect, it } from 'vitest';
import { backoffDelay, graphIsStale, parseFrame, planInvalidation, taskIsStale, workersAreStale } from './liveUpdate';
import { container, graph, task } from './testNodes';

describe('live update frames', () => {
  it('parses update frames and plans what to refetch', () => {
    const frame = parseFrame(
      JSON.stringify({
        type: 'update',
        tasks: [{ task_id: 't1', name: 'capp.add', state: 'STARTED', workflow_id: 'group:g', timestamp: '2026-11-26T03:35:48Z' }],
        workers: [],
        truncated: false,
      }),
    );
    expect(frame).not.toBeNull();
    const plan = planInvalidation(frame!);
    expect(plan).toEqual({
      everything: false,
      tasks: true,
      workers: false,
      anomalies: false,
      taskIds: new Set(['t1']),
      workflowIds: new Set(['group:g']),
      anomalyIds: new Set(),
    });
  });

  it('treats frames without an anomalies field as having none', () => {
    expect(parseFrame('{"type":"update","tasks":[],"workers":[],"truncated":false}')?.anomalies).toEqual([]);
  });

  it('marks tasks and graphs holding a raised or cleared anomaly as stale', () => {
    const plan = planInvalidation(
      parseFrame(
        JSON.stringify({
          type: 'update',
          tasks: [],
          workers: [],
          anomalies: [
            { type: 'CHORD_NOT_JOINED', task_id: 'group:c', status: 'raised' },
            { type: 'STUCK_STARTED', task_id: 'kid', status: 'cleared' },
          ],
          truncated: false,
        }),
      )!,
    );
    expect(plan.anomalies).toBe(true);
    expect(plan.tasks).toBe(false);
    // The chord sits inside a task's workflow: only the cached nodes tell.
    const withChord = graph('root', task('root', ['group:c']), container('group:c', 'CHORD', ['m']), task('m'));
    expect(graphIsStale(plan, 'root', withChord)).toBe(true);
    expect(graphIsStale(plan, 'other', graph('other', task('other')))).toBe(false);
    expect(graphIsStale(plan, 'root', undefined)).toBe(false);
    // A parent page lists its children with their badges.
    expect(taskIsStale(plan, 'parent', { task: task('parent', ['kid']), children: [task('kid')] })).toBe(true);
    expect(taskIsStale(plan, 'kid', undefined)).toBe(true);
    expect(taskIsStale(plan, 'x', { task: task('x'), children: [] })).toBe(false);
  });

  it('refetches everything for truncated frames', () => {
    expect(planInvalidation(parseFrame('{"type":"update","tasks":[],"workers":[{"hostname":"w","status":"offline"}],"truncated":true}')!)).toMatchObject({
      everything: true,
      workers: true,
    });
  });

  it('ignores other and malformed frames', () => {
    expect(parseFrame('{"type":"hello"}')).toBeNull();
    expect(parseFrame('not json')).toBeNull();
    expect(parseFrame('null')).toBeNull();
  });

  it('backs off exponentially up to ten seconds', () => {
    const mid = () => 0.5;
    expect(backoffDelay(0, mid)).toBe(450);
    expect(backoffDelay(3, mid)).toBe(3600);
    expect(backoffDelay(20, mid)).toBe(9000);
    expect(backoffDelay(0, () => 1)).toBe(500);
  });

  it('refetches workers for a new worker or a changed status, not for a heartbeat', () => {
    const shown = [{ workers: [{ hostname: 'w1', status: 'online' }, { hostname: 'w2', status: 'offline' }] }, undefined];
    expect(workersAreStale([{ hostname: 'w1', status: 'online' }], shown)).toBe(false);
    expect(workersAreStale([{ hostname: 'w2', status: 'online' }], shown)).toBe(true);
    expect(workersAreStale([{ hostname: 'w3', status: 'online' }], shown)).toBe(true);
    expect(workersAreStale([], shown)).toBe(false);
  });
});
