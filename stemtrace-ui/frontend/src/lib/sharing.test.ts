import { describe, expect, it } from 'vitest';
import { shareUnchanged } from './sharing';

const parse = (text: string): unknown => JSON.parse(text);

describe('shareUnchanged', () => {
  it('keeps the old data when the new data is equal', () => {
    const prev = parse('{"root_id":"r","nodes":{"r":{"children":["a"],"args":[1,{"x":null}]}}}');
    const next = parse('{"root_id":"r","nodes":{"r":{"children":["a"],"args":[1,{"x":null}]}}}');
    expect(shareUnchanged(prev, next)).toBe(prev);
  });

  it('keeps unchanged parts and takes the changed ones', () => {
    const prev = parse('{"nodes":{"a":{"state":"STARTED"},"b":{"state":"SUCCESS"}},"list":[1,2]}') as Record<string, Record<string, unknown>>;
    const next = parse('{"nodes":{"a":{"state":"SUCCESS"},"b":{"state":"SUCCESS"}},"list":[1,2,3]}');
    const shared = shareUnchanged(prev, next) as typeof prev;
    expect(shared).toEqual(next);
    expect(shared).not.toBe(prev);
    expect(shared.nodes!.b).toBe(prev.nodes!.b);
    expect(shared.nodes!.a).not.toBe(prev.nodes!.a);
    expect(shared.list).toEqual([1, 2, 3]);
  });

  it('keeps a key named __proto__ as a key, not as the prototype', () => {
    const prev = parse('{"nodes":{"__proto__":{"state":"STARTED"},"constructor":{"state":"SUCCESS"}}}');
    const next = parse('{"nodes":{"__proto__":{"state":"SUCCESS"},"constructor":{"state":"SUCCESS"}}}');
    const shared = shareUnchanged(prev, next) as { nodes: Record<string, { state: string }> };
    expect(Object.getPrototypeOf(shared.nodes)).toBe(Object.prototype);
    expect(Object.keys(shared.nodes)).toEqual(['__proto__', 'constructor']);
    expect(Object.hasOwn(shared.nodes, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(shared.nodes, '__proto__')?.value).toEqual({ state: 'SUCCESS' });
    expect(JSON.stringify(shared)).toBe(JSON.stringify(next));
  });

  it('sees a removed key, a key added under a prototype name and non-JSON values as changes', () => {
    const prev = parse('{"a":1,"b":2}');
    expect(shareUnchanged(prev, parse('{"a":1}'))).toEqual({ a: 1 });
    const added = shareUnchanged(parse('{"a":1}'), parse('{"a":1,"toString":2}'));
    expect(Object.keys(added as object)).toEqual(['a', 'toString']);
    const date = new Date(0);
    expect(shareUnchanged({ at: new Date(0) }, { at: date })).toEqual({ at: date });
    expect(shareUnchanged(undefined, prev)).toBe(prev);
    expect(shareUnchanged(prev, 3)).toBe(3);
  });
});
