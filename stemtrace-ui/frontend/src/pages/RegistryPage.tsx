import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { REGISTRY_PAGE_SIZE, registryQuery } from '../api';
import { RenderBoundary, tableCellsFrame } from '../components/ErrorBoundary';
import { Pager } from '../components/Pager';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { RelativeTime } from '../components/Time';
import { pageOffset } from '../lib/pages';
import { ownValue } from '../lib/records';
import type { RegistryStatus } from '../lib/types';
import { countOf } from '../lib/plural';

const route = getRouteApi('/registry');

const STATUS_LABEL: Record<RegistryStatus, string> = {
  active: 'active',
  never_run: 'never run',
  not_registered: 'not registered',
};

const STATUS_TITLE: Record<RegistryStatus, string> = {
  active: 'Registered by a worker and has run',
  never_run: 'Registered by a worker but no run was seen',
  not_registered: 'Runs were seen but no known worker registers this name',
};

const registryRowFrame = tableCellsFrame(6);

export function RegistryPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [text, setText] = useState(search.q ?? '');
  useEffect(() => setText(search.q ?? ''), [search.q]);
  useEffect(() => {
    if (text === (search.q ?? '')) return;
    const t = setTimeout(() => void navigate({ search: (s) => ({ ...s, q: text || undefined, page: undefined }), replace: true }), 250);
    return () => clearTimeout(t);
  }, [text, search.q, navigate]);

  const page = search.page ?? 1;
  const query = useQuery(registryQuery(search.q ?? '', search.status ?? '', pageOffset(page, REGISTRY_PAGE_SIZE)));
  return (
    <section className="page">
      <div className="page-head">
        <h1>Registry</h1>
        {query.data && <span className="muted">{countOf(query.data.total, 'task name')}</span>}
      </div>
      <div className="filters">
        <input
          type="search"
          className="input"
          placeholder="Search task name"
          aria-label="Search task name"
          data-testid="registry-search"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <div className="segmented" role="group" aria-label="Status">
          <button type="button" className={search.status ? '' : 'active'} aria-pressed={!search.status} onClick={() => void navigate({ search: (s) => ({ ...s, status: undefined, page: undefined }) })}>
            All
          </button>
          {(Object.keys(STATUS_LABEL) as RegistryStatus[]).map((s) => (
            <button
              key={s}
              type="button"
              className={search.status === s ? 'active' : ''}
              aria-pressed={search.status === s}
              onClick={() => void navigate({ search: (p) => ({ ...p, status: s, page: undefined }) })}
            >
              {STATUS_LABEL[s]}
            </button>
          ))}
        </div>
      </div>
      {query.data && (
        <Pager
          what="task names"
          page={page}
          pageSize={REGISTRY_PAGE_SIZE}
          offset={query.data.offset}
          shown={query.data.tasks.length}
          total={query.data.total}
          onPage={(next) => void navigate({ search: (s) => ({ ...s, page: next === 1 ? undefined : next }) })}
        />
      )}
      {query.isPending ? (
        <Loading what="registry" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.tasks.length === 0 ? (
        <Empty>
          {query.data.total > 0 ? 'No task name on this page.' : search.q || search.status ? 'No task name matches.' : 'No task names known yet.'}
        </Empty>
      ) : (
        <table className="grid-table registry-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Signature</th>
              <th>Registered by</th>
              <th className="num">Runs</th>
              <th>Last run</th>
            </tr>
          </thead>
          <tbody>
            {query.data.tasks.map((t) => (
              <RenderBoundary key={t.name} what={`task name ${t.name}`} resetKey={t} frame={registryRowFrame}>
                <tr data-testid="registry-row" data-name={t.name}>
                  <td>
                    <Link to="/" search={{ name: t.name }} className="mono" title="Show runs of this task">
                      {t.name}
                    </Link>
                    {t.docstring && <div className="muted small">{t.docstring}</div>}
                  </td>
                  <td>
                    <span className={`badge reg-${t.status}`} title={ownValue(STATUS_TITLE, t.status)}>
                      {ownValue(STATUS_LABEL, t.status) ?? t.status}
                    </span>
                  </td>
                  <td className="mono small">{t.signature ?? <span className="muted">—</span>}</td>
                  <td className="mono small">{t.registered_by.length ? t.registered_by.join(', ') : <span className="muted">—</span>}</td>
                  <td className="num mono">{t.execution_count}</td>
                  <td className="muted">{t.last_run ? <RelativeTime iso={t.last_run} /> : '—'}</td>
                </tr>
              </RenderBoundary>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
