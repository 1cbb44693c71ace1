import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { Fragment, useMemo, useState } from 'react';
import { GROUP_MEMBERS_LIMIT, anomalyGroupMembersQuery, anomalyGroupsQuery, triageGroup } from '../api';
import { AnomalyBadge } from '../components/AnomalyBadge';
import { RenderBoundary, tableCellsFrame } from '../components/ErrorBoundary';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { RelativeTime } from '../components/Time';
import { ANOMALY_EXPLANATION, ANOMALY_LABEL, anomalyClass, parseAnomalyTypes } from '../lib/anomalies';
import {
  GROUP_TABS,
  GROUP_TAB_LABEL,
  type GroupAction,
  type GroupTab,
  MUTE_CHOICES,
  emptyGroupsMessage,
  groupActions,
  groupKey,
  groupName,
  tabCount,
} from '../lib/anomalyGroups';
import { formatDateTime } from '../lib/format';
import { idSearch } from '../lib/search';
import { ANOMALY_TYPES, type Anomaly, type AnomalyGroup, type AnomalyType } from '../lib/types';

const route = getRouteApi('/anomalies');

const GROUP_COLUMNS = 8;
const groupRowFrame = tableCellsFrame(GROUP_COLUMNS);

/** Full ids: a group's tasks often share a prefix, so shortened ids would read alike. A chord that did not join has no task of its own to open; its workflow graph shows the container. */
function SubjectLink({ anomaly }: { anomaly: Anomaly }) {
  if (anomaly.type === 'CHORD_NOT_JOINED') {
    return (
      <Link to="/graph" search={idSearch(anomaly.workflow_id)} className="mono" title={`Workflow ${anomaly.workflow_id}`}>
        {anomaly.task_id}
      </Link>
    );
  }
  return (
    <Link to="/task" search={idSearch(anomaly.task_id)} className="mono" title={anomaly.task_id}>
      {anomaly.task_id}
    </Link>
  );
}

/** The group's anomalies raised now; a resolved group has none, and says so. */
function GroupMembers({ group }: { group: AnomalyGroup }) {
  const query = useQuery(anomalyGroupMembersQuery(group));
  if (query.isPending) return <Loading what="the anomalies of this group" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const { anomalies, total } = query.data;
  if (anomalies.length === 0) {
    return <Empty>None raised now{group.resolved_at ? `: resolved ${formatDateTime(group.resolved_at)}` : ''}.</Empty>;
  }
  return (
    <>
      <table className="grid-table anomaly-members" data-testid="anomaly-members">
        <thead>
          <tr>
            <th>Id</th>
            <th>Since</th>
            <th>Worker</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {anomalies.map((a) => (
            <tr key={`${a.type}:${a.task_id}`} data-testid="anomaly-row" data-anomaly-type={a.type} data-task-id={a.task_id}>
              <td className="member-id">
                <SubjectLink anomaly={a} />
              </td>
              <td className="muted small nowrap" title={`since ${formatDateTime(a.since)}, detected ${formatDateTime(a.detected_at)}`}>
                <RelativeTime iso={a.since} />
              </td>
              <td className="mono small">{a.worker ?? <span className="muted">—</span>}</td>
              <td className="small">{a.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > anomalies.length && (
        <p className="muted small">
          The {GROUP_MEMBERS_LIMIT} longest-standing of {total} are shown.
        </p>
      )}
    </>
  );
}

/** When the group's state began, in the words of its status. */
function StatusCell({ group }: { group: AnomalyGroup }) {
  let since: string | null = null;
  let detail = '';
  if (group.status === 'muted') {
    since = group.muted_at;
    detail = group.muted_until ? `until ${formatDateTime(group.muted_until)}` : 'until unmuted';
  } else if (group.status === 'acknowledged') {
    since = group.acknowledged_at;
  } else if (group.status === 'resolved') {
    since = group.resolved_at;
  }
  return (
    <td className="nowrap" data-testid="anomaly-group-status" data-status={group.status}>
      <span className={`badge group-status group-${group.status}`}>{group.status}</span>
      {since && (
        <span className="muted small">
          {' '}
          <RelativeTime iso={since} />
        </span>
      )}
      {detail && <div className="muted small">{detail}</div>}
    </td>
  );
}

const ACTION_LABEL: Record<Exclude<GroupAction, 'mute'>, string> = {
  acknowledge: 'Acknowledge',
  unacknowledge: 'Unacknowledge',
  unmute: 'Unmute',
};

function GroupActions({ group, busy, onAction }: { group: AnomalyGroup; busy: boolean; onAction: (action: GroupAction, minutes?: number | null) => void }) {
  return (
    <td className="nowrap">
      <div className="group-actions">
        {groupActions(group.status).map((action) =>
          action === 'mute' ? (
            <select
              key="mute"
              className="button ghost"
              aria-label={`Mute ${groupName(group)}`}
              data-testid="anomaly-group-mute"
              disabled={busy}
              value=""
              onChange={(e) => {
                const choice = MUTE_CHOICES[Number(e.currentTarget.value)];
                if (choice) onAction('mute', choice.minutes);
              }}
            >
              <option value="" disabled>
                Mute…
              </option>
              {MUTE_CHOICES.map((c, i) => (
                <option key={c.label} value={i}>
                  {c.label}
                </option>
              ))}
            </select>
          ) : (
            <button key={action} type="button" className="button ghost" data-testid={`anomaly-group-${action}`} disabled={busy} onClick={() => onAction(action)}>
              {ACTION_LABEL[action]}
            </button>
          ),
        )}
      </div>
    </td>
  );
}

function GroupRow({ group, expanded, onToggle }: { group: AnomalyGroup; expanded: boolean; onToggle: () => void }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const membersId = `anomaly-members-${groupKey(group).replace(/[^A-Za-z0-9_-]/g, '_')}`;

  const act = async (action: GroupAction, minutes?: number | null) => {
    setBusy(true);
    setError(null);
    try {
      await triageGroup(action, group, minutes);
      // the row moves to another tab and every count changes: ask for all of them again
      await queryClient.invalidateQueries({ queryKey: ['anomalies'] });
    } catch (e) {
      setError(`Could not ${action} ${groupName(group)}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <tr data-testid="anomaly-group-row" data-anomaly-type={group.type} data-name={group.name ?? ''} data-status={group.status}>
        <td className="nowrap">
          <button
            type="button"
            className="expander"
            aria-expanded={expanded}
            aria-controls={membersId}
            aria-label={`${expanded ? 'Hide' : 'Show'} the anomalies of ${groupName(group)}`}
            data-testid="anomaly-group-expand"
            onClick={onToggle}
          >
            {expanded ? '▾' : '▸'}
          </button>{' '}
          <AnomalyBadge type={group.type} />
        </td>
        <td className={group.name === null ? 'muted' : 'mono'} data-testid="anomaly-group-name">
          {groupName(group)}
        </td>
        <StatusCell group={group} />
        <td className="num" data-testid="anomaly-group-open" data-value={group.open}>
          {group.open}
        </td>
        <td className="num" data-testid="anomaly-group-occurrences" data-value={group.occurrences}>
          {group.occurrences}
        </td>
        <td className="muted small nowrap">
          <RelativeTime iso={group.first_seen} />
        </td>
        <td className="muted small nowrap">
          <RelativeTime iso={group.last_seen} />
        </td>
        <GroupActions group={group} busy={busy} onAction={(a, m) => void act(a, m)} />
      </tr>
      {error && (
        <tr className="group-error-row">
          <td colSpan={GROUP_COLUMNS}>
            <span className="inline-error" role="alert" data-testid="anomaly-group-error">
              {error}
            </span>
          </td>
        </tr>
      )}
      {expanded && (
        <tr className="group-members-row" id={membersId}>
          <td colSpan={GROUP_COLUMNS}>
            <GroupMembers group={group} />
          </td>
        </tr>
      )}
    </>
  );
}

export function AnomaliesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const types = useMemo(() => parseAnomalyTypes(search.type), [search.type]);
  const tab: GroupTab = search.status ?? 'open';
  const query = useInfiniteQuery(anomalyGroupsQuery(types, tab));
  const groups = useMemo(() => query.data?.pages.flatMap((p) => p.groups) ?? [], [query.data]);
  const first = query.data?.pages[0];
  const counts = first?.counts;
  const total = first?.total ?? 0;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const toggleType = (type: AnomalyType) => {
    const next = types.includes(type) ? types.filter((t) => t !== type) : [...types, type];
    void navigate({ search: (s) => ({ ...s, type: next.length ? next.join(',') : undefined }) });
  };
  const toggleExpanded = (key: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  return (
    <section className="page">
      <div className="page-head">
        <h1>Anomalies</h1>
        <div className="segmented" role="tablist" aria-label="Status">
          {GROUP_TABS.map((t) => {
            const n = tabCount(counts, t);
            return (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                className={tab === t ? 'active' : ''}
                data-testid={`anomaly-tab-${t}`}
                data-count={n ?? ''}
                onClick={() => void navigate({ search: (s) => ({ ...s, status: t === 'open' ? undefined : t }) })}
              >
                {GROUP_TAB_LABEL[t]}
                {n !== undefined && <span className="tab-count">{n}</span>}
              </button>
            );
          })}
        </div>
      </div>
      <div className="filters">
        <div className="chips" role="group" aria-label="Anomaly types">
          {ANOMALY_TYPES.map((t) => (
            <button
              key={t}
              type="button"
              className={`chip ${anomalyClass(t)} ${types.includes(t) ? 'on' : ''}`}
              aria-pressed={types.includes(t)}
              title={ANOMALY_EXPLANATION[t]}
              data-testid="anomaly-filter"
              data-anomaly-type={t}
              onClick={() => toggleType(t)}
            >
              {ANOMALY_LABEL[t]}
            </button>
          ))}
        </div>
        {types.length > 0 && (
          <Link to="/anomalies" search={{ status: search.status }} className="button ghost">
            Clear
          </Link>
        )}
      </div>

      {query.isPending ? (
        <Loading what="anomaly groups" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : groups.length === 0 ? (
        <Empty>{emptyGroupsMessage(tab, types.length > 0, counts)}</Empty>
      ) : (
        <div className="table-scroll">
          <table className="grid-table anomaly-table" data-testid="anomaly-groups">
            <thead>
              <tr>
                <th>Type</th>
                <th>Task</th>
                <th>Status</th>
                <th className="num" title="Raised now">
                  Open
                </th>
                <th className="num" title="Raised since the group appeared">
                  Seen
                </th>
                <th>First seen</th>
                <th>Last seen</th>
                <th>Triage</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => {
                const key = groupKey(g);
                return (
                  <RenderBoundary key={key} what={`the ${g.type} group of ${groupName(g)}`} resetKey={g} frame={groupRowFrame}>
                    <Fragment>
                      <GroupRow group={g} expanded={expanded.has(key)} onToggle={() => toggleExpanded(key)} />
                    </Fragment>
                  </RenderBoundary>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {query.hasNextPage && (
        <div className="list-foot">
          <button type="button" className="button ghost" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {query.isFetchingNextPage ? 'Loading…' : `Load more (${groups.length} of ${total})`}
          </button>
        </div>
      )}
    </section>
  );
}
