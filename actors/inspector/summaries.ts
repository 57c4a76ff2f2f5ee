import { hostname } from 'node:os';
import { BIFROST_VERSION } from '../../runtime/cluster/node-record.js';
import type { DeadLetter } from '../../runtime/events.js';
import { formatRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import { TERMINAL_STATUSES } from '../broker/oms-state.js';
import type { OmsOrder } from '../broker/order-book.js';
import type { RiskLimits } from '../risk/limits.js';
import type { RiskStatus } from '../risk/protocol.js';
import type { PortfolioSnapshotReply } from '../portfolio/protocol.js';
import type { DeadLetterRow, NodeInfo, UtilisationRow } from './views.js';
import { orderRow } from '../broker/order-row.js';
import type { OrderRow } from '../broker/order-row.js';

/** How deep an `inspect()` summary is copied; deeper values become a short note. */
export const SUMMARY_MAX_DEPTH = 4;
/** Longest array or object kept in a summary; the rest is counted, not copied. */
export const SUMMARY_MAX_ENTRIES = 50;
/** Keys whose values never leave the node, whatever an actor's `inspect()` returns (`operatorToken`, `riskKey`, `apiSecret`; not `usedTokens`). */
const SECRET_KEY = /(token|secret|password|passphrase|credentials?|key|hmac)$/i;

/**
 * An actor's `inspect()` summary as plain JSON data: Maps become objects, Sets arrays, Buffers and
 * functions a note, bigints strings, non-finite numbers strings; depth and size are capped and any key
 * that names a secret is redacted, so a summary is safe to send to an operator's terminal.
 */
export function plainSummary(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (depth >= SUMMARY_MAX_DEPTH) return Array.isArray(value) ? `<array of ${value.length}>` : '<object>';
  if (Array.isArray(value) || value instanceof Set) {
    const items = [...value];
    const kept = items.slice(0, SUMMARY_MAX_ENTRIES).map((v) => plainSummary(v, depth + 1) ?? null);
    return items.length > SUMMARY_MAX_ENTRIES ? [...kept, `<${items.length - SUMMARY_MAX_ENTRIES} more>`] : kept;
  }
  const entries = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, SUMMARY_MAX_ENTRIES)) {
    if (SECRET_KEY.test(k.replace(/[^A-Za-z]/g, ''))) {
      out[k] = '[redacted]';
      continue;
    }
    const plain = plainSummary(v, depth + 1);
    if (plain !== undefined) out[k] = plain;
  }
  if (entries.length > SUMMARY_MAX_ENTRIES) out['…'] = `${entries.length - SUMMARY_MAX_ENTRIES} more keys`;
  return out;
}

/** A dead letter without its message (which may carry a credential). */
export function deadLetterRow(letter: DeadLetter): DeadLetterRow {
  return {
    at: letter.at,
    reason: letter.reason,
    messageType: letter.messageType,
    recipient: formatRef(letter.recipient),
    ...(letter.sender === undefined ? {} : { sender: formatRef(letter.sender) }),
    ...(letter.detail === undefined ? {} : { detail: letter.detail.slice(0, 300) }),
  };
}

export { orderRow } from '../broker/order-row.js';

/** The orders matching `portfolio` and `open`, oldest first, and the last `limit` of them. */
export function selectOrders(orders: readonly OmsOrder[], filter: { portfolio?: string; open?: boolean; limit: number }): { total: number; rows: OrderRow[] } {
  const matching = orders
    .filter((o) => (filter.portfolio === undefined || o.order.portfolioId === filter.portfolio) && (!filter.open || !TERMINAL_STATUSES.has(o.status)))
    .sort((a, b) => a.createdAt - b.createdAt || (a.clientOrderId < b.clientOrderId ? -1 : 1));
  return { total: matching.length, rows: matching.slice(-filter.limit).map(orderRow) };
}

const ratio = (value: number | null, limit: number | null): number | null =>
  value === null || limit === null || !(limit > 0) ? null : Number((value / limit).toFixed(4));

/**
 * Each limit of one portfolio against its current value: exposures and drawdown from the portfolio's
 * books, open orders and VaR from the risk actor. A figure that is not known is null.
 */
export function utilisationOf(portfolioId: string, limits: RiskLimits, status: RiskStatus, books: PortfolioSnapshotReply | undefined): UtilisationRow[] {
  const row = (measure: UtilisationRow['measure'], value: number | null, limit: number | null): UtilisationRow => ({ portfolioId, measure, value, limit, utilisation: ratio(value, limit) });
  const snap = books?.snapshot;
  const exposure = books?.exposure;
  const dailyLoss = snap === undefined ? null : Math.max(0, snap.startOfDayEquity - snap.equity);
  const drawdown = snap === undefined || !(snap.peakEquity > 0) ? null : Math.max(0, (snap.peakEquity - snap.equity) / snap.peakEquity);
  const varFigures = status.var.find((v) => v.portfolioId === portfolioId)?.report;
  const varValue = varFigures === undefined ? null : limits.varMethod === 'historical' ? pickVar(varFigures, 'historical', limits.varConfidence) : pickVar(varFigures, 'parametric', limits.varConfidence);
  return [
    row('grossExposure', exposure?.gross ?? null, limits.maxGrossExposure),
    row('netExposure', exposure === undefined ? null : Math.abs(exposure.net), limits.maxNetExposure),
    row('openOrders', status.openOrders[portfolioId] ?? 0, limits.maxOpenOrders),
    row('dailyLoss', dailyLoss, limits.maxDailyLoss),
    row('drawdown', drawdown === null ? null : Number(drawdown.toFixed(6)), limits.maxDrawdownPct),
    row('var', varValue, limits.maxPostTradeVar),
  ];
}

function pickVar(report: { historical95: number; historical99: number; parametric95: number; parametric99: number }, method: 'historical' | 'parametric', confidence: number): number {
  const at99 = confidence >= 0.97;
  if (method === 'historical') return at99 ? report.historical99 : report.historical95;
  return at99 ? report.parametric99 : report.parametric95;
}

/** Messages processed by the live actors of `system`. */
export function totalProcessed(system: ActorSystem): number {
  let total = 0;
  for (const path of system.paths()) total += system.statsOf(path)?.processed ?? 0;
  return total;
}

/** Samples kept for the msg/s figure (one per {@link SAMPLE_INTERVAL_MS}). */
const SAMPLES_KEPT = 10;
/** How often the inspector samples the processed total. */
export const SAMPLE_INTERVAL_MS = 1_000;

/**
 * msg/s from samples of the processed total on the clock: the rate since the oldest sample kept (up to
 * ten seconds back). Stopped actors take their counts with them, so a negative change counts as zero.
 */
export class RateSampler {
  readonly #samples: Array<{ at: number; total: number }> = [];

  sample(at: number, total: number): void {
    this.#samples.push({ at, total });
    if (this.#samples.length > SAMPLES_KEPT) this.#samples.shift();
  }

  /** Messages per second between the oldest sample and (`at`, `total`); null without an earlier sample. */
  rate(at: number, total: number): number | null {
    const oldest = this.#samples.find((s) => s.at < at);
    if (oldest === undefined) return null;
    const perSecond = (Math.max(0, total - oldest.total) * 1_000) / (at - oldest.at);
    return Number(perSecond.toFixed(1));
  }
}

/** The figures of this node process (`node`, `roles` and the clustered flag come from the caller). */
export function nodeFacts(system: ActorSystem, roles: readonly string[], clustered: boolean, msgPerSec: number | null, processed: number): NodeInfo {
  const m = process.memoryUsage();
  const uptimeMs = Math.round(process.uptime() * 1_000);
  return {
    node: system.node,
    host: hostname(),
    pid: process.pid,
    roles: [...roles],
    version: BIFROST_VERSION,
    startedAt: Date.now() - uptimeMs,
    uptimeMs,
    actors: system.actorCount,
    processed,
    msgPerSec,
    memory: { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal },
    deadLetters: system.deadLetters.total,
    clustered,
    time: system.clock.now(),
  };
}
