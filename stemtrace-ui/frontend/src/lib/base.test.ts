import { describe, expect, it } from 'vitest';
import { normaliseBase, websocketUrl } from './base';

describe('normaliseBase', () => {
  it('treats the unreplaced placeholder as the origin root', () => {
    expect(normaliseBase('__STEMTRACE_BASE_PATH__')).toBe('');
    expect(normaliseBase(undefined)).toBe('');
  });

  it('returns a prefix with a leading and no trailing slash', () => {
    expect(normaliseBase('')).toBe('');
    expect(normaliseBase('/')).toBe('');
    expect(normaliseBase('/stemtrace')).toBe('/stemtrace');
    expect(normaliseBase('/admin/stemtrace/')).toBe('/admin/stemtrace');
    expect(normaliseBase('stemtrace')).toBe('/stemtrace');
  });
});

describe('websocketUrl', () => {
  it('switches the scheme and appends the mount prefix', () => {
    expect(websocketUrl('http://127.0.0.1:8080', '')).toBe('ws://127.0.0.1:8080/ws');
    expect(websocketUrl('https://ops.example', '/stemtrace')).toBe('wss://ops.example/stemtrace/ws');
  });
});
