import type { AnomalyGroup, AnomalyGroupStatus } from './types';

/** The tabs of the anomalies page, in the order the server sorts groups. */
export const GROUP_TABS = ['open', 'acknowledged', 'muted', 'resolved', 'all'] as const;
export type GroupTab = (typeof GROUP_TABS)[number];

export const GROUP_TAB_LABEL: Record<GroupTab, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  muted: 'Muted',
  resolved: 'Resolved',
  all: 'All',
};

/** The `status` search parameter; anything else (or nothing) is the Open tab, where triage starts. */
export function parseGroupTab(raw: unknown): GroupTab {
  return typeof raw === 'string' && (GROUP_TABS as readonly string[]).includes(raw) ? (raw as GroupTab) : 'open';
}

export type GroupCounts = Record<AnomalyGroupStatus, number>;

/** The number a tab shows; All is the sum, since the server counts each status once. */
export function tabCount(counts: GroupCounts | undefined, tab: GroupTab): number | undefined {
  if (!counts) return undefined;
  if (tab === 'all') return counts.open + counts.acknowledged + counts.muted + counts.resolved;
  return counts[tab];
}

export type GroupAction = 'acknowledge' | 'unacknowledge' | 'mute' | 'unmute';

/** What a person can do with a group in its status: a muted group only unmutes. */
export function groupActions(status: AnomalyGroupStatus): GroupAction[] {
  switch (status) {
    case 'open':
      return ['acknowledge', 'mute'];
    case 'acknowledged':
      return ['unacknowledge', 'mute'];
    case 'muted':
      return ['unmute'];
    case 'resolved':
      return ['mute'];
    default:
      return [];
  }
}

/** Mute lengths offered; null mutes until someone unmutes. */
export const MUTE_CHOICES: ReadonlyArray<{ label: string; minutes: number | null }> = [
  { label: 'for 1 hour', minutes: 60 },
  { label: 'for 24 hours', minutes: 24 * 60 },
  { label: 'until unmuted', minutes: null },
];

/** The body of a triage call; `minutes` only for a timed mute. */
export function triageBody(group: Pick<AnomalyGroup, 'type' | 'name'>, minutes?: number | null): string {
  const body: Record<string, unknown> = { type: group.type, name: group.name };
  if (minutes != null) body.minutes = minutes;
  return JSON.stringify(body);
}

/** A stable key for a group: the type's unnamed group has a null name. */
export function groupKey(group: Pick<AnomalyGroup, 'type' | 'name'>): string {
  return group.name === null ? `${group.type}\u0001` : `${group.type}\u0000${group.name}`;
}

/** How the name column reads; the unnamed group says so rather than showing an empty cell. */
export function groupName(group: Pick<AnomalyGroup, 'name'>): string {
  return group.name ?? '(unnamed)';
}

/** The empty state of a tab, saying what is true for it. */
export function emptyGroupsMessage(tab: GroupTab, filtered: boolean, counts: GroupCounts | undefined): string {
  const scope = filtered ? ' of these types' : '';
  switch (tab) {
    case 'open': {
      const handled = counts ? counts.acknowledged + counts.muted : 0;
      return handled > 0
        ? `No open anomaly group${scope}: the others are acknowledged or muted.`
        : `No open anomaly group${scope}: every task looks healthy.`;
    }
    case 'acknowledged':
      return `No acknowledged anomaly group${scope}.`;
    case 'muted':
      return `No muted anomaly group${scope}.`;
    case 'resolved':
      return `No resolved anomaly group${scope} within the retention period.`;
    default:
      return `No anomaly group${scope}: every task looks healthy.`;
  }
}

/** The badge's tooltip. */
export function openGroupsTitle(count: number): string {
  return `${count} open anomaly group${count === 1 ? '' : 's'}`;
}
