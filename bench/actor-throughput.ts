/**
 * Actor kernel throughput against raw nact in the same process.
 *   npm run bench -- actor-throughput [--json] [--quick]
 * Figures: messages/s through one actor, through a 3-actor pipeline, ping-pong round trip, and
 * messages/s to one child of a 10,000-child supervisor.
 */
import { dispatch, spawn, spawnStateless, start, stop } from 'nact';
import { pino } from 'pino';
import { Actor, ActorSystem } from '../runtime/index.js';
import type { ActorContext, ActorRef, Message } from '../runtime/index.js';
import { medianOf, now, perSecond, progress, report } from './_harness.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 3;
const N_OURS = quick ? 200_000 : 2_000_000;
const N_NACT = quick ? 50_000 : 300_000;
const PINGS = quick ? 10_000 : 50_000;
const CHILDREN = 10_000;
const N_ROUTED = quick ? 200 : 1_000;

type Tick = { type: 'tick' };
const TICK: Tick = Object.freeze({ type: 'tick' });

function newSystem(): ActorSystem {
  const system = ActorSystem.create({ logger: pino({ level: 'silent' }) });
  // A lost message would leave a run waiting forever; fail loudly instead.
  system.events.subscribe('deadLetter', (e) => {
    console.error(`dead letter in benchmark: ${JSON.stringify(e)}`);
    process.exit(1);
  });
  return system;
}

/** The producer sends a whole run before the consumer starts, so the mailbox must hold it. */
const BIG_MAILBOX = { mailbox: { capacity: Infinity } } as const;

// ---------- Bifrost ----------

class Sink extends Actor<Tick, { n: number; done: () => void }> {
  #count = 0;
  receive(): void {
    if (++this.#count === this.props.n) this.props.done();
  }
}

class Relay extends Actor<Tick, { next: ActorRef<Tick> }> {
  receive(msg: Tick, ctx: ActorContext<Tick>): void {
    ctx.tell(this.props.next, msg);
  }
}

async function oursOneActor(n: number): Promise<number> {
  const system = newSystem();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const sink = system.spawn(Sink, 'sink', { n, done }, BIG_MAILBOX);
  const t0 = now();
  for (let i = 0; i < n; i++) system.tell(sink, TICK);
  await finished;
  const rate = perSecond(n, now() - t0);
  await system.shutdown();
  return rate;
}

async function oursPipeline(n: number): Promise<number> {
  const system = newSystem();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const c = system.spawn(Sink, 'c', { n, done }, BIG_MAILBOX);
  const b = system.spawn(Relay, 'b', { next: c }, BIG_MAILBOX);
  const a = system.spawn(Relay, 'a', { next: b }, BIG_MAILBOX);
  const t0 = now();
  for (let i = 0; i < n; i++) system.tell(a, TICK);
  await finished;
  const rate = perSecond(n, now() - t0);
  await system.shutdown();
  return rate;
}

type Ping = { type: 'ping' } | { type: 'pong' } | { type: 'go'; peer: ActorRef<Ping> };

class Pinger extends Actor<Ping, { n: number; done: () => void }> {
  #left = 0;
  #peer: ActorRef<Ping> | undefined;
  receive(msg: Ping, ctx: ActorContext<Ping>): void {
    if (msg.type === 'go') {
      this.#peer = msg.peer;
      this.#left = this.props.n;
      ctx.tell(msg.peer, { type: 'ping' });
    } else if (--this.#left === 0) this.props.done();
    else ctx.tell(this.#peer!, { type: 'ping' });
  }
}

class Ponger extends Actor<Ping> {
  receive(_msg: Ping, ctx: ActorContext<Ping>): void {
    ctx.reply({ type: 'pong' });
  }
}

async function oursPingPong(n: number): Promise<number> {
  const system = newSystem();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const pinger = system.spawn(Pinger, 'pinger', { n, done });
  const ponger = system.spawn(Ponger, 'ponger');
  const t0 = now();
  system.tell(pinger, { type: 'go', peer: ponger });
  await finished;
  const usPerRoundTrip = ((now() - t0) * 1_000) / n;
  await system.shutdown();
  return usPerRoundTrip;
}

class Parent extends Actor<Message> {
  override started(ctx: ActorContext): void {
    for (let i = 0; i < CHILDREN; i++) ctx.spawn(Sink, `c${i}`, { n: Number.MAX_SAFE_INTEGER, done: () => {} }, BIG_MAILBOX);
  }
  receive(): void {}
}

async function oursWideSupervisor(n: number): Promise<number> {
  const system = newSystem();
  system.spawn(Parent, 'symbols');
  await system.settled();
  const child = system.lookup<Tick>('/symbols/c7')!;
  const t0 = now();
  for (let i = 0; i < n; i++) system.tell(child, TICK);
  await system.settled();
  const rate = perSecond(n, now() - t0);
  const processed = system.statsOf('/symbols/c7')!.processed;
  if (processed !== n) throw new Error(`lost messages: ${processed} of ${n}`);
  await system.shutdown();
  return rate;
}

// ---------- raw nact ----------

async function nactOneActor(n: number): Promise<number> {
  const sys = start();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let count = 0;
  const sink = spawnStateless(sys, () => { if (++count === n) done(); }, 'sink');
  const t0 = now();
  for (let i = 0; i < n; i++) dispatch(sink, TICK);
  await finished;
  const rate = perSecond(n, now() - t0);
  stop(sys);
  return rate;
}

async function nactPipeline(n: number): Promise<number> {
  const sys = start();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let count = 0;
  const c = spawnStateless(sys, () => { if (++count === n) done(); }, 'c');
  const b = spawnStateless(sys, (msg: Tick) => dispatch(c, msg), 'b');
  const a = spawnStateless(sys, (msg: Tick) => dispatch(b, msg), 'a');
  const t0 = now();
  for (let i = 0; i < n; i++) dispatch(a, TICK);
  await finished;
  const rate = perSecond(n, now() - t0);
  stop(sys);
  return rate;
}

async function nactPingPong(n: number): Promise<number> {
  const sys = start();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let left = n;
  const ponger = spawnStateless(sys, (msg: { type: string; from: any }) => dispatch(msg.from, { type: 'pong' }), 'ponger');
  const pinger: any = spawnStateless(sys, () => {
    if (--left === 0) done();
    else dispatch(ponger, { type: 'ping', from: pinger });
  }, 'pinger');
  const t0 = now();
  dispatch(ponger, { type: 'ping', from: pinger });
  await finished;
  const us = ((now() - t0) * 1_000) / n;
  stop(sys);
  return us;
}

/** nact with messages sent straight to one child of a 10,000-child parent. */
async function nactWideDirect(n: number): Promise<number> {
  const sys = start();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let count = 0;
  const parent = spawn(sys, (state: unknown) => state, 'symbols');
  let target: any;
  for (let i = 0; i < CHILDREN; i++) {
    const ref = spawnStateless(parent, () => { if (++count === n) done(); }, `c${i}`);
    if (i === 7) target = ref;
  }
  const t0 = now();
  for (let i = 0; i < n; i++) dispatch(target, TICK);
  await finished;
  const rate = perSecond(n, now() - t0);
  stop(sys);
  return rate;
}

/** nact's supervision idiom: the parent that owns 10,000 children routes each message to one of them. */
async function nactWideRouted(n: number): Promise<number> {
  const sys = start();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let count = 0;
  const parent = spawn(sys, (state: unknown, msg: { type: string; child: string }, ctx: any) => {
    dispatch(ctx.children.get(msg.child), TICK);
    return state;
  }, 'symbols');
  for (let i = 0; i < CHILDREN; i++) spawnStateless(parent, () => { if (++count === n) done(); }, `c${i}`);
  const t0 = now();
  for (let i = 0; i < n; i++) dispatch(parent, { type: 'route', child: 'c7' });
  await finished;
  const rate = perSecond(n, now() - t0);
  stop(sys);
  return rate;
}

progress(`one actor: ${N_OURS.toLocaleString()} messages (nact ${N_NACT.toLocaleString()}), median of ${RUNS}`);
const one = await medianOf(RUNS, () => oursOneActor(N_OURS));
const oneNact = await medianOf(RUNS, () => nactOneActor(N_NACT));
progress('3-actor pipeline');
const pipe = await medianOf(RUNS, () => oursPipeline(N_OURS / 2));
const pipeNact = await medianOf(RUNS, () => nactPipeline(N_NACT));
progress('ping-pong');
const pp = await medianOf(RUNS, () => oursPingPong(PINGS));
const ppNact = await medianOf(RUNS, () => nactPingPong(PINGS));
progress('10,000-child supervisor');
const wide = await medianOf(RUNS, () => oursWideSupervisor(N_OURS / 2));
const wideDirect = await medianOf(RUNS, () => nactWideDirect(N_NACT));
const wideRouted = await medianOf(1, () => nactWideRouted(N_ROUTED));

report({
  bench: 'actor-throughput',
  metrics: {
    one_actor_msgs_per_s: one,
    pipeline_msgs_per_s: pipe,
    ping_pong_round_trip_us: pp,
    wide_supervisor_child_msgs_per_s: wide,
    wide_supervisor_vs_nact_direct_msgs_per_s: wide,
  },
  baseline: {
    one_actor_msgs_per_s: oneNact,
    pipeline_msgs_per_s: pipeNact,
    ping_pong_round_trip_us: ppNact,
    wide_supervisor_child_msgs_per_s: wideRouted,
    wide_supervisor_vs_nact_direct_msgs_per_s: wideDirect,
  },
  ratio: {
    one_actor_msgs_per_s: one / oneNact,
    pipeline_msgs_per_s: pipe / pipeNact,
    ping_pong_round_trip_us: pp / ppNact,
    wide_supervisor_child_msgs_per_s: wide / wideRouted,
    wide_supervisor_vs_nact_direct_msgs_per_s: wide / wideDirect,
  },
  notes: {
    baseline: 'raw nact 7.6 in the same process; wide_supervisor baseline = nact parent routing to one of its 10,000 children (the per-message children-map copy); the _vs_nact_direct row compares with nact sending straight to the child',
    ratio: 'ours / baseline: higher is better for msgs_per_s, lower is better for round_trip_us',
  },
});
