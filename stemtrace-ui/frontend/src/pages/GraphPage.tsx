import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { Background, Controls, type Edge, MarkerType, ReactFlow, type ReactFlowInstance } from '@xyflow/react';
import { type KeyboardEvent, useCallback, useMemo, useRef, useState } from 'react';
import { graphExportUrl, graphQuery } from '../api';
import { RenderBoundary } from '../components/ErrorBoundary';
import { type FlowNode, nodeTypes } from '../components/GraphNodes';
import { GraphSidePanel } from '../components/GraphSidePanel';
import { WorkflowDuration } from '../components/WorkflowDuration';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { StateBadge } from '../components/StateBadge';
import { DateTime } from '../components/Time';
import { shortId } from '../lib/format';
import { type GraphModel, buildGraphModel, graphNode, nodesById } from '../lib/graphModel';
import { layoutGraph } from '../lib/layout';
import { idSearch } from '../lib/search';
import { type GraphResponse, type GraphSummary, TASK_STATES, type TaskNode } from '../lib/types';
import { stateClass } from '../lib/states';
import { countOf } from '../lib/plural';
import { TaskGantt } from './TaskGantt';

const route = getRouteApi('/graph');

/** Height of the canvas for a small drawing: enough for it at a readable zoom, not a screenful of nothing. */
const CANVAS_MIN_HEIGHT = 240;
const CANVAS_PADDING = 120;
/** The largest zoom fitting the view may use: a lone node reads well without filling the page. */
const FIT_MAX_ZOOM = 1.5;

/** The side panel's width (styles.css `.graph-panel`). */
const PANEL_WIDTH = 340;

const edgeColor = (kind: 'chain' | 'spawn') => (kind === 'chain' ? 'var(--edge-chain)' : 'var(--edge-spawn)');

/** The laid-out graph; a failure in here leaves the page head with its links in place. */
function GraphCanvas({
  model,
  onToggle,
  onOpen,
}: {
  model: GraphModel;
  onToggle: (id: string) => void;
  onOpen: (id: string) => void;
}) {
  const layout = useMemo(() => layoutGraph(model), [model]);

  const nodes: FlowNode[] = useMemo(
    () =>
      layout.nodes.map((n): FlowNode => {
        const common = {
          id: n.id,
          position: { x: n.x, y: n.y },
          parentId: n.parentId,
          width: n.width,
          height: n.height,
          // Containers sit below their members and edges so clicks reach the tasks inside.
          zIndex: n.item.kind === 'container' ? -1 : undefined,
          // Tasks and aggregates take the keyboard focus (Enter opens them); frames do not.
          focusable: n.item.kind !== 'container',
          ariaLabel: n.item.kind === 'task' ? `${n.item.node.name} ${n.item.node.state}` : undefined,
        };
        const { depth } = n.item;
        if (n.item.kind === 'task') return { ...common, type: 'task', data: { task: n.item.node, depth } };
        if (n.item.kind === 'aggregate') {
          return { ...common, type: 'aggregate', data: { container: n.item.node, summary: n.item.summary, depth } };
        }
        const { node, collapsible, counts } = n.item;
        return { ...common, type: 'container', data: { container: node, collapsible, onToggle, depth, counts } };
      }),
    [layout, onToggle],
  );

  const edges: Edge[] = useMemo(
    () =>
      layout.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        animated: e.running,
        className: `edge-${e.kind}${e.running ? ' edge-running' : ''}`,
        // The direction of every link shows: a step runs after its source, a child was spawned by it.
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: edgeColor(e.kind) },
        data: { kind: e.kind },
        // Edges are not interactive; skipping the wide invisible hit path halves the SVG paths.
        interactionWidth: 0,
      })),
    [layout],
  );

  const flow = useRef<ReactFlowInstance<FlowNode, Edge> | null>(null);
  const canvas = useRef<HTMLDivElement>(null);
  // The side panel covers the canvas's right side: a node opened under it slides into view to its left.
  const reveal = useCallback((id: string) => {
    const instance = flow.current;
    const box = canvas.current?.getBoundingClientRect();
    const internal = instance?.getInternalNode(id);
    if (!instance || !box || !internal) return;
    const { x } = instance.getViewport();
    const right = instance.flowToScreenPosition({
      x: internal.internals.positionAbsolute.x + (internal.measured.width ?? 0),
      y: internal.internals.positionAbsolute.y,
    }).x;
    const visibleRight = box.right - Math.min(PANEL_WIDTH, box.width - 16) - 24;
    if (right > visibleRight) {
      void instance.setViewport({ ...instance.getViewport(), x: x - (right - visibleRight) }, { duration: 200 });
    }
  }, []);
  const open = useCallback(
    (node: FlowNode) => {
      if (node.type === 'task') {
        onOpen(node.id);
        reveal(node.id);
      } else if (node.type === 'aggregate') onToggle(node.id);
    },
    [onOpen, onToggle, reveal],
  );
  const onNodeClick = useCallback((_: unknown, node: FlowNode) => open(node), [open]);
  const byId = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  // React Flow focuses the node's wrapper, which carries the node id; Enter does what a click does.
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key !== 'Enter') return;
      const wrapper = (e.target as HTMLElement).closest?.('.react-flow__node');
      const id = wrapper?.getAttribute('data-id');
      const node = id != null ? byId.get(id) : undefined;
      if (!node) return;
      e.preventDefault();
      open(node);
    },
    [byId, open],
  );

  // A small drawing gets a canvas its size, so a lone task is not a speck in an empty screen.
  const height = Math.max(CANVAS_MIN_HEIGHT, Math.ceil(layout.height * FIT_MAX_ZOOM + CANVAS_PADDING));
  return (
    <div
      ref={canvas}
      className="graph-canvas"
      data-testid="graph-canvas"
      data-drawn-count={nodes.length}
      style={{ height: `min(calc(100vh - 170px), ${height}px)`, minHeight: Math.min(height, 520) }}
      onKeyDown={onKeyDown}
    >
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        onInit={(instance) => {
          flow.current = instance;
        }}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        nodesFocusable
        // Every node stays in the DOM (onlyRenderVisibleElements is off): find-in-page works and
        // browser tests can see each node; the layout keeps 2 000 nodes within budget regardless.
        onlyRenderVisibleElements={false}
        fitView
        fitViewOptions={{ padding: 0.1, maxZoom: FIT_MAX_ZOOM }}
        minZoom={0.02}
        maxZoom={2}
        colorMode="system"
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** The summary the server sent with the graph; for an older server, one read off the root node. */
function summaryOf(graph: GraphResponse): GraphSummary | null {
  if (graph.workflow) return graph.workflow;
  const root = graphNode(graph, graph.root_id);
  if (!root) return null;
  return {
    task_id: root.task_id,
    root_id: graph.root_id,
    node_type: root.node_type,
    name: root.name,
    state: root.state,
    task_count: 0,
    first_seen: root.first_seen,
    last_updated: root.last_updated,
    duration_ms: root.duration_ms,
  };
}

type GraphTab = 'graph' | 'timeline';

export function GraphPage() {
  const { id: rootId } = route.useSearch();
  const query = useQuery({ ...graphQuery(rootId), enabled: rootId !== '' });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());

  const toggle = useCallback((id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);

  // Model and layout only change with the response or the expanded set; live refetches that return
  // the same graph are cheap because structural sharing keeps structurally equal data referentially equal.
  const model = useMemo(() => (query.data ? buildGraphModel(query.data, expanded) : null), [query.data, expanded]);
  const [tab, setTab] = useState<GraphTab>('graph');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const close = useCallback(() => setSelectedId(null), []);
  const tasks = useMemo(
    // oldest first, as a timeline reads
    () =>
      query.data
        ? [...nodesById(query.data).values()]
            .filter((n): n is TaskNode => n.node_type === 'TASK')
            .sort((a, b) => (a.first_seen < b.first_seen ? -1 : a.first_seen > b.first_seen ? 1 : 0))
        : [],
    [query.data],
  );

  if (rootId === '') return <Empty>No workflow id in the address (/graph?id=...).</Empty>;
  if (query.isPending) return <Loading what="workflow" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;

  const root = graphNode(query.data, query.data.root_id);
  const rootIsTask = root?.node_type === 'TASK';
  const summary = summaryOf(query.data);
  const selected = selectedId != null ? graphNode(query.data, selectedId) : undefined;
  return (
    <section className="page graph-page">
      <div className="page-head">
        <h1>
          <Link to="/graphs" className="muted">
            Workflows
          </Link>{' '}
          / {root ? (rootIsTask ? root.name : root.node_type) : shortId(rootId)}
        </h1>
        {summary && <StateBadge state={summary.state} />}
        <span className="muted mono">{shortId(rootId)}</span>
        <span className="muted">
          {model ? countOf(model.taskCount, 'task') : ''} · started <DateTime iso={summary?.first_seen} /> ·{' '}
          <WorkflowDuration summary={summary} />
        </span>
        <span className="page-actions">
          {rootIsTask && (
            <Link to="/task" search={idSearch(rootId)} className="button ghost">
              Root task
            </Link>
          )}
          <a
            href={graphExportUrl(query.data.root_id)}
            download
            className="button"
            data-testid="graph-export"
            title="Every event of this workflow as a JSON file that another stemtrace can import"
          >
            Download JSON
          </a>
        </span>
      </div>
      <div className="graph-toolbar">
        <div className="segmented" role="tablist" aria-label="View">
          <button type="button" role="tab" aria-selected={tab === 'graph'} className={tab === 'graph' ? 'active' : ''} data-testid="graph-tab-graph" onClick={() => setTab('graph')}>
            Graph
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'timeline'}
            className={tab === 'timeline' ? 'active' : ''}
            data-testid="graph-tab-timeline"
            onClick={() => setTab('timeline')}
          >
            Timeline
          </button>
        </div>
        {tab === 'graph' && (
          <div className="legend">
            {TASK_STATES.map((s) => (
              <span key={s} className={`legend-item ${stateClass(s)}`}>
                <span className="legend-swatch" /> {s}
              </span>
            ))}
            <span className="legend-item legend-edge edge-chain">
              <span className="legend-line" /> next step
            </span>
            <span className="legend-item legend-edge edge-spawn">
              <span className="legend-line" /> spawned
            </span>
          </div>
        )}
      </div>
      {tab === 'timeline' ? (
        <div className="card graph-timeline" data-testid="graph-timeline">
          <TaskGantt tasks={tasks} />
        </div>
      ) : (
        model && (
          <div className="graph-body">
            <RenderBoundary what="the workflow graph" resetKey={model}>
              <GraphCanvas model={model} onToggle={toggle} onOpen={setSelectedId} />
            </RenderBoundary>
            {selected?.node_type === 'TASK' && <GraphSidePanel task={selected} onClose={close} />}
          </div>
        )
      )}
    </section>
  );
}
