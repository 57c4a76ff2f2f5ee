import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import { errorInfo } from '../../runtime/events.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { ActorKinds } from '../../runtime/registry.js';
import type { Bar } from '../domain/bar.js';
import { BAR_STORE } from '../market/services.js';
import { actorBacktestRunner } from './confirm.js';
import { SweepBackend } from './backend.js';
import type { BackendPreference, KernelBackend } from './backend.js';
import { OptimizerError, OPTIMIZER_ERROR_CODES } from './errors.js';
import { confirmationReport, confirmationRow, PARITY_TOLERANCE } from './parity.js';
import type { BacktestRunner, ConfirmationReport, ConfirmationRow } from './parity.js';
import type { OptimizerCancel, OptimizerProtocol, OptimizerReply, OptimizerRun, OptimizerStep } from './protocol.js';
import { resolveRequest } from './request.js';
import type { ResolvedRequest } from './request.js';
import { prepareSweep, SweepRun } from './sweep.js';
import type { SweepOutcome } from './sweep.js';

/** The kind name the optimizer registers under. */
export const OPTIMIZER_KIND = 'optimizer';
/** Where placement puts it: a gpu node if one is up, else a trading node (CPU/WebAssembly backend). */
export const OPTIMIZER_PLACEMENT: readonly string[] = ['gpu', 'trading'];

export interface OptimizerProps {
  /**
   * Re-runs a combination to confirm the best ones; default `actorBacktestRunner` (the actor backtest).
   * `null` turns confirmation off on this node: results then say `unavailable`.
   */
  readonly backtest?: BacktestRunner | null;
  /** Overrides every request's backend preference (a node with a known device). */
  readonly backend?: BackendPreference;
  /** Opens a backend for a preference; default `SweepBackend.open` (gpu.js). */
  readonly openBackend?: (preference: BackendPreference) => Promise<KernelBackend>;
}

interface ActiveSweep {
  readonly requester: ActorRef | undefined;
  readonly request: ResolvedRequest;
  readonly run: SweepRun;
  outcome?: SweepOutcome;
  readonly confirmed: ConfirmationRow[];
}

/**
 * Runs parameter sweeps as gpu.js kernels. `optimizer.run` loads the bars (inline, else the node's
 * BAR_STORE), checks the grid, opens a backend and runs one chunk per self-message, so `optimizer.cancel`
 * lands between chunks. Progress goes to the requester and the event stream after each chunk; the result
 * carries the backend actually used and the best combinations, re-run through the actor backtest
 * (`confirmTop`, default 3) with per-combination differences. A failed kernel ends the sweep with `optimizer.failed`.
 *
 * @example
 * system.kinds.register(OPTIMIZER_KIND, OptimizerActor);
 * const optimizer = system.spawn(OptimizerActor, 'optimizer', {});
 * ctx.tell(optimizer, { type: 'optimizer.run', requestId: 'r1', request: { strategy: 'sma-cross', symbol: 'AAPL', grid: 'fast=5..50:5,slow=20..200:10' } });
 */
export class OptimizerActor extends Actor<OptimizerProtocol, OptimizerProps | undefined> {
  readonly #sweeps = new Map<string, ActiveSweep>();
  readonly #backends = new Map<BackendPreference, Promise<KernelBackend>>();

  receive(msg: OptimizerProtocol, ctx: ActorContext<OptimizerProtocol>): Promise<void> | void {
    switch (msg.type) {
      case 'optimizer.run':
        return this.#handleRun(msg, ctx);
      case 'optimizer.cancel':
        return this.#handleCancel(msg, ctx);
      case 'optimizer.step':
        return msg.phase === 'chunk' ? this.#handleChunk(msg, ctx) : this.#handleConfirm(msg, ctx);
    }
  }

  async #handleRun(msg: OptimizerRun, ctx: ActorContext<OptimizerProtocol>): Promise<void> {
    const requester = ctx.sender;
    if (this.#sweeps.has(msg.requestId)) {
      return this.#send(requester, ctx, this.#failure(msg.requestId, new OptimizerError(OPTIMIZER_ERROR_CODES.duplicateRequest, `a sweep with requestId ${msg.requestId} is already running`), ctx));
    }
    let backend: KernelBackend | undefined;
    try {
      const request = resolveRequest(msg.request);
      const bars = msg.request.bars ?? (await this.#loadBars(request, ctx));
      const setup = prepareSweep(request, bars);
      backend = await this.#backend(this.props?.backend ?? request.backend);
      const run = new SweepRun(setup, backend, ctx.clock);
      this.#sweeps.set(msg.requestId, { requester, request, run, confirmed: [] });
      ctx.tell(ctx.self, { type: 'optimizer.step', requestId: msg.requestId, phase: 'chunk', index: 0 });
    } catch (error) {
      this.#send(requester, ctx, this.#failure(msg.requestId, error, ctx, backend?.probedMode));
    }
  }

  async #handleChunk(msg: OptimizerStep, ctx: ActorContext<OptimizerProtocol>): Promise<void> {
    const sweep = this.#sweeps.get(msg.requestId);
    if (sweep === undefined) return; // cancelled meanwhile
    try {
      const progress = await sweep.run.runChunk(msg.index);
      const { strategy, symbol } = sweep.request;
      this.#send(sweep.requester, ctx, { type: 'optimizer.progress', requestId: msg.requestId, strategy, symbol, backend: sweep.run.backend.report().backend, ...progress, at: ctx.clock.now() });
      if (msg.index + 1 < sweep.run.chunks) return ctx.tell(ctx.self, { type: 'optimizer.step', requestId: msg.requestId, phase: 'chunk', index: msg.index + 1 });
      sweep.outcome = sweep.run.outcome();
      sweep.run.dispose();
      ctx.tell(ctx.self, { type: 'optimizer.step', requestId: msg.requestId, phase: 'confirm', index: 0 });
    } catch (error) {
      this.#end(msg.requestId);
      this.#send(sweep.requester, ctx, this.#failure(msg.requestId, error, ctx, sweep.run.backend.probedMode, sweep.run.done, sweep.run.setup.grid.combos));
    }
  }

  /** Re-runs result `index` through the actor backtest, one per message, then sends the result. */
  async #handleConfirm(msg: OptimizerStep, ctx: ActorContext<OptimizerProtocol>): Promise<void> {
    const sweep = this.#sweeps.get(msg.requestId);
    if (sweep?.outcome === undefined) return;
    const runner = this.props?.backtest === undefined ? actorBacktestRunner : (this.props.backtest ?? undefined);
    const wanted = Math.min(sweep.request.confirmTop, sweep.outcome.results.length);
    if (runner !== undefined && msg.index < wanted) {
      const result = sweep.outcome.results[msg.index]!;
      const { costs, strategy } = sweep.request;
      try {
        const figures = await runner({
          strategy, params: result.params, bars: sweep.run.setup.barList, initialCash: costs.initialCash, commission: costs.commission,
          slippageBps: costs.slippageBps, tickSize: costs.tickSize, periodsPerYear: costs.periodsPerYear,
        });
        sweep.confirmed.push(confirmationRow(result, figures, costs.initialCash));
      } catch (error) {
        this.#end(msg.requestId);
        return this.#send(sweep.requester, ctx, this.#failure(msg.requestId, error, ctx, sweep.outcome.backend, sweep.outcome.combos, sweep.outcome.combos));
      }
      return ctx.tell(ctx.self, { type: 'optimizer.step', requestId: msg.requestId, phase: 'confirm', index: msg.index + 1 });
    }
    const confirmation: ConfirmationReport =
      wanted === 0 ? { status: 'skipped', tolerance: PARITY_TOLERANCE, rows: [] }
      : runner === undefined ? { status: 'unavailable', reason: 'confirmation is off on this node (OptimizerProps.backtest is null)', tolerance: PARITY_TOLERANCE, rows: [] }
      : confirmationReport(sweep.confirmed);
    this.#end(msg.requestId);
    this.#send(sweep.requester, ctx, { type: 'optimizer.result', requestId: msg.requestId, ...sweep.outcome, confirmation, at: ctx.clock.now() });
  }

  #handleCancel(msg: OptimizerCancel, ctx: ActorContext<OptimizerProtocol>): void {
    const sweep = this.#sweeps.get(msg.requestId);
    if (sweep === undefined) {
      return this.#send(ctx.sender, ctx, this.#failure(msg.requestId, new OptimizerError(OPTIMIZER_ERROR_CODES.unknownRequest, `no running sweep ${msg.requestId}`), ctx));
    }
    this.#end(msg.requestId);
    const cancelled: OptimizerReply = { type: 'optimizer.cancelled', requestId: msg.requestId, done: sweep.run.done, total: sweep.run.setup.grid.combos, at: ctx.clock.now() };
    this.#send(sweep.requester, ctx, cancelled);
    if (ctx.sender !== undefined && ctx.sender.path !== sweep.requester?.path) ctx.reply(cancelled);
  }

  async #loadBars(request: ResolvedRequest, ctx: ActorContext<OptimizerProtocol>): Promise<Bar[]> {
    return ctx.system.services.get(BAR_STORE).range(request.symbol, request.interval, request.from, request.to);
  }

  #backend(preference: BackendPreference): Promise<KernelBackend> {
    let backend = this.#backends.get(preference);
    if (backend === undefined) {
      backend = (this.props?.openBackend ?? SweepBackend.open)(preference);
      // A backend that failed to open is not cached: the next request tries again and reports its own failure.
      backend.catch(() => this.#backends.delete(preference));
      this.#backends.set(preference, backend);
    }
    return backend;
  }

  #end(requestId: string): void {
    this.#sweeps.get(requestId)?.run.dispose();
    this.#sweeps.delete(requestId);
  }

  #failure(requestId: string, error: unknown, ctx: ActorContext<OptimizerProtocol>, backend?: string, done = 0, total = 0): OptimizerReply {
    return { type: 'optimizer.failed', requestId, error: errorInfo(error), ...(backend === undefined ? {} : { backend }), done, total, at: ctx.clock.now() };
  }

  /** To the requester (when there is one) and on the event stream, for the CLI and the UI. */
  #send(to: ActorRef | undefined, ctx: ActorContext<OptimizerProtocol>, reply: OptimizerReply): void {
    if (to !== undefined) ctx.tell(to, reply as never);
    ctx.system.events.publish(reply);
  }

  override async stopped(): Promise<void> {
    for (const id of [...this.#sweeps.keys()]) this.#end(id);
    for (const backend of this.#backends.values()) await backend.then((b) => b.destroy()).catch(() => undefined);
    this.#backends.clear();
  }

  override inspect(): Record<string, unknown> {
    return { sweeps: [...this.#sweeps].map(([id, s]) => ({ id, strategy: s.request.strategy, symbol: s.request.symbol, done: s.run.done, total: s.run.setup.grid.combos })) };
  }
}

/** Registers the OptimizerActor as actor kind `optimizer`, so placement can spawn it by name. */
export function registerOptimizerKind(kinds: ActorKinds): void {
  kinds.register(OPTIMIZER_KIND, OptimizerActor);
}
