import { ownValue } from './records';
import { ANOMALY_TYPES, type AnomalyType } from './types';

export const ANOMALY_LABEL: Record<AnomalyType, string> = {
  UNREGISTERED: 'unregistered',
  STUCK_PENDING: 'stuck pending',
  INTERRUPTED: 'interrupted',
  STUCK_STARTED: 'stuck started',
  CHORD_NOT_JOINED: 'chord not joined',
};

/** One sentence per type, shown as badge tooltips and in the task page callout. */
export const ANOMALY_EXPLANATION: Record<AnomalyType, string> = {
  UNREGISTERED: 'No known worker registers this task name, so no worker may ever pick it up.',
  STUCK_PENDING: 'The task was sent but no worker has received it for longer than the pending threshold.',
  INTERRUPTED: 'The worker running this task shut down before the task reached a final state.',
  STUCK_STARTED: 'The task started but has not finished for longer than the running threshold.',
  CHORD_NOT_JOINED: 'Every member of this chord has finished but its callback has not started.',
};

/** The label of a type the server reports; a type added by a newer server reads as its own name. */
export function anomalyLabel(type: AnomalyType): string {
  return ownValue(ANOMALY_LABEL, type) ?? String(type).toLowerCase();
}

/** The explanation of a type the server reports; none for a type this page does not know. */
export function anomalyExplanation(type: AnomalyType): string | undefined {
  return ownValue(ANOMALY_EXPLANATION, type);
}

/** Lower-case token for CSS classes (`anomaly-stuck_pending`), like stateClass for states. */
export function anomalyClass(type: AnomalyType): string {
  return `anomaly-${type.toLowerCase()}`;
}

/** Parses the `type` search parameter, dropping unknown names and keeping the canonical order. */
export function parseAnomalyTypes(raw: string | undefined): AnomalyType[] {
  if (!raw) return [];
  const wanted = new Set(raw.split(',').map((s) => s.trim().toUpperCase()));
  return ANOMALY_TYPES.filter((t) => wanted.has(t));
}
