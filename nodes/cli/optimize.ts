/**
 * `bifrost optimize`: a parameter sweep of a built-in strategy over a CSV of bars, through an OptimizerActor
 * in a local actor system. Progress goes to stderr (a bar on a terminal, plain lines otherwise); the ranked
 * table, or with --json `{ backend, combos, results: [{ params, metrics }] }`, goes to stdout.
 */
import { pino } from 'pino';
import type { CommissionModel } from '../../actors/broker/commission.js';
import { loadCsv } from '../../actors/market/csv.js';
import { OptimizerActor } from '../../actors/optimizer/optimizer-actor.js';
import type { OptimizerProps } from '../../actors/optimizer/optimizer-actor.js';
import type { OptimizerProgress, OptimizerProtocol, OptimizerReply, OptimizerResult } from '../../actors/optimizer/protocol.js';
import type { OptimizeRequest } from '../../actors/optimizer/request.js';
import { Actor, ActorSystem } from '../../runtime/index.js';
import type { ActorContext, ActorRef } from '../../runtime/index.js';

export const OPTIMIZE_USAGE = `usage: bifrost optimize --strategy KIND --symbol SYMBOL --csv PATH --grid SPEC [options]

  --strategy KIND        sma-cross | rsi-reversion | bollinger-atr
  --symbol SYMBOL        symbol of the bars (default: the CSV file name)
  --csv PATH             OHLCV CSV (date,open,high,low,close,volume)
  --grid SPEC            e.g. fast=5..50:5,slow=20..200:10 (from..to[:step], a|b|c, or one value)
  --objective NAME       sharpe (default) | totalReturn | calmar
  --top N                rows in the table (default 10)
  --initial-cash N       default 100000
  --commission SPEC      none | per_share:RATE[:MIN[:MAX_PCT]] | bps:BPS[:MIN] (default per_share:0.005:1:0.01)
  --slippage-bps N       default 0
  --from DATE --to DATE  bars with from <= date < to (YYYY-MM-DD)
  --approach NAME        indexed (default) | inline
  --backend NAME         auto (default) | async | webgpu | gpu | webasm | cpu
  --memory-budget-mb N   device memory per kernel launch (default 256)
  --confirm N            re-run the N best through the actor backtest where available (default 0)
  --json                 print { backend, combos, results } instead of the table
`;

const FLAGS = new Set(['strategy', 'symbol', 'csv', 'grid', 'objective', 'top', 'initial-cash', 'commission', 'slippage-bps', 'from', 'to', 'approach', 'backend', 'memory-budget-mb', 'confirm']);

/** Bad command-line input: exit code 2 and the usage. */
export class OptimizeUsageError extends Error {
  override name = 'OptimizeUsageError';
}

interface CliOptions {
  readonly csv: string;
  readonly symbol: string | undefined;
  readonly json: boolean;
  readonly request: Omit<OptimizeRequest, 'symbol' | 'bars'>;
}

function numberFlag(flags: Map<string, string>, name: string, problems: string[]): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) problems.push(`--${name}: expected a number, got ${JSON.stringify(text)}`);
  return v;
}

function dateFlag(flags: Map<string, string>, name: string, problems: string[]): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(t)) problems.push(`--${name}: expected a date YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return t;
}

/** `none`, `per_share:RATE[:MIN[:MAX_PCT]]` or `bps:BPS[:MIN]`. */
export function parseCommission(text: string): CommissionModel {
  const [kind, ...rest] = text.split(':');
  const nums = rest.map(Number);
  const bad = rest.length === 0 || nums.some((n) => !Number.isFinite(n) || n < 0);
  if (kind === 'none' && rest.length === 0) return { kind: 'none' };
  if (kind === 'per_share' && !bad && nums.length <= 3) {
    return { kind: 'per_share', perShare: nums[0]!, minimumPerOrder: nums[1] ?? 0, ...(nums[2] === undefined ? {} : { maximumPctOfNotional: nums[2] }) };
  }
  if (kind === 'bps' && !bad && nums.length <= 2) return { kind: 'bps', bps: nums[0]!, minimumPerOrder: nums[1] ?? 0 };
  throw new OptimizeUsageError(`--commission: cannot read ${JSON.stringify(text)}; write none, per_share:RATE[:MIN[:MAX_PCT]] or bps:BPS[:MIN]`);
}

/** Reads the command line; throws OptimizeUsageError listing every problem. */
export function parseOptimizeArgs(argv: readonly string[]): CliOptions {
  const flags = new Map<string, string>();
  const problems: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg.startsWith('--') && FLAGS.has(arg.slice(2))) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) problems.push(`${arg}: needs a value`);
      else flags.set(arg.slice(2), value);
      i++;
    } else problems.push(`${JSON.stringify(arg)}: unknown argument`);
  }
  for (const required of ['strategy', 'csv', 'grid']) if (!flags.has(required)) problems.push(`--${required} is required`);
  const top = numberFlag(flags, 'top', problems);
  const initialCash = numberFlag(flags, 'initial-cash', problems);
  const slippageBps = numberFlag(flags, 'slippage-bps', problems);
  const budgetMb = numberFlag(flags, 'memory-budget-mb', problems);
  const confirm = numberFlag(flags, 'confirm', problems);
  const from = dateFlag(flags, 'from', problems);
  const to = dateFlag(flags, 'to', problems);
  let commission: CommissionModel | undefined;
  try {
    commission = flags.has('commission') ? parseCommission(flags.get('commission')!) : undefined;
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) throw new OptimizeUsageError(problems.join('\n'));
  const request: Omit<OptimizeRequest, 'symbol' | 'bars'> = {
    strategy: flags.get('strategy')!,
    grid: flags.get('grid')!,
    confirmTop: confirm ?? 0,
    ...(flags.has('objective') ? { objective: flags.get('objective') as OptimizeRequest['objective'] } : {}),
    ...(top === undefined ? {} : { top }),
    ...(initialCash === undefined ? {} : { initialCash }),
    ...(commission === undefined ? {} : { commission }),
    ...(slippageBps === undefined ? {} : { slippageBps }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(flags.has('approach') ? { approach: flags.get('approach') as OptimizeRequest['approach'] } : {}),
    ...(flags.has('backend') ? { backend: flags.get('backend') as OptimizeRequest['backend'] } : {}),
    ...(budgetMb === undefined ? {} : { memoryBudgetBytes: Math.round(budgetMb * 1024 * 1024) }),
  };
  return { csv: flags.get('csv')!, symbol: flags.get('symbol'), json, request };
}

/** The CLI's side of the protocol: sends the run and hands every reply to `onReply`. */
class CliRequester extends Actor<OptimizerReply, { target: ActorRef<OptimizerProtocol>; run: OptimizerProtocol; onReply: (reply: OptimizerReply) => void }> {
  override started(ctx: ActorContext<OptimizerReply>): void {
    ctx.tell(this.props.target, this.props.run);
  }
  receive(msg: OptimizerReply): void {
    this.props.onReply(msg);
  }
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)}s`;

function progressLine(p: OptimizerProgress, tty: boolean): string {
  const text = `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} combinations, chunk ${p.chunk}/${p.chunks}, ${p.backend}, ETA ${seconds(p.etaMs)}`;
  if (!tty) return `progress: ${text}\n`;
  const width = 30;
  const filled = Math.round((p.done / p.total) * width);
  return `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.floor((p.done / p.total) * 100)}% ${text}${p.done === p.total ? '\n' : ''}`;
}

/** The ranked table, best first. */
export function resultTable(r: OptimizerResult): string {
  const names = Object.keys(r.results[0]?.params ?? {});
  const rows = [['#', ...names, 'sharpe', 'return', 'cagr', 'max dd', 'calmar', 'trades', 'final equity']];
  for (const x of r.results) {
    const m = x.metrics;
    rows.push([String(x.rank), ...names.map((n) => String(x.params[n])), m.sharpe.toFixed(3), pct(m.totalReturn), pct(m.cagr), pct(m.maxDrawdown), m.calmar.toFixed(3), String(m.trades), m.finalEquity.toFixed(2)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const head = [
    `${r.strategy} on ${r.symbol}: ${r.bars.toLocaleString('en-US')} bars ${day(r.firstBarTime)}..${day(r.lastBarTime)}, ${r.combos.toLocaleString('en-US')} combinations${r.skipped > 0 ? ` (${r.skipped} ruled out)` : ''}, ranked by ${r.objective}`,
    `backend ${r.backend} (${r.backendReport.arithmetic}, gpu.js mode ${r.backendReport.gpuMode}${r.backendReport.fallbackReason === null ? '' : `, fell back: ${r.backendReport.fallbackReason}`}), ${r.approach} indicators, ${r.chunks} chunk(s), ${seconds(r.elapsedMs)}`,
  ];
  const table = rows.map((row) => row.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
  const conf = r.confirmation;
  const tail = conf.status === 'skipped' ? [] : [`confirmation through the actor backtest: ${conf.status}${conf.reason === undefined ? '' : ` (${conf.reason})`}`, ...conf.rows.map((c) => `  #${c.rank}: final equity ${c.kernel.finalEquity.toFixed(2)} vs ${c.backtest.finalEquity.toFixed(2)} (Δ ${c.diff.finalEquity.toFixed(2)}), trades ${c.kernel.trades} vs ${c.backtest.trades}${c.backtest.denials > 0 ? `, ${c.backtest.denials} order(s) denied by risk` : ''}${c.withinTolerance ? '' : '  OUTSIDE TOLERANCE'}`)];
  return [...head, '', ...table, ...(tail.length > 0 ? ['', ...tail] : [])].join('\n') + '\n';
}

/** Runs the command; resolves to the exit code. */
export async function optimizeCommand(argv: readonly string[], props: OptimizerProps = {}): Promise<number> {
  let options: CliOptions;
  try {
    options = parseOptimizeArgs(argv);
  } catch (error) {
    process.stderr.write(`bifrost optimize: ${(error as Error).message}\n\n${OPTIMIZE_USAGE}`);
    return 2;
  }
  let bars;
  try {
    bars = (await loadCsv(options.csv, options.symbol === undefined ? {} : { symbol: options.symbol })).bars;
  } catch (error) {
    process.stderr.write(`bifrost optimize: ${(error as Error).message}\n`);
    return 2;
  }
  const symbol = options.symbol ?? bars[0]?.symbol ?? 'UNKNOWN';
  const system = ActorSystem.create({ node: 'cli', logger: pino({ level: 'silent' }) });
  const tty = process.stderr.isTTY === true;
  try {
    const optimizer = system.spawn(OptimizerActor, 'optimizer', props);
    const reply = await new Promise<OptimizerReply>((resolve) => {
      system.spawn(CliRequester, 'cli', {
        target: optimizer,
        run: { type: 'optimizer.run', requestId: 'cli', request: { ...options.request, symbol, bars } },
        onReply: (r) => {
          if (r.type === 'optimizer.progress') {
            process.stderr.write(progressLine(r, tty));
          } else resolve(r);
        },
      });
    });
    if (reply.type === 'optimizer.result') {
      process.stdout.write(options.json ? `${JSON.stringify({ backend: reply.backend, combos: reply.combos, results: reply.results.map((r) => ({ params: r.params, metrics: r.metrics })) })}\n` : resultTable(reply));
      return 0;
    }
    if (reply.type === 'optimizer.failed') {
      process.stderr.write(`bifrost optimize: ${reply.error.message}\n`);
      return ['INVALID_GRID', 'INVALID_OPTIMIZE_REQUEST', 'NO_BARS', 'UNKNOWN_STRATEGY'].includes(reply.error.code ?? '') ? 2 : 1;
    }
    process.stderr.write(`bifrost optimize: sweep ${reply.type}\n`);
    return 1;
  } finally {
    await system.shutdown();
  }
}
