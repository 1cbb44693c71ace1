import { describe, expect, it } from 'vitest';
import { anomalyClass, parseAnomalyTypes } from './anomalies';

describe('anomaly types', () => {
  it('parses the type filter into canonical order, dropping unknown names', () => {
    expect(parseAnomalyTypes(undefined)).toEqual([]);
    expect(parseAnomalyTypes('CHORD_NOT_JOINED,unregistered,BOGUS')).toEqual(['UNREGISTERED', 'CHORD_NOT_JOINED']);
  });

  it('builds CSS class tokens', () => {
    expect(anomalyClass('STUCK_PENDING')).toBe('anomaly-stuck_pending');
  });
});
