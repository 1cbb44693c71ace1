import { describe, expect, it } from 'vitest';
import { importOutcome } from './importResult';

describe('importOutcome', () => {
  it('reads a successful import', () => {
    expect(importOutcome(200, 'OK', { imported: 23, rejected: 1, root_ids: ['wf-1', 'wf-2'] })).toEqual({
      ok: true,
      imported: 23,
      rejected: 1,
      rootIds: ['wf-1', 'wf-2'],
    });
  });

  it("shows the server's detail on failure", () => {
    expect(importOutcome(400, 'Bad Request', { detail: 'not a stemtrace export: missing "format"' })).toEqual({
      ok: false,
      message: 'Import failed: not a stemtrace export: missing "format"',
    });
  });

  it('falls back to the status line when the body says nothing', () => {
    expect(importOutcome(502, 'Bad Gateway', undefined)).toEqual({ ok: false, message: 'Import failed: 502 Bad Gateway' });
    expect(importOutcome(413, '', { detail: 42 })).toEqual({ ok: false, message: 'Import failed: 413' });
  });

  it('ignores fields of the wrong type', () => {
    expect(importOutcome(200, 'OK', { imported: 'x', root_ids: [1, 'wf', null] })).toEqual({
      ok: true,
      imported: 0,
      rejected: 0,
      rootIds: ['wf'],
    });
  });
});
