import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { Background, Controls, type Edge, ReactFlow } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import { graphExportUrl, graphQuery } from '../api';
import { RenderBoundary } from '../components/ErrorBoundary';
import { type FlowNode, nodeTypes } from '../components/GraphNodes';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { StateBadge } from '../components/StateBadge';
import { DateTime } from '../components/Time';
import { formatDuration, shortId } from '../lib/format';
import { type GraphModel, buildGraphModel, graphNode } from '../lib/graphModel';
import { layoutGraph } from '../lib/layout';
import { idSearch } from '../lib/search';
import { TASK_STATES } from '../lib/types';
import { stateClass } from '../lib/states';
import { countOf } from '../lib/plural';

const route = getRouteApi('/graph');

/** The laid-out graph; a failure in here leaves the page head with its links in place. */
function GraphCanvas({ model, onToggle }: { model: GraphModel; onToggle: (id: string) => void }) {
  const navigate = useNavigate();
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
        className: e.running ? 'edge-running' : undefined,
        // Edges are not interactive; skipping the wide invisible hit path halves the SVG paths.
        interactionWidth: 0,
      })),
    [layout],
  );

  const onNodeClick = useCallback(
    (_: unknown, node: FlowNode) => {
      if (node.type === 'task') void navigate({ to: '/task', search: idSearch(node.id) });
      else if (node.type === 'aggregate') onToggle(node.id);
    },
    [navigate, onToggle],
  );

  return (
    <div className="graph-canvas" data-testid="graph-canvas" data-drawn-count={nodes.length}>
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        // Every node stays in the DOM (onlyRenderVisibleElements is off): find-in-page works and
        // browser tests can see each node; the layout keeps 2 000 nodes within budget regardless.
        onlyRenderVisibleElements={false}
        fitView
        fitViewOptions={{ padding: 0.1, maxZoom: 1.2 }}
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

  if (rootId === '') return <Empty>No workflow id in the address (/graph?id=...).</Empty>;
  if (query.isPending) return <Loading what="workflow" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;

  const root = graphNode(query.data, query.data.root_id);
  const rootIsTask = root?.node_type === 'TASK';
  return (
    <section className="page graph-page">
      <div className="page-head">
        <h1>
          <Link to="/graphs" className="muted">
            Workflows
          </Link>{' '}
          / {root ? (rootIsTask ? root.name : root.node_type) : shortId(rootId)}
        </h1>
        {root && <StateBadge state={root.state} />}
        <span className="muted mono">{shortId(rootId)}</span>
        <span className="muted">
          {model ? countOf(model.taskCount, 'task') : ''} · started <DateTime iso={root?.first_seen} /> ·{' '}
          {formatDuration(root && 'duration_ms' in root ? root.duration_ms : null)}
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
      <div className="legend">
        {TASK_STATES.map((s) => (
          <span key={s} className={`legend-item ${stateClass(s)}`}>
            <span className="legend-swatch" /> {s}
          </span>
        ))}
      </div>
      {model && (
        <RenderBoundary what="the workflow graph" resetKey={model}>
          <GraphCanvas model={model} onToggle={toggle} />
        </RenderBoundary>
      )}
    </section>
  );
}
