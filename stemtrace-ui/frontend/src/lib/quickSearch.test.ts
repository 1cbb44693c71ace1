import { describe, expect, it } from 'vitest';
import { decideId, displayName, idPrefixQuery, isAliased, isQuery, quoted } from './quickSearch';

describe('isQuery', () => {
  it('takes a bare token for an id', () => {
    expect(isQuery('2286e677')).toBe(false);
    expect(isQuery('  group:abc  ')).toBe(false);
  });
  it('takes key terms, several terms or quotes for a search', () => {
    expect(isQuery('name:orders.*')).toBe(true);
    expect(isQuery('State:FAILURE')).toBe(true);
    expect(isQuery('orders timeout')).toBe(true);
    expect(isQuery('"a b"')).toBe(true);
  });
});

describe('quoted', () => {
  it('escapes quotes and backslashes', () => {
    expect(quoted('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(idPrefixQuery('2286')).toBe('id:"2286"');
  });
});

describe('decideId', () => {
  it('jumps to an exact match even when others share the prefix', () => {
    expect(decideId('t1', ['t10', 't1'], false)).toEqual({ kind: 'task', id: 't1' });
  });
  it('jumps to the only match', () => {
    expect(decideId('22', ['2286e677'], false)).toEqual({ kind: 'task', id: '2286e677' });
  });
  it('lists several matches', () => {
    expect(decideId('2', ['21', '22'], false)).toEqual({ kind: 'list', q: 'id:"2"' });
  });
  it('opens a workflow id that no task has', () => {
    expect(decideId('group:abc', [], true)).toEqual({ kind: 'workflow', id: 'group:abc' });
  });
  it('searches the text when nothing has that id', () => {
    expect(decideId('timeout', [], false)).toEqual({ kind: 'list', q: '"timeout"' });
  });
});

describe('displayName', () => {
  it('prefers the alias and says when it is one', () => {
    expect(displayName({ name: 'capp.add', display_name: '7' })).toBe('7');
    expect(isAliased({ name: 'capp.add', display_name: '7' })).toBe(true);
    expect(displayName({ name: 'capp.add', display_name: 'capp.add' })).toBe('capp.add');
    expect(isAliased({ name: 'capp.add', display_name: 'capp.add' })).toBe(false);
    expect(displayName({ name: 'capp.add' })).toBe('capp.add');
  });
});
