import { anomalyClass, anomalyExplanation, anomalyLabel } from '../lib/anomalies';
import type { AnomalyType } from '../lib/types';

export function AnomalyBadge({ type, compact = false }: { type: AnomalyType; compact?: boolean }) {
  return (
    <span
      className={`badge anomaly ${anomalyClass(type)}${compact ? ' compact' : ''}`}
      data-testid="anomaly-badge"
      data-anomaly-type={type}
      title={anomalyExplanation(type)}
    >
      {anomalyLabel(type)}
    </span>
  );
}

/** The anomalies of one task or container; nothing when there are none. */
export function AnomalyBadges({ types, compact }: { types: readonly AnomalyType[] | undefined; compact?: boolean }) {
  if (!types || types.length === 0) return null;
  return (
    <span className="anomaly-badges">
      {types.map((t) => (
        <AnomalyBadge key={t} type={t} compact={compact} />
      ))}
    </span>
  );
}
