/**
 * Remote messaging across two node processes on a three-server NATS cluster (with JetStream) that this
 * benchmark starts itself, against raw nats.js on the same servers and connections' routes.
 *   node --import=tsx bench/remote.ts [--json] [--quick]
 * Figures: remote tell messages/s (vs raw core pub/sub of the same message, msgpack-encoded), ask round
 * trip p50/p99 (vs raw request/reply), and failover time after SIGKILL of the node hosting a placed actor
 * (vs the 3 s target). The sender node is connected to server 1, the receiver to server 2, so every message
 * crosses a route, ours and raw alike. BENCH_CHILD_FLAGS passes Node flags to the two node processes
 * (e.g. `--cpu-prof`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pack, unpack } from 'msgpackr';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { pino } from 'pino';
import { ClusterNode } from '../runtime/cluster/index.js';
import { NatsTransport } from '../runtime/transport/index.js';
import { Actor, ActorSystem } from '../runtime/index.js';
import type { ActorContext, ActorRef } from '../runtime/index.js';
import { startNatsCluster } from '../test/helpers/nats-cluster.js';
import { json, median, now, percentile, perSecond, progress, report } from './_harness.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 3;
const TELLS = quick ? 50_000 : 200_000;
const ASKS = quick ? 1_000 : 5_000;
const BATCH = 2_000;
const ASK_SLICE = 250;
const FAILOVER_TARGET_MS = 3_000;
const CLUSTER = 'bench';

type Tick = { readonly type: 'bench.tick'; readonly seq: number; readonly sym: string; readonly px: number; readonly qty: number };
type BenchMsg = Tick | { readonly type: 'bench.count' } | { readonly type: 'bench.ping'; readonly seq: number };
const tick = (seq: number): Tick => ({ type: 'bench.tick', seq, sym: 'AAPL', px: 187.25, qty: 100 });

/** Counts ticks; answers `bench.count` with the total. */
class Sink extends Actor<BenchMsg> {
  #count = 0;
  receive(msg: BenchMsg, ctx: ActorContext<BenchMsg>): void {
    if (msg.type === 'bench.tick') this.#count++;
    else ctx.reply({ type: 'bench.counted', count: this.#count });
  }
}

/** Answers every message with a pong. */
class Echo extends Actor<BenchMsg> {
  receive(msg: BenchMsg, ctx: ActorContext<BenchMsg>): void {
    ctx.reply({ type: 'bench.pong', seq: msg.type === 'bench.ping' ? msg.seq : -1, node: ctx.system.node });
  }
}

interface ChildConfig {
  readonly role: 'sender' | 'receiver';
  readonly node: string;
  readonly servers: readonly string[];
}

const emit = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

async function startNode(config: ChildConfig): Promise<{ node: ClusterNode; raw: NatsConnection }> {
  const system = ActorSystem.create({ node: config.node, logger: pino({ level: 'silent' }) });
  system.kinds.register('bench-echo', Echo);
  system.events.subscribe('deadLetter', (e) => emit({ type: 'deadLetter', event: e }));
  const node = await ClusterNode.start({
    system,
    clusterName: CLUSTER,
    servers: config.servers,
    roles: [config.role === 'receiver' ? 'worker' : 'standby'],
    placementRules: { 'bench-echo': ['worker', 'standby'] },
    transport: { acceptUnregisteredTypes: true },
  });
  const raw = await connect({ servers: [...config.servers], name: `raw-${config.node}` });
  return { node, raw };
}

// ---------- child: receiver ----------

async function receiver(config: ChildConfig): Promise<void> {
  const { node, raw } = await startNode(config);
  node.system.spawn(Sink, 'sink', undefined, { mailbox: { capacity: Infinity } });
  node.system.spawn(Echo, 'echo');
  let rawCount = 0;
  raw.subscribe('bench.raw.tell', {
    callback: (_e, msg) => {
      // Decode like any consumer would: the baseline is raw pub/sub of the same message, used.
      if (msg.data.byteLength > 0 && (unpack(msg.data) as Tick).type === 'bench.tick') rawCount++;
      else msg.respond(pack({ count: rawCount }));
    },
  });
  raw.subscribe('bench.raw.echo', { callback: (_e, msg) => msg.respond(msg.data) });
  await raw.flush();
  emit({ type: 'ready' });
}

// ---------- child: sender (measures) ----------

async function yieldTurn(): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
}

async function sender(config: ChildConfig): Promise<void> {
  const { node, raw } = await startNode(config);
  const system = node.system;
  const sink: ActorRef<BenchMsg> = { node: 'recv', path: '/sink' };
  const echo: ActorRef<BenchMsg> = { node: 'recv', path: '/echo' };
  for (let i = 0; (await node.transport.probe('recv')) !== 'alive'; i++) if (i > 200) throw new Error('receiver unreachable');
  let sinkTotal = 0;
  let rawTotal = 0;

  // The same tells through a transport with batching off, to show what batching buys.
  const unbatched = ActorSystem.create({ node: 'send-unbatched', logger: pino({ level: 'silent' }) });
  await NatsTransport.connect(unbatched, { cluster: CLUSTER, servers: config.servers, acceptUnregisteredTypes: true, maxBatchBytes: 0 });
  const oursTell = async (n: number, from = system): Promise<number> => {
    const t0 = now();
    for (let i = 0; i < n; i++) {
      from.tell(sink, tick(i));
      if (i % BATCH === BATCH - 1) await yieldTurn();
    }
    const r = await from.ask<{ count: number }, BenchMsg>(sink, { type: 'bench.count' }, 60_000);
    sinkTotal += n;
    if (r.count !== sinkTotal) throw new Error(`lost tells: ${r.count} of ${sinkTotal}`);
    return perSecond(n, now() - t0);
  };
  const rawTell = async (n: number): Promise<number> => {
    const t0 = now();
    for (let i = 0; i < n; i++) {
      raw.publish('bench.raw.tell', pack(tick(i)));
      if (i % BATCH === BATCH - 1) await yieldTurn();
    }
    const reply = await raw.request('bench.raw.tell', new Uint8Array(0), { timeout: 60_000 });
    rawTotal += n;
    const { count } = unpack(reply.data) as { count: number };
    if (count !== rawTotal) throw new Error(`lost raw publishes: ${count} of ${rawTotal}`);
    return perSecond(n, now() - t0);
  };
  const oursAsk = async (n: number, into: number[]): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const t0 = now();
      await system.ask<unknown, BenchMsg>(echo, { type: 'bench.ping', seq: i }, 5_000);
      into.push((now() - t0) * 1_000);
    }
  };
  const rawAsk = async (n: number, into: number[]): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const t0 = now();
      await raw.request('bench.raw.echo', pack({ type: 'bench.ping', seq: i }), { timeout: 5_000 });
      into.push((now() - t0) * 1_000);
    }
  };

  // Asks first (before the tell runs leave garbage for the collector), alternating ours and raw in
  // slices so periodic work (heartbeats, GC) falls on both alike.
  for (let i = 0; i < 8; i++) {
    await oursAsk(ASK_SLICE, []); // warm-up: let the JIT settle both paths
    await rawAsk(ASK_SLICE, []);
  }
  const askOurs: number[] = [];
  const askRaw: number[] = [];
  for (let done = 0; done < ASKS * RUNS; done += ASK_SLICE) {
    await oursAsk(ASK_SLICE, askOurs);
    await rawAsk(ASK_SLICE, askRaw);
  }
  await oursTell(TELLS / 10);
  await rawTell(TELLS / 10);
  await oursTell(TELLS / 10, unbatched);
  const tellOurs: number[] = [];
  const tellRaw: number[] = [];
  const tellUnbatched: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    tellOurs.push(await oursTell(TELLS));
    tellRaw.push(await rawTell(TELLS));
    tellUnbatched.push(await oursTell(TELLS, unbatched));
  }
  askOurs.sort((a, b) => a - b);
  askRaw.sort((a, b) => a - b);
  emit({
    type: 'figures',
    tellOurs: median(tellOurs),
    tellRaw: median(tellRaw),
    tellUnbatched: median(tellUnbatched),
    askP50Ours: percentile(askOurs, 50),
    askP99Ours: percentile(askOurs, 99),
    askP50Raw: percentile(askRaw, 50),
    askP99Raw: percentile(askRaw, 99),
    askP90Ours: percentile(askOurs, 90),
    askP90Raw: percentile(askRaw, 90),
    frameBytes: node.transport.codec.encodeEnvelope({ type: 'bench.tick', version: 1, id: 'abcdef-1a2b', recipient: sink, sender: { node: 'send', path: '/x' }, body: tick(1) }).byteLength,
    rawBytes: pack(tick(1)).byteLength,
  });

  // Failover: a placed echo goes to the receiver (role worker); the parent SIGKILLs it; time until it
  // answers from this node (role standby).
  await node.place({ kind: 'bench-echo', name: 'fo' });
  const answer = async (): Promise<{ node: string } | undefined> => {
    const ref = node.refOf<BenchMsg>('bench-echo', 'fo');
    if (ref === undefined) return undefined;
    return system.ask<{ node: string }, BenchMsg>(ref, { type: 'bench.ping', seq: 0 }, 250).catch(() => undefined);
  };
  for (let r = await answer(); r?.node !== 'recv'; r = await answer()) await new Promise((res) => setTimeout(res, 20));
  emit({ type: 'kill-receiver' });
  for (let r = await answer(); r?.node !== 'send'; r = await answer()) await new Promise((res) => setTimeout(res, 10));
  emit({ type: 'recovered', wallClock: Date.now() });
  await node.stop();
  await raw.close();
  await system.shutdown();
  process.exit(0);
}

// ---------- parent ----------

function child(config: ChildConfig): { proc: ChildProcess; next: (type: string) => Promise<Record<string, unknown>> } {
  const proc = spawn(process.execPath, [...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean), '--import=tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Array<Record<string, unknown>> = [];
  const waiting = new Map<string, (line: Record<string, unknown>) => void>();
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (line.type === 'deadLetter') {
      console.error(`dead letter in ${config.node}: ${JSON.stringify(line.event)}`);
      process.exitCode = 1;
    }
    const wake = waiting.get(String(line.type));
    if (wake !== undefined) {
      waiting.delete(String(line.type));
      wake(line);
    } else lines.push(line);
  });
  const next = (type: string): Promise<Record<string, unknown>> => {
    const i = lines.findIndex((l) => l.type === type);
    if (i >= 0) return Promise.resolve(lines.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      waiting.set(type, resolve);
      proc.once('exit', (code) => reject(new Error(`${config.node} exited (${code}) before "${type}"`)));
    });
  };
  return { proc, next };
}

async function main(): Promise<void> {
  progress('starting a 3-server NATS cluster with JetStream');
  const nats = await startNatsCluster({ clusterName: 'bench' });
  const children: ChildProcess[] = [];
  process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));
  const cleanup = async (): Promise<void> => {
    for (const c of children) c.kill('SIGKILL');
    await nats.stop();
  };
  try {
    const recv = child({ role: 'receiver', node: 'recv', servers: [nats.urls[1]!] });
    children.push(recv.proc);
    await recv.next('ready');
    progress(`measuring: ${TELLS.toLocaleString()} tells x ${RUNS} runs, ${ASKS.toLocaleString()} sequential asks x ${RUNS}, ours and raw alternating`);
    const send = child({ role: 'sender', node: 'send', servers: [nats.urls[0]!] });
    children.push(send.proc);
    const f = (await send.next('figures')) as Record<string, number>;
    await send.next('kill-receiver');
    const killedAt = Date.now();
    recv.proc.kill('SIGKILL');
    progress('receiver SIGKILLed; waiting for the placed actor to answer from the sender');
    const recovered = await send.next('recovered');
    const failoverMs = (recovered.wallClock as number) - killedAt;
    await new Promise<void>((r) => (send.proc.exitCode !== null ? r() : send.proc.once('exit', () => r())));
    report({
      bench: 'remote',
      metrics: { remote_tell_msgs_per_s: f.tellOurs!, remote_tell_unbatched_msgs_per_s: f.tellUnbatched!, ask_p50_us: f.askP50Ours!, ask_p99_us: f.askP99Ours!, failover_ms: failoverMs },
      baseline: { remote_tell_msgs_per_s: f.tellRaw!, remote_tell_unbatched_msgs_per_s: f.tellRaw!, ask_p50_us: f.askP50Raw!, ask_p99_us: f.askP99Raw!, failover_ms: FAILOVER_TARGET_MS },
      ratio: {
        remote_tell_msgs_per_s: f.tellOurs! / f.tellRaw!,
        remote_tell_unbatched_msgs_per_s: f.tellUnbatched! / f.tellRaw!,
        ask_p50_us: f.askP50Ours! / f.askP50Raw!,
        ask_p99_us: f.askP99Ours! / f.askP99Raw!,
        failover_ms: failoverMs / FAILOVER_TARGET_MS,
      },
      notes: {
        baseline: 'raw nats.js 2.29 in the same two processes, same servers and route: core publish of the msgpack-encoded message, unpacked by the subscriber / request-reply; failover baseline = the 3 s target',
        frames: `a tick is ${f.frameBytes} bytes as a Bifrost envelope, ${f.rawBytes} bytes raw`,
        targets: 'tell >= 0.6x raw; ask p99 <= 1.3x raw; failover <= 3,000 ms',
        ask_p90_us: `ours ${Math.round(f.askP90Ours!)}, raw ${Math.round(f.askP90Raw!)}`,
      },
    });
  } finally {
    await cleanup();
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  const config = JSON.parse(process.argv[childAt + 1]!) as ChildConfig;
  await (config.role === 'receiver' ? receiver(config) : sender(config));
} else {
  await main();
  if (!json) progress('done');
}
