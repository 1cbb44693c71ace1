import { describe, expect, it } from 'vitest';
import { idSearch, parseIdSearch, parseSearch, stringifySearch } from './search';

const HOSTILE_IDS = ['a/b\\c', '100%', '%2F', 'what?x=1', '#top', ' padded ', '1+1', '123', 'true', 'null', '"quoted"', '[1]', '{}', 'ünï', '__proto__'];

describe('search serialization', () => {
  it('round-trips every id as the same string', () => {
    for (const id of HOSTILE_IDS) {
      const text = stringifySearch({ id });
      expect(text.startsWith('?id=')).toBe(true);
      expect(text.slice(1)).not.toMatch(/[/\\?#\s]/);
      expect(parseSearch(text)).toEqual({ id });
    }
  });

  it('keeps numbers, booleans and JSON-looking values as text', () => {
    expect(parseSearch('?id=123&view=true&x=null&y=%7B%7D')).toEqual({ id: '123', view: 'true', x: 'null', y: '{}' });
  });

  it('reads a URL typed by hand: + and %20 are spaces, a stray % stays', () => {
    expect(parseSearch('?id=+a%20b+')).toEqual({ id: ' a b ' });
    expect(parseSearch('id=50%')).toEqual({ id: '50%' });
  });

  it('keeps the first of a repeated key and a __proto__ key as an entry', () => {
    const parsed = parseSearch('?id=a&id=b&__proto__=x');
    expect(parsed.id).toBe('a');
    expect(Object.keys(parsed)).toEqual(['id', '__proto__']);
    expect(Object.getPrototypeOf({ ...parsed })).toBe(Object.prototype);
  });

  it('leaves out undefined values and writes numbers as text', () => {
    expect(stringifySearch({ q: undefined, status: 'active', page: 3 })).toBe('?status=active&page=3');
    expect(stringifySearch({ q: undefined })).toBe('');
  });
});

describe('id search', () => {
  it('takes the id exactly as given, without trimming', () => {
    expect(parseIdSearch({ id: ' a/b ' })).toEqual({ id: ' a/b ' });
    expect(parseIdSearch({})).toEqual({ id: '' });
    expect(parseIdSearch({ id: 5 })).toEqual({ id: '' });
  });

  it('hands the router well-formed ids', () => {
    expect(idSearch('x\udc00')).toEqual({ id: 'x\ufffd' });
    expect(idSearch('constructor')).toEqual({ id: 'constructor' });
    expect(stringifySearch(idSearch('lone-\ud800'))).toBe('?id=lone-%EF%BF%BD');
  });
});
