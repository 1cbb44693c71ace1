import { stateClass } from '../lib/states';

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge ${stateClass(state)}`}>{state}</span>;
}
