import type { ExecutionFilter } from '@stoqey/ib';
import type { ExecutionCursor, ExecutionPage, VenueFill } from '../venue.js';
import type { VenueClock } from '../venue-clock.js';
import { formatIbFilterTime, parseIbTime } from './ib-mapping.js';
import type { IbOrderRegistry } from './ib-order-registry.js';
import { byExecutionTime } from './ib-reconcile.js';
import type { IbExecutionSnapshot, IbSession } from './ib-session.js';
import type { IbTranslator } from './ib-translator.js';

/** Where `executionsSince` reads from. */
export interface ExecutionsContext {
  readonly session: IbSession;
  readonly registry: IbOrderRegistry;
  readonly translator: IbTranslator;
  readonly timeZone: string;
  readonly commissionWaitMs: number;
  readonly clock: VenueClock;
  /** Calls `fn` on every commission report until the returned function is called. */
  commissionArrived(fn: () => void): () => void;
}

/** The position after a page: the latest execution time and the ids executed at that time. */
interface CursorState {
  readonly time: number;
  readonly ids: readonly string[];
}

const CURSOR_PREFIX = 'ib1:';

function decodeCursor(cursor: ExecutionCursor): CursorState | undefined {
  if (cursor === null || !cursor.startsWith(CURSOR_PREFIX)) return undefined;
  const state = JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8')) as CursorState;
  return Number.isFinite(state.time) && Array.isArray(state.ids) ? state : undefined;
}

function encodeCursor(state: CursorState): string {
  return CURSOR_PREFIX + Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** Waits until every listed execution has a commission report, or `waitMs` passed. */
function commissionsFor(execIds: readonly string[], context: ExecutionsContext): Promise<void> {
  const missing = (): boolean => execIds.some((id) => context.registry.commissionOf(id) === undefined);
  if (!missing()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stop();
      timer.cancel();
      resolve();
    };
    const stop = context.commissionArrived(() => { if (!missing()) done(); });
    const timer = context.clock.setTimer(context.commissionWaitMs, done);
  });
}

/**
 * Executions after `cursor` (`null`: all TWS still has, i.e. today's), keyed by `orderRef`, oldest first.
 * The cursor is opaque: the latest execution time and the execution ids at that second, so a page never
 * repeats an execution of the previous one even though TWS filters by whole seconds. Orders seen here are
 * learned, so a later submit of their client order id resolves `duplicate`.
 */
export async function executionsPage(cursor: ExecutionCursor, context: ExecutionsContext): Promise<ExecutionPage> {
  const since = decodeCursor(cursor);
  const filter: ExecutionFilter = since === undefined ? {} : { time: formatIbFilterTime(since.time) };
  const snapshot = (await context.session.requestExecutions(filter)).sort(byExecutionTime(context.timeZone));
  const timeOf = (s: IbExecutionSnapshot): number => parseIbTime(s.execution.time, context.timeZone) ?? 0;
  const fresh = snapshot.filter((s) => {
    const ref = s.execution.orderRef;
    if (s.execution.execId === undefined || ref === undefined || ref === '') return false;
    if (since === undefined) return true;
    const time = timeOf(s);
    return time > since.time || (time === since.time && !since.ids.includes(s.execution.execId));
  });
  await commissionsFor(fresh.map((s) => s.execution.execId!), context);
  const executions: VenueFill[] = [];
  for (const { contract, execution } of fresh) {
    const tracked = context.translator.learn(execution.orderRef!, execution.orderId ?? 0, contract, undefined, execution.permId, execution.side);
    const fill = context.translator.toFill(tracked, execution, context.registry.commissionOf(execution.execId!) ?? 0, execution.cumQty ?? 0);
    if (fill !== undefined) executions.push(fill);
  }
  const last = fresh.at(-1);
  if (last === undefined) return { executions, cursor: cursor ?? (since === undefined ? null : encodeCursor(since)) };
  const lastTime = timeOf(last);
  const idsAtLast = fresh.filter((s) => timeOf(s) === lastTime).map((s) => s.execution.execId!);
  const carried = since !== undefined && since.time === lastTime ? since.ids : [];
  return { executions, cursor: encodeCursor({ time: lastTime, ids: [...new Set([...carried, ...idsAtLast])] }) };
}
