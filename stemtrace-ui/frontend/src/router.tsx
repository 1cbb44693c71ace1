import { useQuery } from '@tanstack/react-query';
import { type ErrorComponentProps, Link, Outlet, createRootRoute, createRoute, createRouter, redirect, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';
import { openAnomalyGroupsQuery } from './api';
import { type GroupTab, openGroupsTitle, parseGroupTab } from './lib/anomalyGroups';
import { BrokerBanner } from './components/BrokerBanner';
import { ConnectionIndicator } from './components/ConnectionIndicator';
import { HeaderSearch } from './components/HeaderSearch';
import { RenderBoundary, pageError } from './components/ErrorBoundary';
import { SignOutButton } from './components/SignOutButton';
import { BASE } from './env';
import { parsePage } from './lib/pages';
import { idSearch, parseIdSearch, parseSearch, stringifySearch } from './lib/search';
import { type StatsPeriodSearch, parseStatsSearch } from './lib/stats';
import { pageTitle } from './lib/titles';
import { AnomaliesPage } from './pages/AnomaliesPage';
import { GraphPage } from './pages/GraphPage';
import { GraphsPage } from './pages/GraphsPage';
import { RegistryPage } from './pages/RegistryPage';
import { StatsPage } from './pages/StatsPage';
import { TaskPage } from './pages/TaskPage';
import { TasksPage } from './pages/TasksPage';
import { WorkersPage } from './pages/WorkersPage';
import type { RegistryStatus } from './lib/types';

/** Nav entry with the number of open anomaly groups; the count stays quiet until there is one. */
function AnomaliesNavLink() {
  const count = useQuery(openAnomalyGroupsQuery()).data ?? 0;
  return (
    <Link to="/anomalies" data-testid="nav-anomalies">
      Anomalies
      {count > 0 && (
        <span className="nav-count" data-testid="anomaly-count" title={openGroupsTitle(count)} aria-label={openGroupsTitle(count)}>
          {count}
        </span>
      )}
    </Link>
  );
}

/** The header with the navigation; its live parts fail on their own, so the links always stay. */
function TopBar() {
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        stemtrace
      </Link>
      <nav className="nav">
        <Link to="/" activeOptions={{ exact: true, includeSearch: false }}>
          Tasks
        </Link>
        <Link to="/graphs" activeOptions={{ includeSearch: false }}>
          Workflows
        </Link>
        <Link to="/workers">Workers</Link>
        <Link to="/registry">Registry</Link>
        <RenderBoundary what="the anomaly count" frame={() => <Link to="/anomalies">Anomalies</Link>}>
          <AnomaliesNavLink />
        </RenderBoundary>
        <Link to="/stats">Statistics</Link>
      </nav>
      <RenderBoundary what="the search box" frame={() => null}>
        <HeaderSearch />
      </RenderBoundary>
      <RenderBoundary what="the connection state" frame={() => null}>
        <ConnectionIndicator />
      </RenderBoundary>
      <RenderBoundary what="the sign-out button" frame={() => null}>
        <SignOutButton />
      </RenderBoundary>
    </header>
  );
}

/** Keeps the tab's title on the page shown: `Tasks · stemtrace`, `Workflow <id> · stemtrace`. */
function DocumentTitle() {
  const title = useRouterState({
    select: (state) => {
      const page = state.matches[state.matches.length - 1];
      return pageTitle(page?.routeId ?? '', (page?.search ?? {}) as { id?: unknown });
    },
  });
  useEffect(() => {
    document.title = title;
  }, [title]);
  return null;
}

/** The broker banner; a failure to draw it costs only the banner. */
function BrokerState() {
  return (
    <RenderBoundary what="the broker state" frame={() => null}>
      <BrokerBanner />
    </RenderBoundary>
  );
}

function Shell() {
  return (
    <div className="app">
      <DocumentTitle />
      <TopBar />
      <BrokerState />
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}

const ShellError = pageError('this page');

/** Stands in for the shell when something outside every page failed, navigation included. */
function AppError(props: ErrorComponentProps) {
  return (
    <div className="app">
      <TopBar />
      <BrokerState />
      <main className="content">
        <ShellError {...props} />
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <div className="status status-empty">
      Nothing here. <Link to="/">Back to tasks</Link>
    </div>
  );
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface TasksSearch {
  /** Comma separated states. */
  state?: string;
  name?: string;
  /** ISO timestamps bounding first_seen. */
  from?: string;
  to?: string;
  view?: 'timeline';
  /** A search in Flower's syntax, from the header's search box. */
  q?: string;
}

/** The workflow list's filters; `state=FAILURE` is the failed view. */
export interface GraphsSearch {
  /** Comma separated states. */
  state?: string;
  name?: string;
  /** ISO timestamps bounding first_seen. */
  from?: string;
  to?: string;
}

export interface RegistrySearch {
  q?: string;
  status?: RegistryStatus;
  /** 1-based; absent on the first page. */
  page?: number;
}

export interface WorkersSearch {
  /** 1-based; absent on the first page. */
  page?: number;
}

export interface AnomaliesSearch {
  /** Comma separated anomaly types. */
  type?: string;
  /** The status tab; absent is Open. */
  status?: GroupTab;
}

/** `window` in minutes (the page's default when absent), or a `from`/`to` range of ISO instants. */
export type StatsSearch = StatsPeriodSearch;

// Every page has its own error component, inside the shell: a page that fails to render leaves the
// navigation working. The root's stands in for the shell itself.
const rootRoute = createRootRoute({ component: Shell, errorComponent: AppError, notFoundComponent: NotFound });

const tasksRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  component: TasksPage,
  errorComponent: pageError('the task list'),
  validateSearch: (s: Record<string, unknown>): TasksSearch => ({
    state: str(s.state),
    name: str(s.name),
    from: str(s.from),
    to: str(s.to),
    view: s.view === 'timeline' ? 'timeline' : undefined,
    q: str(s.q),
  }),
});

const graphsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/graphs',
  component: GraphsPage,
  errorComponent: pageError('the workflow list'),
  validateSearch: (s: Record<string, unknown>): GraphsSearch => ({
    state: str(s.state),
    name: str(s.name),
    from: str(s.from),
    to: str(s.to),
  }),
});
// A task or workflow is named in the search (/task?id=...), not the path: the server refuses an encoded
// slash, backslash or percent sign in a path, and ids may hold all three.
const graphRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/graph',
  component: GraphPage,
  errorComponent: pageError('this workflow'),
  validateSearch: parseIdSearch,
});
const taskRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/task',
  component: TaskPage,
  errorComponent: pageError('this task'),
  validateSearch: parseIdSearch,
});
// The earlier path forms, which links to plain ids still use.
const legacyGraphRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/graph/$rootId',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/graph', search: idSearch(params.rootId), replace: true });
  },
});
const legacyTaskRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/tasks/$taskId',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/task', search: idSearch(params.taskId), replace: true });
  },
});
const workersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/workers',
  component: WorkersPage,
  errorComponent: pageError('the workers'),
  validateSearch: (s: Record<string, unknown>): WorkersSearch => ({ page: parsePage(s.page) }),
});
const registryRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/registry',
  component: RegistryPage,
  errorComponent: pageError('the registry'),
  validateSearch: (s: Record<string, unknown>): RegistrySearch => {
    const status = s.status === 'active' || s.status === 'never_run' || s.status === 'not_registered' ? s.status : undefined;
    return { q: str(s.q), status, page: parsePage(s.page) };
  },
});

const anomaliesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/anomalies',
  component: AnomaliesPage,
  errorComponent: pageError('the anomalies'),
  validateSearch: (s: Record<string, unknown>): AnomaliesSearch => {
    const status = parseGroupTab(s.status);
    return { type: str(s.type), status: status === 'open' ? undefined : status };
  },
});
const statsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/stats',
  component: StatsPage,
  errorComponent: pageError('the statistics'),
  validateSearch: (s: Record<string, unknown>): StatsSearch => parseStatsSearch(s),
});

const routeTree = rootRoute.addChildren([
  tasksRoute,
  graphsRoute,
  graphRoute,
  taskRoute,
  legacyGraphRoute,
  legacyTaskRoute,
  workersRoute,
  registryRoute,
  anomaliesRoute,
  statsRoute,
]);

export const router = createRouter({ routeTree, basepath: BASE || '/', defaultPreload: false, parseSearch, stringifySearch });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
