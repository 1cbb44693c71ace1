import { describe, expect, it } from 'vitest';
import { pageCount, pageOffset, pageRange, parsePage } from './pages';

describe('pages', () => {
  it('reads a positive page number from the URL; the first page is the default', () => {
    expect(parsePage('3')).toBe(3);
    expect(parsePage(4)).toBe(4);
    for (const raw of [undefined, '', '1', '0', '-2', '2.5', '1e3', ' 2', 'x', '01', '9999999999', null]) {
      expect(parsePage(raw)).toBeUndefined();
    }
  });

  it('turns pages into offsets', () => {
    expect(pageOffset(undefined, 50)).toBe(0);
    expect(pageOffset(3, 100)).toBe(200);
  });

  it('counts pages, at least one', () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
    expect(pageCount(100_000, 100)).toBe(1000);
  });

  it('describes the range a page shows', () => {
    expect(pageRange(0, 50, 120)).toBe('1–50 of 120');
    expect(pageRange(100, 20, 120)).toBe('101–120 of 120');
    expect(pageRange(0, 0, 0)).toBe('0 of 0');
    expect(pageRange(200, 0, 120)).toBe('0 of 120');
  });
});
