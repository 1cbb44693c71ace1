import { describe, expect, it } from 'vitest';
import { idQuery, wellFormed } from './urls';

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';
const SMILEY = '\ud83d\ude00';

describe('wellFormed', () => {
  it('returns well-formed text unchanged, surrogate pairs included', () => {
    for (const text of ['', 'abc', 'capp.add', 'ünïcödé', `a${SMILEY}b`, SMILEY]) expect(wellFormed(text)).toBe(text);
  });

  it('replaces every lone surrogate with U+FFFD', () => {
    expect(wellFormed(`lone-${LONE_HIGH}`)).toBe('lone-\ufffd');
    expect(wellFormed(`${LONE_LOW}x`)).toBe('\ufffdx');
    expect(wellFormed(`${LONE_HIGH}x${LONE_LOW}`)).toBe('\ufffdx\ufffd');
    // the wrong order is two lone surrogates, not a pair
    expect(wellFormed(`${LONE_LOW}${LONE_HIGH}`)).toBe('\ufffd\ufffd');
    // a high surrogate before a complete pair is lone; the pair stays
    expect(wellFormed(`${LONE_HIGH}${SMILEY}`)).toBe(`\ufffd${SMILEY}`);
    expect(wellFormed(`${LONE_HIGH}${LONE_HIGH}`)).toBe('\ufffd\ufffd');
  });

  it('agrees with String.prototype.toWellFormed where the runtime has it', () => {
    const native = (String.prototype as { toWellFormed?: () => string }).toWellFormed;
    if (!native) return;
    // Strings from a fixed mix of code units that likes surrogates; a small LCG keeps the run repeatable.
    const units = [0x61, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00, 0xfffd, 0x2d];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const text = String.fromCharCode(...Array.from({ length: next() % 8 }, () => units[next() % units.length]!));
      expect(wellFormed(text)).toBe(native.call(text));
    }
  });
});

describe('ids in URLs', () => {
  it('encodes a lone surrogate where encodeURIComponent throws', () => {
    expect(() => encodeURIComponent(`lone-${LONE_HIGH}`)).toThrow(URIError);
    expect(idQuery('id', `lone-${LONE_HIGH}`).toString()).toBe('id=lone-%EF%BF%BD');
  });

  it('carries every character an id may hold in the query string', () => {
    for (const id of ['a/b\\c', '50%', 'what?', '#1', ' padded ', 'group:a/b c', '1+1', SMILEY, '__proto__']) {
      const query = idQuery('id', id).toString();
      expect(query).not.toMatch(/[/\\?#\s]/);
      expect(new URLSearchParams(query).get('id')).toBe(id);
    }
    expect(idQuery('hostname', 'w1@vm').toString()).toBe('hostname=w1%40vm');
  });
});
