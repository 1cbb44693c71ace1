import type { TaskState } from './types';

const RUNNING: ReadonlySet<string> = new Set(['STARTED', 'RECEIVED', 'RETRY']);
const TERMINAL: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'REVOKED', 'REJECTED']);

/** States in which a task is being worked on; edges into such tasks are animated. */
export function isRunning(state: string): boolean {
  return RUNNING.has(state);
}

export function isTerminal(state: string): boolean {
  return TERMINAL.has(state);
}

/** Lower-case token used for CSS classes (`state-success`) so colours live in one stylesheet. */
export function stateClass(state: TaskState | string): string {
  return `state-${state.toLowerCase()}`;
}
