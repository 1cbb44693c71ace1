import { describe, expect, it } from 'vitest';
import { pageTitle } from './titles';

describe('pageTitle', () => {
  it('names each list page', () => {
    expect(pageTitle('/')).toBe('Tasks · stemtrace');
    expect(pageTitle('/graphs')).toBe('Workflows · stemtrace');
    expect(pageTitle('/workers')).toBe('Workers · stemtrace');
    expect(pageTitle('/registry')).toBe('Registry · stemtrace');
    expect(pageTitle('/anomalies')).toBe('Anomalies · stemtrace');
    expect(pageTitle('/stats')).toBe('Statistics · stemtrace');
  });

  it('names a workflow and a task by their id', () => {
    expect(pageTitle('/graph', { id: 'wf-1' })).toBe('Workflow wf-1 · stemtrace');
    expect(pageTitle('/task', { id: 'b1c2' })).toBe('Task b1c2 · stemtrace');
    expect(pageTitle('/graph', { id: '' })).toBe('Workflow · stemtrace');
  });

  it('keeps a hostile id readable', () => {
    expect(pageTitle('/task', { id: 'a\u0000b\nc' })).toBe('Task abc · stemtrace');
    const long = pageTitle('/graph', { id: 'x'.repeat(500) });
    expect(long.length).toBeLessThan(70);
    expect(long).toContain('…');
  });

  it('falls back to the name of the application', () => {
    expect(pageTitle('__root__')).toBe('stemtrace');
    expect(pageTitle('/graph/$rootId')).toBe('stemtrace');
  });
});
