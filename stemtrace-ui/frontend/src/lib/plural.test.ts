import { describe, expect, it } from 'vitest';
import { countOf } from './plural';

describe('countOf', () => {
  it('uses the singular for exactly one', () => {
    expect(countOf(1, 'task')).toBe('1 task');
    expect(countOf(1, 'task name')).toBe('1 task name');
    expect(countOf(1, 'anomaly', 'anomalies')).toBe('1 anomaly');
  });

  it('uses the plural for zero and for more than one', () => {
    expect(countOf(0, 'task')).toBe('0 tasks');
    expect(countOf(2, 'worker')).toBe('2 workers');
    expect(countOf(12, 'anomaly', 'anomalies')).toBe('12 anomalies');
  });
});
