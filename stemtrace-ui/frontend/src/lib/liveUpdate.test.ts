import { describe, expect, it } from 'vitest';
import { backoffDelay, parseFrame, planInvalidation } from './liveUpdate';

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
    expect(plan).toEqual({ everything: false, tasks: true, workers: false, taskIds: new Set(['t1']), workflowIds: new Set(['group:g']) });
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
});
