import { describe, expect, it } from 'vitest';
import {
  emptyGroupsMessage,
  groupActions,
  groupKey,
  groupName,
  openGroupsTitle,
  parseGroupTab,
  tabCount,
  triageBody,
} from './anomalyGroups';

const counts = { open: 2, acknowledged: 1, muted: 3, resolved: 4 };

describe('anomaly groups', () => {
  it('reads the tab from the URL, defaulting to open', () => {
    expect(parseGroupTab('resolved')).toBe('resolved');
    expect(parseGroupTab('all')).toBe('all');
    expect(parseGroupTab(undefined)).toBe('open');
    expect(parseGroupTab('OPEN')).toBe('open');
    expect(parseGroupTab('__proto__')).toBe('open');
    expect(parseGroupTab(3)).toBe('open');
  });

  it('counts each tab, All as the sum', () => {
    expect(tabCount(counts, 'open')).toBe(2);
    expect(tabCount(counts, 'muted')).toBe(3);
    expect(tabCount(counts, 'all')).toBe(10);
    expect(tabCount(undefined, 'open')).toBeUndefined();
  });

  it('offers the actions a status allows', () => {
    expect(groupActions('open')).toEqual(['acknowledge', 'mute']);
    expect(groupActions('acknowledged')).toEqual(['unacknowledge', 'mute']);
    expect(groupActions('muted')).toEqual(['unmute']);
    expect(groupActions('resolved')).toEqual(['mute']);
    // a status a newer server adds offers nothing rather than a wrong action
    expect(groupActions('snoozed' as never)).toEqual([]);
  });

  it('sends minutes only for a timed mute, and the unnamed group as null', () => {
    expect(JSON.parse(triageBody({ type: 'STUCK_STARTED', name: 'a.b' }, 60))).toEqual({ type: 'STUCK_STARTED', name: 'a.b', minutes: 60 });
    expect(JSON.parse(triageBody({ type: 'STUCK_STARTED', name: 'a.b' }, null))).toEqual({ type: 'STUCK_STARTED', name: 'a.b' });
    expect(JSON.parse(triageBody({ type: 'UNREGISTERED', name: null }))).toEqual({ type: 'UNREGISTERED', name: null });
  });

  it('keeps the unnamed group apart from a task literally named (unnamed)', () => {
    expect(groupKey({ type: 'UNREGISTERED', name: null })).not.toBe(groupKey({ type: 'UNREGISTERED', name: '' }));
    expect(groupName({ name: null })).toBe('(unnamed)');
    expect(groupName({ name: 'x.y' })).toBe('x.y');
  });

  it('says what is true when a tab is empty', () => {
    expect(emptyGroupsMessage('open', false, { open: 0, acknowledged: 0, muted: 0, resolved: 2 })).toMatch(/every task looks healthy/);
    expect(emptyGroupsMessage('open', false, { open: 0, acknowledged: 1, muted: 0, resolved: 0 })).toMatch(/acknowledged or muted/);
    expect(emptyGroupsMessage('open', true, undefined)).toMatch(/of these types/);
    expect(emptyGroupsMessage('resolved', false, counts)).toMatch(/retention/);
  });

  it('words the badge title in the singular for one', () => {
    expect(openGroupsTitle(1)).toBe('1 open anomaly group');
    expect(openGroupsTitle(2)).toBe('2 open anomaly groups');
  });
});
