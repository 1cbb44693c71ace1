import { parseTime } from './format';

/** Why a From/To pair cannot be asked for, or null when it can (either end may be open). */
export function dateRangeError(from: string | undefined, to: string | undefined): string | null {
  const start = parseTime(from);
  const end = parseTime(to);
  if (start == null || end == null) return null;
  return start > end ? 'From is after To: choose a From before the To, or clear one of them.' : null;
}
