import test from 'ava';
import type { Socket } from 'node:net';
import { Outbox } from '../../actors/gateway/outbox.js';
import type { SessionOutlet } from '../../actors/gateway/outbox.js';
import type { ServerEvent } from '../../actors/gateway/protocol.js';
import type { SymbolSnapshot } from '../../actors/market/protocol.js';
import { Client, startNode, waitFor } from './harness.js';

type Bar = Extract<ServerEvent, { type: 'market.bar' }>;

/** An outlet whose queue the test sets. */
class FakeOutlet implements SessionOutlet {
  readonly sent: ServerEvent[] = [];
  buffered = 0;
  closed: string | undefined;
  send(event: ServerEvent): void {
    this.sent.push(event);
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  close(code: number, reason: string): void {
    this.closed = `${code} ${reason}`;
  }
}

function bar(symbol: string, i: number, dropped: number): Bar {
  return { type: 'market.bar', symbol, bar: { time: i, open: 1, high: 1, low: 1, close: 100 + i, volume: 1 }, overlay: { time: i }, synthetic: true, dropped };
}

test('while the socket is behind, an outbox holds one bar per symbol, the latest, and counts the ones it dropped', (t) => {
  const outlet = new FakeOutlet();
  const outbox = new Outbox(outlet, { highWaterBytes: 1_000, maxBufferedBytes: 10_000 }, () => 0);
  const symbols = ['AAA', 'BBB', 'CCC'];
  outlet.buffered = 5_000;
  for (let i = 0; i < 1_000; i++) for (const s of symbols) t.true(outbox.offer(`bar:${s}`, (dropped) => bar(s, i, dropped)));
  t.is(outlet.sent.length, 0);
  t.is(outbox.pending, symbols.length, 'memory is bounded by the keys, not by the updates');
  t.is(outbox.droppedTotal, 3 * 999);
  t.true(outbox.flush(), 'still congested: nothing goes out');
  outlet.buffered = 0;
  t.false(outbox.flush());
  t.deepEqual(outlet.sent.map((e) => [(e as Bar).symbol, (e as Bar).bar.time, (e as Bar).dropped]), symbols.map((s) => [s, 999, 999]));
  t.false(outbox.offer('bar:AAA', (d) => bar('AAA', 1_000, d)), 'a socket that keeps up gets bars at once');
  t.is(outlet.sent.length, 4);
});

test('reliable events pass while the socket is behind; past the hard limit the outbox reports an overflow instead of queueing', (t) => {
  const outlet = new FakeOutlet();
  const outbox = new Outbox(outlet, { highWaterBytes: 1_000, maxBufferedBytes: 10_000 }, () => 0);
  outlet.buffered = 5_000;
  t.true(outbox.send({ type: 'pong', time: 1 }));
  outlet.buffered = 10_001;
  t.false(outbox.send({ type: 'pong', time: 2 }));
  t.true(outbox.overflowed);
  t.false(outbox.send({ type: 'pong', time: 3 }), 'an overflowed outbox sends nothing more');
  t.is(outlet.sent.length, 1);
});

test('a latest-wins key with a minimum interval sends at most one value per interval, the newest', (t) => {
  let now = 0;
  const outlet = new FakeOutlet();
  const outbox = new Outbox(outlet, { highWaterBytes: 1_000, maxBufferedBytes: 10_000 }, () => now);
  const pong = (time: number) => () => ({ type: 'pong' as const, time });
  t.false(outbox.offer('portfolio', pong(1), 250));
  t.true(outbox.offer('portfolio', pong(2), 250));
  t.true(outbox.offer('portfolio', pong(3), 250));
  now = 100;
  t.true(outbox.flush(), 'not due yet');
  now = 250;
  t.false(outbox.flush());
  t.deepEqual(outlet.sent.map((e) => (e as { time: number }).time), [1, 3]);
});

test('a client that stops reading gets the latest bar of each symbol when it reads again, and its session holds at most one per symbol meanwhile', async (t) => {
  const node = await startNode({ everyMs: 10, gateway: { session: { highWaterBytes: 64 * 1024, maxBufferedBytes: 512 * 1024 * 1024 } } });
  t.teardown(() => node.stop());
  const client = await Client.open(node);
  const sessionId = (client.events[0] as Extract<ServerEvent, { type: 'welcome' }>).sessionId;
  const symbols = node.host.symbols;
  client.send({ type: 'subscribe', symbols });
  await client.next((e) => e.type === 'subscribed');
  const session = (): { pending: number; dropped: number; buffered: number } => node.host.system.inspectActor(`/gateway/${sessionId}`) as never;

  // Stop reading; ask for large snapshots (they are never dropped) until the OS buffers are full and ws queues.
  const socket = (client.ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  await waitFor(async () => {
    for (let i = 0; i < 15; i++) client.send({ type: 'market.snapshot', symbol: symbols[0]!, bars: 500 });
    await new Promise((r) => setTimeout(r, 800));
    return session().dropped > 0;
  }, 60_000, 'the socket falls behind');
  const before = session().dropped;
  await waitFor(() => session().dropped > before + 10 * symbols.length, 15_000, 'more bars coalesced');
  t.true(session().pending <= symbols.length, `held ${session().pending} for ${symbols.length} symbols`);
  t.true(session().buffered > 64 * 1024);

  // Freeze the feed, read again: each symbol's last bar is its SymbolActor's latest, and some were dropped.
  node.host.system.tell(node.host.refs.marketData, { type: 'marketData.stop' });
  await node.host.system.settled();
  const latest = new Map<string, number>();
  for (const s of symbols) latest.set(s, (await node.host.system.ask<SymbolSnapshot>({ path: `/market/${s}` }, { type: 'symbol.getSnapshot', bars: 1 }, 5_000)).bars[0]!.time);
  socket.resume();
  await waitFor(() => symbols.every((s) => client.events.some((e) => e.type === 'market.bar' && e.symbol === s && e.bar.time === latest.get(s))), 30_000, 'the latest bar of every symbol');
  const bars = client.events.filter((e): e is Bar => e.type === 'market.bar');
  for (const s of symbols) {
    const last = bars.filter((b) => b.symbol === s).at(-1)!;
    t.is(last.bar.time, latest.get(s)!, `${s}: the last bar received is the latest`);
  }
  t.true(bars.some((b) => b.dropped > 0), 'bars were coalesced, and the client was told how many');
  t.is(session().pending, 0);
  t.deepEqual(client.invalid, []);
  await client.close();
});
