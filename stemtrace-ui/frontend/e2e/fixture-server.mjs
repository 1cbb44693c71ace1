// Serves the built UI (dist/) and the API from static fixtures, with a minimal /ws, so the UI and
// its browser tests run without the Java server.
//
// Usage: node e2e/fixture-server.mjs [--port 8765] [--prefix /stemtrace]
//   GET  {prefix}/api/...        docs/API.md endpoints over e2e/fixtures/capture-api.json, which is dumped from the
//                                real server (FrontendFixtures; FrontendFixturesTest keeps it current)
//   GET  {prefix}/api/graph?id=big-{mixed|star|chain|group} 2 000-node workflows (not listed in /api/graphs)
//   GET  {prefix}/api/graph?id=group:{nested-G0|cog-G1|cic-G|lanes-L|deep-D0} nested canvases with body_id
//        (a nested chord, a chain of groups, a chord in a chain, a chord of chains, three levels; not listed)
//   GET  {prefix}/api/stats      computed over the capture with its last event as "now" (see statsFor())
//   POST {prefix}/__inject       adds a STARTED task `e2e.live` and pushes an update frame on /ws
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigWorkflow } from './fixtures/big-workflow.mjs';
import { canvasWorkflows } from './fixtures/canvas-workflows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const port = Number(arg('port', '8765'));
const prefix = arg('prefix', '').replace(/\/+$/, '');
const dist = resolve(here, '../dist');
const data = JSON.parse(readFileSync(join(here, 'fixtures/capture-api.json'), 'utf8'));

const bigGraphs = new Map();
for (const shape of ['mixed', 'star', 'chain', 'group']) {
  const g = bigWorkflow(shape);
  bigGraphs.set(`big-${shape}`, g);
  bigGraphs.set(g.root_id, g);
}
for (const g of canvasWorkflows) bigGraphs.set(g.root_id, g);

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function listTasks(q) {
  const states = q.getAll('state').flatMap((s) => s.split(',')).filter(Boolean);
  const name = q.get('name')?.toLowerCase();
  const from = q.get('from_date') ? Date.parse(q.get('from_date')) : null;
  const to = q.get('to_date') ? Date.parse(q.get('to_date')) : null;
  const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 50)));
  const offset = Math.max(0, Number(q.get('offset') ?? 0));
  const matching = data.tasks
    .filter((t) => states.length === 0 || states.includes(t.state))
    .filter((t) => !name || t.name.toLowerCase().includes(name))
    .filter((t) => from == null || Date.parse(t.first_seen) >= from)
    .filter((t) => to == null || Date.parse(t.first_seen) <= to)
    .sort((a, b) => b.first_seen.localeCompare(a.first_seen));
  const tasks = matching.slice(offset, offset + limit).map(({ events: _e, traceback: _t, ...rest }) => rest);
  return { tasks, total: matching.length, limit, offset };
}

// The capture is frozen in time: windows are measured back from its last event, not from the wall
// clock, so every window shows it however long ago it was recorded.
const captureEnd = [...data.tasks.map((t) => t.last_updated), ...data.workers.map((w) => w.last_seen)].sort().at(-1);
const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'REVOKED', 'REJECTED']);
const STATES = ['PENDING', 'RECEIVED', 'STARTED', 'SUCCESS', 'FAILURE', 'REVOKED', 'REJECTED', 'RETRY'];

/** Nearest-rank percentiles, null without samples. */
function percentiles(values) {
  const sorted = values.filter((v) => v != null).sort((a, b) => a - b);
  const at = (p) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : null);
  return { p50: at(50), p95: at(95), p99: at(99) };
}

const MINUTE = 60_000;
const MAX_WINDOW_MINUTES = 366 * 24 * 60;
const minuteIso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The statistics of the whole minutes from..to (epoch ms, `to` exclusive), counted by each task's last update. */
function stats(from, to, windowMinutes) {
  const inPeriod = data.tasks.filter((t) => {
    const at = Date.parse(t.last_updated);
    return at >= from && at < to;
  });
  const names = [...new Set(inPeriod.map((t) => t.name))].sort();
  const tasks = names.map((name) => {
    const runs = inPeriod.filter((t) => t.name === name);
    const counts = Object.fromEntries(STATES.map((s) => [s, runs.filter((t) => t.state === s).length]));
    const finished = counts.SUCCESS + counts.FAILURE;
    const perMinute = new Map();
    for (const t of runs.filter((r) => TERMINAL.has(r.state))) {
      const minute = minuteIso(Math.floor(Date.parse(t.last_updated) / MINUTE) * MINUTE);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    return {
      name, total: runs.length, counts, success_rate: finished ? counts.SUCCESS / finished : null,
      queue_time_ms: percentiles(runs.map((t) => t.queue_time_ms)), run_time_ms: percentiles(runs.map((t) => t.run_time_ms)),
      throughput: [...perMinute].sort().map(([minute, count]) => ({ minute, count })),
    };
  });
  const held = data.tasks.map((t) => Date.parse(t.last_updated));
  return {
    window_minutes: windowMinutes,
    from: minuteIso(from),
    to: minuteIso(to),
    generated_at: captureEnd,
    data_from: held.length ? minuteIso(Math.floor(Math.min(...held) / MINUTE) * MINUTE) : null,
    data_to: held.length ? minuteIso(Math.floor(Math.max(...held) / MINUTE) * MINUTE + MINUTE) : null,
    tasks,
  };
}

/**
 * GET /api/stats like the server: `window_minutes` (the last N minutes, the capture's last minute being
 * the current one) or `from`/`to` (widened to whole minutes; a missing end defaults as the server does).
 */
function statsFor(q) {
  const nowMinuteEnd = Math.floor(Date.parse(captureEnd) / MINUTE) * MINUTE + MINUTE;
  const rawFrom = q.get('from');
  const rawTo = q.get('to');
  if (rawFrom == null && rawTo == null) {
    const minutes = Number(q.get('window_minutes') ?? 60);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_WINDOW_MINUTES) {
      return [400, { detail: `window_minutes must be an integer in 1..${MAX_WINDOW_MINUTES}` }];
    }
    return [200, stats(nowMinuteEnd - minutes * MINUTE, nowMinuteEnd, minutes)];
  }
  if (q.get('window_minutes') != null) return [400, { detail: "give either 'window_minutes' or 'from'/'to', not both" }];
  const to = rawTo == null ? nowMinuteEnd : Date.parse(rawTo);
  const from = rawFrom == null ? to - 60 * MINUTE : Date.parse(rawFrom);
  if (Number.isNaN(from) || Number.isNaN(to)) return [400, { detail: "query parameters 'from' and 'to' must be ISO-8601 instants" }];
  if (from >= to) return [400, { detail: `query parameters 'from' and 'to': from ${rawFrom} is not before to ${rawTo}` }];
  return [200, stats(Math.floor(from / MINUTE) * MINUTE, Math.ceil(to / MINUTE) * MINUTE, null)];
}

/** `{[key]: items on the page, total, limit, offset}` for ?limit&offset, as the server pages its lists. */
// Fixtures do not change, so a position in the list serves as the cursor ('o' and the offset).
function page(q, defaultLimit, items, key) {
  const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? defaultLimit)));
  const cursor = q.get('cursor');
  const start = cursor ? Number(cursor.slice(1)) : 0;
  const offset = Math.max(0, Number(q.get('offset') ?? 0));
  const from = start + offset;
  const end = q.get('end_cursor') ? Number(q.get('end_cursor').slice(1)) : Infinity;
  const last = Math.min(from + limit, end, items.length);
  const next_cursor = last < Math.min(end, items.length) ? `o${last}` : null;
  return { [key]: items.slice(from, last), total: items.length, limit, offset, cursor, next_cursor };
}

function task(res, id, childrenOnly) {
  const found = data.tasks.find((t) => t.task_id === id);
  if (!found) return send(res, 404, { detail: 'task not found' });
  const children = data.tasks.filter((t) => t.parent_id === found.task_id);
  return send(res, 200, childrenOnly ? { children, total: children.length } : { task: found, children });
}

function graph(res, id) {
  const found = Object.hasOwn(data.graphs, id) ? data.graphs[id] : bigGraphs.get(id);
  return found ? send(res, 200, found) : send(res, 404, { detail: 'workflow not found' });
}

function graphExport(res, id) {
  const found = Object.hasOwn(data.graphs, id) ? data.graphs[id] : undefined;
  if (!found) return send(res, 404, { detail: 'workflow not found' });
  // Task events only: the fixtures keep no raw worker events to add.
  const events = Object.values(found.nodes).flatMap((n) => n.events ?? []).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const body = { format: 'stemtrace-export', version: 1, root_id: id, exported_at: new Date().toISOString(), events };
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-disposition': `attachment; filename="stemtrace-${id.replace(/[^A-Za-z0-9._:-]/g, '_')}.json"`,
  });
  return res.end(JSON.stringify(body));
}

function api(path, q, res) {
  if (path === '/api/health') return send(res, 200, { status: 'ok', version: 'fixture', node_count: data.tasks.length });
  if (path === '/api/tasks') return send(res, 200, listTasks(q));
  if (path === '/api/tasks/registry') {
    const query = q.get('query')?.toLowerCase() ?? '';
    const status = q.get('status');
    const tasks = data.registry.filter((r) => r.name.toLowerCase().includes(query) && (!status || r.status === status));
    return send(res, 200, page(q, 100, tasks, 'tasks'));
  }
  // the query-parameter forms, which the dashboard uses, and the path forms
  if (path === '/api/task' || path === '/api/task/children') return task(res, q.get('id'), path.endsWith('/children'));
  let m = /^\/api\/tasks\/([^/]+)(\/children)?$/.exec(path);
  if (m) return task(res, decodeURIComponent(m[1]), Boolean(m[2]));
  if (path === '/api/graphs') return send(res, 200, page(q, 50, data.summaries, 'graphs'));
  if (path === '/api/graph/export') return graphExport(res, q.get('id'));
  m = /^\/api\/graphs\/([^/]+)\/export$/.exec(path);
  if (m) return graphExport(res, decodeURIComponent(m[1]));
  if (path === '/api/graph') return graph(res, q.get('id'));
  m = /^\/api\/graphs\/([^/]+)$/.exec(path);
  if (m) return graph(res, decodeURIComponent(m[1]));
  if (path === '/api/workers') {
    // lists carry the first 100 names of each worker, like the server
    const workers = data.workers.map((w) => ({ ...w, registered_tasks: w.registered_tasks.slice(0, 100), registered_task_count: w.registered_tasks.length }));
    return send(res, 200, page(q, 50, workers, 'workers'));
  }
  if (path === '/api/worker') {
    const worker = data.workers.find((w) => w.hostname === q.get('hostname'));
    return worker ? send(res, 200, { ...worker, registered_task_count: worker.registered_tasks.length }) : send(res, 404, { detail: 'worker not found' });
  }
  if (path === '/api/anomalies/groups') {
    // one open group per type and name, like the server before anyone triages them
    const groups = new Map();
    for (const a of data.anomalies) {
      const key = `${a.type}\u0000${a.name}`;
      const g = groups.get(key) ?? { type: a.type, name: a.name, status: 'open', open: 0, occurrences: 0, first_seen: a.detected_at, last_seen: a.detected_at,
        resolved_at: null, acknowledged_at: null, muted_at: null, muted_until: null };
      g.open += 1;
      g.occurrences += 1;
      groups.set(key, g);
    }
    const all = [...groups.values()];
    const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 50)));
    const offset = Math.max(0, Number(q.get('offset') ?? 0));
    const wanted = (q.get('status') ?? 'open').split(',');
    const matching = wanted.includes('all') || wanted.includes('open') ? all : [];
    return send(res, 200, { counts: { open: all.length, acknowledged: 0, muted: 0, resolved: 0 }, groups: matching.slice(offset, offset + limit), total: matching.length, limit, offset });
  }
  if (path === '/api/anomalies') {
    const types = q.getAll('type').flatMap((s) => s.split(',')).filter(Boolean);
    const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 50)));
    const offset = Math.max(0, Number(q.get('offset') ?? 0));
    const name = q.get('name');
    const matching = data.anomalies.filter((a) => (types.length === 0 || types.includes(a.type)) && (name === null || a.name === name));
    return send(res, 200, { anomalies: matching.slice(offset, offset + limit), total: matching.length, limit, offset });
  }
  if (path === '/api/stats') return send(res, ...statsFor(q));
  return send(res, 404, { detail: 'not found' });
}

function serveStatic(path, res) {
  const file = normalize(join(dist, path));
  if (file.startsWith(dist + '/') && existsSync(file) && statSync(file).isFile() && !file.endsWith('index.html')) {
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    return res.end(readFileSync(file));
  }
  // Deep links fall back to the SPA, with the mount prefix injected like the Java handler does.
  const html = readFileSync(join(dist, 'index.html'), 'utf8').replace('__STEMTRACE_BASE_PATH__', prefix);
  res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
  res.end(html);
}

// --- WebSocket: handshake and server-to-client text frames only --------------------------------------
const sockets = new Set();
function broadcast(frame) {
  const payload = Buffer.from(JSON.stringify(frame));
  const header = payload.length < 126
    ? Buffer.from([0x81, payload.length])
    : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  for (const s of sockets) s.write(Buffer.concat([header, payload]));
}

function inject() {
  const now = new Date().toISOString().replace('Z', '000Z');
  const id = `e2e00000-0000-4000-8000-${String(Date.now()).slice(-12).padStart(12, '0')}`;
  const task = {
    task_id: id, node_type: 'TASK', name: 'e2e.live', state: 'STARTED', parent_id: null, root_id: id, workflow_id: id,
    group_id: null, chord_id: null, chord_callback_id: null, trace_id: null, retries: 0, args: [], kwargs: {},
    result: null, exception: null, traceback: null, first_seen: now, last_updated: now, queue_time_ms: null,
    run_time_ms: null, duration_ms: null,
    attempts: [{ number: 0, state: 'STARTED', started_at: now, finished_at: null, run_time_ms: null, exception: null }],
    events: [{ task_id: id, name: 'e2e.live', state: 'STARTED', timestamp: now, retries: 0 }], children: [], anomalies: [],
  };
  data.tasks.push(task);
  data.graphs[id] = { root_id: id, nodes: { [id]: task } };
  data.summaries.unshift({ task_id: id, root_id: id, node_type: 'TASK', name: 'e2e.live', state: 'STARTED', task_count: 1, first_seen: now, last_updated: now, duration_ms: null });
  broadcast({ type: 'update', tasks: [{ task_id: id, name: 'e2e.live', state: 'STARTED', workflow_id: id, timestamp: now }], workers: [], anomalies: [], truncated: false });
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (prefix && !url.pathname.startsWith(prefix)) return send(res, 404, { detail: 'outside mount prefix' });
  const path = url.pathname.slice(prefix.length) || '/';
  if (path === '/__inject' && req.method === 'POST') {
    inject();
    return send(res, 200, { injected: true });
  }
  if (path.startsWith('/api/')) return api(path, url.searchParams, res);
  return serveStatic(path, res);
});

server.on('upgrade', (req, socket) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== `${prefix}/ws`) return socket.destroy();
  const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  sockets.add(socket);
  // Client frames (pings, close) are not interpreted; a close just ends the TCP connection.
  socket.on('data', (buf) => { if ((buf[0] & 0x0f) === 0x8) socket.end(); });
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => sockets.delete(socket));
});

server.listen(port, '127.0.0.1', () => console.log(`fixture server on http://127.0.0.1:${port}${prefix}`));
