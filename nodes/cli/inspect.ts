/**
 * `bifrost inspect <what>`: the operator's view of a node (over HTTP, `--url`) or a cluster (over NATS,
 * `--nats --cluster`). Human output is aligned tables, coloured only on a terminal; `--json` prints the
 * inspector's answers; `--watch` refreshes until Ctrl-C. Exit codes: 0 done, 1 failed (unreachable, not
 * found, a node did not answer), 2 bad usage.
 */
import type { InspectorClient } from '../inspector/client.js';
import { InspectorClientError } from '../inspector/errors.js';
import { HttpInspectorClient } from '../inspector/http-client.js';
import { renderActors, renderDeadLetters, renderNodes, renderOrders, renderPlacement, renderRisk, renderTrees } from '../inspector/render.js';
import { isNodeFailure } from '../inspector/client.js';
import { BifrostError } from '../../runtime/errors.js';
import type { NatsCredentials } from '../../runtime/transport/credentials.js';
import { clusterNameProblem } from '../../runtime/transport/subjects.js';
import { formatTime, palette, wantsColour } from './format.js';
import type { Palette } from './format.js';

/** Where the CLI looks when neither --url nor --nats is given (and BIFROST_INSPECT_URL is unset). */
export const DEFAULT_INSPECT_URL = 'http://127.0.0.1:9464';
/** Seconds between refreshes of `--watch` without a value. */
export const DEFAULT_WATCH_SECONDS = 2;
/** Per-query timeout unless --timeout says otherwise. */
export const DEFAULT_QUERY_TIMEOUT_MS = 5_000;

export const TARGET_USAGE = `where (default ${DEFAULT_INSPECT_URL}, or $BIFROST_INSPECT_URL, or $BIFROST_NATS_URL with $BIFROST_CLUSTER):
  --url URL                          one node's inspector over HTTP (the embedded node, or one cluster node)
  --nats URL[,URL...] --cluster NAME a cluster over NATS; credentials from $BIFROST_NATS_CREDS (a .creds file),
                                     $BIFROST_NATS_TOKEN, or $BIFROST_NATS_USER and $BIFROST_NATS_PASSWORD
  --timeout MS                       per query (default ${DEFAULT_QUERY_TIMEOUT_MS})
`;

export const INSPECT_USAGE = `usage: bifrost inspect <what> [options]

what:
  nodes                              every node: status, heartbeat age, uptime, version, actors, msg/s, memory
  tree [--node N]                    supervision trees with each actor's state, restarts and mailbox depth
  actor <path> [--node N]            one actor: kind, node, placement epoch, mailbox, processed, errors, inspect() summary
  placement                          the cluster's placement table and leader
  deadletters [--node N] [--limit K] dead-letter totals by reason and the most recent ones
  orders [--portfolio P] [--open] [--limit K]
                                     the broker's orders (OMS state, fills)
  risk                               trading state, limits and their utilisation, VaR, trading-state changes

${TARGET_USAGE}
output:
  --json                             the answers as JSON (one line per refresh with --watch)
  --watch [SECONDS]                  refresh every SECONDS (default ${DEFAULT_WATCH_SECONDS}) until Ctrl-C

exit codes: 0 done, 1 failed (unreachable, not found, a node did not answer), 2 bad usage
`;

/** Bad command-line input: exit code 2. */
export class CliUsageError extends BifrostError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

/** A parsed command line: positionals, `--name value` options and `--flag`s. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
}

/**
 * Reads `argv` against the options a command takes: `valued` take a value (`--x v` or `--x=v`), `flags`
 * none, `optional` an optional numeric value. Throws {@link CliUsageError} listing every problem.
 */
export function parseArgs(argv: readonly string[], spec: { valued: readonly string[]; flags: readonly string[]; optional?: readonly string[] }): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (spec.valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) problems.push(`--${name} needs a value`);
      else out.values.set(name, value);
    } else if (spec.optional?.includes(name)) {
      const next = argv[i + 1];
      if (inline !== undefined) out.values.set(name, inline);
      else if (next !== undefined && /^\d+(\.\d+)?$/.test(next)) out.values.set(name, argv[++i]!);
      out.flags.add(name);
    } else if (spec.flags.includes(name) && inline === undefined) {
      out.flags.add(name);
    } else {
      problems.push(`unknown option ${arg}`);
    }
  }
  if (problems.length > 0) throw new CliUsageError(problems.join('; '));
  return out;
}

/** Where to connect. */
export type Target = { readonly kind: 'http'; readonly url: string } | { readonly kind: 'nats'; readonly servers: string[]; readonly cluster: string; readonly credentials?: NatsCredentials };

/** Options shared by every command that reaches a node. */
export const TARGET_OPTIONS = ['url', 'nats', 'cluster', 'timeout'] as const;

/** The target from --url / --nats --cluster, else the environment, else {@link DEFAULT_INSPECT_URL}. */
export function targetOf(args: ParsedArgs, env: Readonly<Record<string, string | undefined>>): Target {
  const url = args.values.get('url');
  const nats = args.values.get('nats') ?? (url === undefined ? env.BIFROST_NATS_URL : undefined);
  if (url !== undefined && args.values.has('nats')) throw new CliUsageError('--url and --nats are mutually exclusive');
  if (nats === undefined) {
    const target = url ?? env.BIFROST_INSPECT_URL ?? DEFAULT_INSPECT_URL;
    if (!/^https?:\/\/[^/]+/.test(target)) throw new CliUsageError(`--url must be an http:// or https:// URL, got ${JSON.stringify(target)}`);
    return { kind: 'http', url: target };
  }
  const cluster = args.values.get('cluster') ?? env.BIFROST_CLUSTER;
  if (cluster === undefined) throw new CliUsageError('--nats needs --cluster NAME (or $BIFROST_CLUSTER)');
  const problem = clusterNameProblem(cluster);
  if (problem !== undefined) throw new CliUsageError(`--cluster: ${problem}`);
  const servers = nats.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (servers.length === 0) throw new CliUsageError('--nats needs at least one server URL');
  const credentials: { -readonly [K in keyof NatsCredentials]?: NatsCredentials[K] } = {};
  if (env.BIFROST_NATS_CREDS) credentials.credsFile = env.BIFROST_NATS_CREDS;
  else if (env.BIFROST_NATS_TOKEN) credentials.token = env.BIFROST_NATS_TOKEN;
  else if (env.BIFROST_NATS_USER && env.BIFROST_NATS_PASSWORD) Object.assign(credentials, { user: env.BIFROST_NATS_USER, pass: env.BIFROST_NATS_PASSWORD });
  return { kind: 'nats', servers, cluster, ...(Object.keys(credentials).length > 0 ? { credentials } : {}) };
}

/** The --timeout value, or the default. */
export function timeoutOf(args: ParsedArgs): number {
  const text = args.values.get('timeout');
  if (text === undefined) return DEFAULT_QUERY_TIMEOUT_MS;
  const ms = Number(text);
  if (!(Number.isInteger(ms) && ms > 0)) throw new CliUsageError(`--timeout: expected a positive number of milliseconds, got ${JSON.stringify(text)}`);
  return ms;
}

/** Opens the client for `target` (the NATS client is loaded only when needed). */
export async function openClient(target: Target, timeoutMs: number): Promise<InspectorClient> {
  if (target.kind === 'http') return new HttpInspectorClient(target.url, timeoutMs + 1_000);
  const { NatsInspectorClient } = await import('../inspector/nats-client.js');
  return NatsInspectorClient.connect({ servers: target.servers, cluster: target.cluster, timeoutMs, ...(target.credentials === undefined ? {} : { credentials: target.credentials }) });
}

/** One answer: what --json prints, how a terminal shows it, and whether every node answered. */
interface Outcome {
  readonly json: unknown;
  readonly human: (p: Palette) => string;
  readonly complete: boolean;
}

const WHAT = ['nodes', 'tree', 'actor', 'placement', 'deadletters', 'orders', 'risk'] as const;
type What = (typeof WHAT)[number];

function positiveInt(args: ParsedArgs, name: string): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isInteger(n) && n > 0)) throw new CliUsageError(`--${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

/** Builds the query of `what` from the arguments (checked before anything connects). */
function queryOf(what: What, args: ParsedArgs): (client: InspectorClient) => Promise<Outcome> {
  const node = args.values.get('node');
  const limit = positiveInt(args, 'limit');
  const extra = args.positionals.slice(what === 'actor' ? 2 : 1);
  if (extra.length > 0) throw new CliUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const allowed: Readonly<Record<What, readonly string[]>> = { nodes: [], tree: ['node'], actor: ['node'], placement: [], deadletters: ['node', 'limit'], orders: ['portfolio', 'open', 'limit'], risk: [] };
  for (const option of ['node', 'limit', 'portfolio', 'open']) {
    if ((args.values.has(option) || args.flags.has(option)) && !allowed[what].includes(option)) throw new CliUsageError(`inspect ${what} takes no --${option}`);
  }
  switch (what) {
    case 'nodes':
      return async (c) => {
        const nodes = await c.nodes();
        return { json: { nodes }, human: (p) => renderNodes(nodes, p), complete: true };
      };
    case 'tree':
      return async (c) => {
        const nodes = await c.trees(node);
        return { json: { nodes }, human: (p) => renderTrees(nodes, p), complete: !nodes.some(isNodeFailure) };
      };
    case 'actor': {
      const path = args.positionals[1];
      if (path === undefined || !path.startsWith('/')) throw new CliUsageError('inspect actor needs an actor path, e.g. /trading/risk');
      return async (c) => {
        const actors = await c.actors(path, node);
        return { json: { actors }, human: (p) => renderActors(actors, p), complete: !actors.some(isNodeFailure) };
      };
    }
    case 'placement':
      return async (c) => {
        const view = await c.placement();
        return { json: view, human: (p) => renderPlacement(view, p), complete: true };
      };
    case 'deadletters':
      return async (c) => {
        const nodes = await c.deadLetters(node, limit);
        return { json: { nodes }, human: (p) => renderDeadLetters(nodes, p), complete: !nodes.some(isNodeFailure) };
      };
    case 'orders': {
      const portfolio = args.values.get('portfolio');
      return async (c) => {
        const view = await c.orders({ ...(portfolio === undefined ? {} : { portfolio }), open: args.flags.has('open'), ...(limit === undefined ? {} : { limit }) });
        return { json: view, human: (p) => renderOrders(view, p), complete: true };
      };
    }
    case 'risk':
      return async (c) => {
        const view = await c.risk();
        return { json: view, human: (p) => renderRisk(view, p), complete: true };
      };
  }
}

/** Writes an error the way every command does: one line on stderr, naming where it tried. */
export function reportError(command: string, error: unknown): number {
  if (error instanceof CliUsageError) {
    process.stderr.write(`bifrost ${command}: ${error.message}\n(see bifrost ${command} --help)\n`);
    return 2;
  }
  const message = error instanceof InspectorClientError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`bifrost ${command}: ${message}\n`);
  return 1;
}

/** `bifrost inspect ...`; resolves with the exit code. */
export async function inspectCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  if (argv.includes('--help') || argv.length === 0) {
    process.stdout.write(INSPECT_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let run: (client: InspectorClient) => Promise<Outcome>;
  let target: Target;
  let args: ParsedArgs;
  let timeoutMs: number;
  try {
    args = parseArgs(argv, { valued: [...TARGET_OPTIONS, 'node', 'limit', 'portfolio'], flags: ['json', 'open'], optional: ['watch'] });
    const what = args.positionals[0] as What;
    if (!WHAT.includes(what)) throw new CliUsageError(`unknown view ${JSON.stringify(args.positionals[0])}; one of ${WHAT.join(', ')}`);
    run = queryOf(what, args);
    target = targetOf(args, env);
    timeoutMs = timeoutOf(args);
  } catch (error) {
    return reportError('inspect', error);
  }
  const json = args.flags.has('json');
  const p = palette(!json && wantsColour(process.stdout, env));
  let client: InspectorClient;
  try {
    client = await openClient(target, timeoutMs);
  } catch (error) {
    return reportError('inspect', error);
  }
  try {
    if (!args.flags.has('watch')) {
      const outcome = await run(client);
      process.stdout.write(json ? `${JSON.stringify(outcome.json, null, 2)}\n` : outcome.human(p));
      return outcome.complete ? 0 : 1;
    }
    const seconds = Number(args.values.get('watch') ?? DEFAULT_WATCH_SECONDS);
    if (!(seconds > 0)) throw new CliUsageError('--watch: expected a positive number of seconds');
    return await watch(client, run, seconds, json, p);
  } catch (error) {
    return reportError('inspect', error);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Refreshes until SIGINT or SIGTERM (exit 0); a failed refresh is shown and the next one tried. */
async function watch(client: InspectorClient, run: (client: InspectorClient) => Promise<Outcome>, seconds: number, json: boolean, p: Palette): Promise<number> {
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const clear = process.stdout.isTTY === true && !json;
  try {
    while (!stopped) {
      let frame: string;
      try {
        const outcome = await run(client);
        frame = json ? `${JSON.stringify(outcome.json)}\n` : outcome.human(p);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        frame = json ? `${JSON.stringify({ error: message })}\n` : `${p.red(message)}\n`;
      }
      if (stopped) break;
      if (clear) process.stdout.write('\x1b[2J\x1b[H');
      if (!json) frame = `${p.dim(`${client.target}, every ${seconds}s, ${formatTime(Date.now())} UTC; Ctrl-C to stop`)}\n${frame}${clear ? '' : '\n'}`;
      process.stdout.write(frame);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, seconds * 1_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
