import type { InspectorRefused, InspectorTradingStateSet } from '../../actors/inspector/protocol.js';
import type { ActorView, DeadLetterView, NodeRow, OrderListView, PlacementView, RiskView, TreeView, UtilisationRow } from '../../actors/inspector/views.js';
import type { ActorTreeNode } from '../../runtime/system.js';
import { formatBytes, formatDuration, formatNumber, formatPct, formatTime, keyValues, NONE, palette, table, truncate } from '../cli/format.js';
import type { Palette } from '../cli/format.js';
import { isNodeFailure } from './client.js';
import type { NodeFailure } from './client.js';

// Human views of the inspector's answers, one function per `bifrost inspect` command. JSON output is the
// answers themselves; these only lay them out.

const stateColour = (p: Palette, state: string): string =>
  state === 'up' || state === 'running' || state === 'ACTIVE' ? p.green(state) : state === 'down' || state === 'stopped' || state === 'HALTED' ? p.red(state) : p.yellow(state);

const failure = (p: Palette, f: NodeFailure): string => `${p.bold(`node ${f.node}`)}: ${p.red(`no answer: ${f.error}`)}\n`;

/** `inspect nodes`. */
export function renderNodes(rows: readonly NodeRow[], p: Palette = palette(false)): string {
  const body = rows.map((r) => [
    r.leader ? `${r.name} *` : r.name,
    r.host || NONE,
    r.roles.length === 0 ? NONE : r.roles.join(','),
    stateColour(p, r.status) + (r.downReason === undefined ? '' : p.dim(` (${r.downReason})`)),
    formatDuration(r.heartbeatAgeMs),
    formatDuration(r.uptimeMs),
    r.version,
    formatNumber(r.actors, 0),
    formatNumber(r.msgPerSec, 1),
    formatBytes(r.rssBytes),
  ]);
  const notes = rows.filter((r) => r.error !== undefined).map((r) => p.yellow(`${r.name}: its inspector did not answer (${r.error}); figures from its last heartbeat`));
  const leader = rows.some((r) => r.leader) ? [p.dim('* holds the leader lease')] : [];
  return table(['NODE', 'HOST', 'ROLES', 'STATUS', 'HEARTBEAT', 'UPTIME', 'VERSION', 'ACTORS', 'MSG/S', 'MEMORY'], body, ['left', 'left', 'left', 'left', 'right', 'right', 'left', 'right', 'right', 'right'], p) + [...leader, ...notes].map((l) => `${l}\n`).join('');
}

/** `inspect tree`: each node's supervision trees, drawn as trees. */
export function renderTrees(views: readonly (TreeView | NodeFailure)[], p: Palette = palette(false)): string {
  return views
    .map((view) => {
      if (isNodeFailure(view)) return failure(p, view);
      const rows: string[][] = [];
      const walk = (n: ActorTreeNode, prefix: string, last: boolean, top: boolean): void => {
        const name = n.path.slice(n.path.lastIndexOf('/') + 1);
        rows.push([top ? n.path : `${prefix}${last ? '└─ ' : '├─ '}${name}`, n.kind, stateColour(p, n.state), n.restarts > 0 ? p.yellow(String(n.restarts)) : '0', formatNumber(n.mailboxDepth, 0)]);
        const childPrefix = top ? '' : `${prefix}${last ? '   ' : '│  '}`;
        n.children.forEach((c, i) => walk(c, childPrefix, i === n.children.length - 1, false));
      };
      for (const root of view.roots) walk(root, '', true, true);
      return `${p.bold(`node ${view.node}`)}\n${table(['ACTOR', 'KIND', 'STATE', 'RESTARTS', 'MAILBOX'], rows, ['left', 'left', 'left', 'right', 'right'], p)}`;
    })
    .join('\n');
}

function summaryValue(v: unknown): string {
  if (v === null || v === undefined) return NONE;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return truncate(JSON.stringify(v), 160);
}

/** `inspect actor <path>`. */
export function renderActors(views: readonly (ActorView | NodeFailure)[], p: Palette = palette(false)): string {
  return views
    .map((v) => {
      if (isNodeFailure(v)) return failure(p, v);
      const s = v.stats;
      const lastError = s.lastError === undefined ? NONE : `${s.lastError.name}: ${s.lastError.message} (${formatTime(s.lastError.at)})`;
      const pairs: Array<[string, string]> = [
        ['path', p.bold(v.path)],
        ['node', v.node],
        ['kind', s.kind],
        ['state', stateColour(p, s.state)],
        ['placement', v.placement === null ? 'not placed (local)' : `${v.placement.id}, epoch ${v.placement.epoch}, on ${v.placement.node ?? 'no node'}`],
        ['started', formatTime(s.startedAt)],
        ['mailbox', `${s.mailboxDepth} (high-water ${s.mailboxHighWater}, capacity ${formatNumber(s.mailboxCapacity, 0)})`],
        ['processed', formatNumber(s.processed, 0)],
        ['errors', String(s.errors)],
        ['last error', s.errors > 0 ? p.red(lastError) : lastError],
        ['restarts', String(s.restarts)],
        ['dead-lettered', String(s.deadLettered)],
      ];
      const summary = v.summary === null ? `${p.dim('no inspect() summary')}\n` : keyValues(Object.entries(v.summary).map(([k, val]) => [k, summaryValue(val)] as const), '  ');
      return `${keyValues(pairs)}state summary:\n${summary}`;
    })
    .join('\n');
}

/** `inspect placement`. */
export function renderPlacement(view: PlacementView, p: Palette = palette(false)): string {
  if (!view.clustered) return 'not clustered: this node places no actors (every actor is local)\n';
  const head = `cluster ${view.cluster}, leader ${view.leader ?? p.red('none')}${view.term === null ? '' : ` (term ${view.term})`}\n`;
  if (view.entries.length === 0) return `${head}no placed actors\n`;
  const rows = view.entries.map((e) => [e.id, e.path, e.node ?? NONE, stateColour(p, e.nodeStatus), String(e.epoch), formatTime(e.assignedAt)]);
  return head + table(['ACTOR', 'PATH', 'NODE', 'NODE STATUS', 'EPOCH', 'ASSIGNED'], rows, ['left', 'left', 'left', 'left', 'right', 'left'], p);
}

/** `inspect deadletters`. */
export function renderDeadLetters(views: readonly (DeadLetterView | NodeFailure)[], p: Palette = palette(false)): string {
  return views
    .map((v) => {
      if (isNodeFailure(v)) return failure(p, v);
      const reasons = Object.entries(v.byReason).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ');
      const head = `${p.bold(`node ${v.node}`)}: ${v.total === 0 ? p.green('0 dead letters') : p.yellow(`${v.total} dead letter${v.total === 1 ? '' : 's'}`)}${reasons === '' ? '' : ` (${reasons})`}\n`;
      if (v.recent.length === 0) return head;
      const rows = v.recent.map((d) => [formatTime(d.at), d.reason, d.messageType, d.recipient, d.sender ?? NONE, truncate(d.detail ?? '', 60)]);
      return head + table(['TIME', 'REASON', 'TYPE', 'RECIPIENT', 'SENDER', 'DETAIL'], rows, [], p);
    })
    .join('\n');
}

/** `inspect orders`. */
export function renderOrders(view: OrderListView, p: Palette = palette(false)): string {
  const head = `${view.total} order${view.total === 1 ? '' : 's'} at ${view.broker} (node ${view.node})${view.orders.length < view.total ? `, the last ${view.orders.length} shown` : ''}\n`;
  if (view.orders.length === 0) return head;
  const rows = view.orders.map((o) => [
    o.clientOrderId,
    o.portfolioId,
    o.strategyId,
    o.symbol,
    o.side,
    o.orderType,
    formatNumber(o.quantity, 0),
    o.limitPrice !== undefined ? formatNumber(o.limitPrice, 4) : o.stopPrice !== undefined ? formatNumber(o.stopPrice, 4) : NONE,
    formatNumber(o.filledQuantity, 0),
    o.averagePrice > 0 ? formatNumber(o.averagePrice, 4) : NONE,
    (o.status === 'rejected' || o.status === 'denied' ? p.red(o.status) : o.status === 'filled' ? p.green(o.status) : o.status) + (o.ambiguous ? p.yellow(' ?') : ''),
    formatTime(o.updatedAt),
  ]);
  return head + table(['CLIENT ORDER ID', 'PORTFOLIO', 'STRATEGY', 'SYMBOL', 'SIDE', 'TYPE', 'QTY', 'PRICE', 'FILLED', 'AVG PRICE', 'STATUS', 'UPDATED'], rows, ['left', 'left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'], p);
}

const MEASURE_NAMES: Readonly<Record<UtilisationRow['measure'], string>> = {
  grossExposure: 'gross exposure',
  netExposure: 'net exposure',
  openOrders: 'open orders',
  dailyLoss: 'daily loss',
  drawdown: 'drawdown',
  var: 'VaR (1 day)',
};

/** `inspect risk`. */
export function renderRisk(view: RiskView, p: Palette = palette(false)): string {
  const pct = (m: UtilisationRow['measure'], v: number | null): string => (m === 'drawdown' ? formatPct(v) : formatNumber(v, m === 'openOrders' ? 0 : 2));
  const rows = view.utilisation.map((u) => {
    const used = u.utilisation === null ? NONE : u.utilisation >= 1 ? p.red(formatPct(u.utilisation)) : u.utilisation >= 0.8 ? p.yellow(formatPct(u.utilisation)) : formatPct(u.utilisation);
    return [u.portfolioId, MEASURE_NAMES[u.measure], pct(u.measure, u.value), u.limit === null ? 'off' : pct(u.measure, u.limit), used];
  });
  const l = view.limits;
  let out = `trading state: ${p.bold(stateColour(p, view.tradingState))}  (risk ${view.riskId} at ${view.risk}, node ${view.node})\n\n`;
  out += rows.length === 0 ? 'no portfolio known to the risk actor yet\n' : table(['PORTFOLIO', 'MEASURE', 'VALUE', 'LIMIT', 'USED'], rows, ['left', 'left', 'right', 'right', 'right'], p);
  out += `\nper order: notional <= ${formatNumber(l.maxNotionalPerOrder)}, position <= ${formatNumber(l.maxPositionQuantity, 0)} units, price band ±${formatPct(l.priceBandPct)}, ` +
    `${l.maxOrdersPerStrategyPerWindow}/strategy and ${l.maxOrdersPerPortfolioPerWindow}/portfolio per ${formatDuration(l.rateWindowMs)}; VaR ${l.varMethod} at ${formatPct(l.varConfidence)}\n`;
  for (const v of view.var) {
    out += v.report === undefined
      ? `VaR ${v.portfolioId}: history too short for ${(v.insufficient ?? []).join(', ') || 'held symbols'}\n`
      : `VaR ${v.portfolioId}: historical 95% ${formatNumber(v.report.historical95)}, 99% ${formatNumber(v.report.historical99)}; parametric 95% ${formatNumber(v.report.parametric95)}, 99% ${formatNumber(v.report.parametric99)} (${v.report.observations} days, ${formatTime(v.time)})\n`;
  }
  if (view.history.length > 0) {
    out += `\ntrading-state changes:\n${table(['TIME', 'FROM', 'TO', 'TRIGGER', 'BY', 'REASON'], view.history.map((h) => [formatTime(h.time), h.from, stateColour(p, h.to), h.trigger, h.by ?? NONE, h.reason]), [], p)}`;
  }
  for (const problem of view.problems) out += `${p.yellow(problem)}\n`;
  return out;
}

/** `halt`, `reduce`, `resume`. */
export function renderTradingState(reply: InspectorTradingStateSet | InspectorRefused, p: Palette = palette(false)): string {
  if (reply.type === 'inspector.refused') return `${p.red('refused')}: ${reply.message}\n`;
  return `trading state ${reply.from} -> ${p.bold(stateColour(p, reply.to))} by ${reply.by} at ${formatTime(reply.time)}: ${reply.reason}\n`;
}
