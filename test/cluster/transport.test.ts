import test from 'ava';
import type { ExecutionContext } from 'ava';
import { pack } from 'msgpackr';
import { connect } from 'nats';
import { Codec, MessageRegistry } from '../../runtime/codec/index.js';
import { Actor, ActorNotFoundError, AskTimeoutError } from '../../runtime/index.js';
import type { ActorContext, ActorRef, ActorSystem } from '../../runtime/index.js';
import { actorSubject, NatsTransport, NodeUnreachableError, RemoteDeliveryError } from '../../runtime/transport/index.js';
import type { NatsTransportOptions } from '../../runtime/transport/index.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import type { NatsCluster } from '../helpers/nats-cluster.js';
import { clusterSystem, deadLetters, Echo, ECHO_TYPES, waitFor } from './support.js';
import type { EchoMsg, EchoReply } from './support.js';

let nats: NatsCluster;
let clusterSeq = 0;

test.before(async () => {
  nats = await startNatsCluster();
});
test.after.always(async () => {
  await nats?.stop();
});

/** A typed ref to an Echo-protocol actor on another node. */
function at(node: string, path: string): ActorRef<EchoMsg> {
  return { node, path };
}

function echoRegistry(): MessageRegistry {
  const registry = new MessageRegistry();
  for (const type of [...ECHO_TYPES, 'relay.go', 'relay.get', 'relay.pongs']) registry.register(type, { version: 1 });
  return registry;
}

/** `count` nodes, node i connected only to server i (mod 3), on a cluster name of their own. */
async function nodes(t: ExecutionContext, count: number, options: Partial<NatsTransportOptions> | ((i: number) => Partial<NatsTransportOptions>) = {}): Promise<{ cluster: string; systems: ActorSystem[]; transports: NatsTransport[] }> {
  const cluster = `t${process.pid}-${++clusterSeq}`;
  const systems: ActorSystem[] = [];
  const transports: NatsTransport[] = [];
  for (let i = 0; i < count; i++) {
    const system = clusterSystem(`node-${String.fromCharCode(97 + i)}`);
    systems.push(system);
    const transport = await NatsTransport.connect(system, { cluster, servers: nats.urls[i % nats.urls.length]!, registry: echoRegistry(), ...(typeof options === 'function' ? options(i) : options) });
    transports.push(transport);
    t.teardown(async () => {
      await transport.close();
      await system.shutdown();
    });
  }
  // Subscriptions reach the other servers over routes a moment after connect: wait until every node
  // answers every other node's probe, or early sends would meet NATS's no-responders.
  for (const from of transports) for (const to of systems) await waitFor(`${to.node} reachable`, async () => (await from.probe(to.node)) === 'alive');
  return { cluster, systems, transports };
}

test('a remote tell and ask reach an actor on another node, each node connected to a different server', async (t) => {
  const { systems: [a, b], transports } = await nodes(t, 2);
  t.not(transports[0]!.connection.getServer(), transports[1]!.connection.getServer());
  b!.spawn(Echo, 'echo');
  const remote = at('node-b', '/echo');
  for (let i = 0; i < 5; i++) a!.tell(remote, { type: 'echo.note', text: `n${i}` });
  const notes = await a!.ask<EchoReply, EchoMsg>(remote, { type: 'echo.notes' }, 5_000);
  t.deepEqual(notes, { type: 'echo.notes', notes: ['n0', 'n1', 'n2', 'n3', 'n4'] }, 'tells arrive in order, before the ask sent after them');
  const started = performance.now();
  const pong = await a!.ask<EchoReply, EchoMsg>(remote, { type: 'echo.ping', n: 7 }, 5_000);
  t.log(`one remote ask round trip across a route: ${(performance.now() - started).toFixed(2)} ms`);
  t.deepEqual(pong, { type: 'echo.pong', n: 7, from: 'node-b' });
});

type RelayMsg = { readonly type: 'relay.go'; readonly to: ActorRef<EchoMsg>; readonly n: number } | { readonly type: 'relay.get' } | EchoReply;

/** Sends a ping as itself and keeps the pong it gets back. */
class Relay extends Actor<RelayMsg> {
  readonly pongs: EchoReply[] = [];
  receive(msg: RelayMsg, ctx: ActorContext<RelayMsg>): void {
    switch (msg.type) {
      case 'relay.go':
        return ctx.tell(msg.to, { type: 'echo.ping', n: msg.n });
      case 'relay.get':
        return ctx.reply({ type: 'relay.pongs', pongs: [...this.pongs] });
      default:
        this.pongs.push(msg);
    }
  }
}

test('an actor replying to a sender on another node reaches that actor', async (t) => {
  const { systems: [a, b] } = await nodes(t, 2);
  b!.spawn(Echo, 'echo');
  const relay = a!.spawn(Relay, 'relay');
  a!.tell(relay, { type: 'relay.go', to: at('node-b', '/echo'), n: 4 });
  const got = await waitFor('the pong at the relay', async () => {
    const r = await a!.ask<{ pongs: EchoReply[] }>(relay, { type: 'relay.get' }, 1_000);
    return r.pongs.length > 0 ? r.pongs : undefined;
  });
  t.deepEqual(got, [{ type: 'echo.pong', n: 4, from: 'node-b' }]);
});

test('an ask forwarded back to the asking node is answered from there', async (t) => {
  const { systems: [a, b] } = await nodes(t, 2);
  b!.spawn(Echo, 'echo');
  a!.spawn(Echo, 'local');
  const pong = await a!.ask<EchoReply, EchoMsg>(at('node-b', '/echo'), { type: 'echo.forward', to: at('node-a', '/local'), n: 3 }, 5_000);
  t.deepEqual(pong, { type: 'echo.pong', n: 3, from: 'node-a' });
});

test('a local ask forwarded to another node is answered back across the wire', async (t) => {
  const { systems: [a, b] } = await nodes(t, 2);
  b!.spawn(Echo, 'echo');
  const local = a!.spawn(Echo, 'local');
  const pong = await a!.ask<EchoReply, EchoMsg>(local, { type: 'echo.forward', to: at('node-b', '/echo'), n: 5 }, 5_000);
  t.deepEqual(pong, { type: 'echo.pong', n: 5, from: 'node-b' });
});

test('an ask forwarded to a third node is answered from that node straight to the asker', async (t) => {
  const { systems: [a, b, c] } = await nodes(t, 3);
  b!.spawn(Echo, 'echo');
  c!.spawn(Echo, 'echo');
  const pong = await a!.ask<EchoReply, EchoMsg>(at('node-b', '/echo'), { type: 'echo.forward', to: at('node-c', '/echo'), n: 9 }, 5_000);
  t.deepEqual(pong, { type: 'echo.pong', n: 9, from: 'node-c' });
});

test('an ask to a remote actor that never replies rejects with AskTimeoutError after its timeout', async (t) => {
  const { systems: [a, b] } = await nodes(t, 2);
  b!.spawn(Echo, 'echo');
  const started = performance.now();
  const error = await t.throwsAsync(a!.ask(at('node-b', '/echo'), { type: 'echo.silent' }, 300), { instanceOf: AskTimeoutError });
  t.log(`rejected after ${(performance.now() - started).toFixed(0)} ms (timeout 300 ms)`);
  t.is(error?.path, 'node-b/echo');
  t.is(error?.timeoutMs, 300);
  t.is(error?.messageType, 'echo.silent');
});

test('an ask to an unknown actor on a live node rejects with ActorNotFoundError and dead-letters it there', async (t) => {
  const { systems: [a, b] } = await nodes(t, 2);
  const remoteDead = deadLetters(b!);
  await t.throwsAsync(a!.ask(at('node-b', '/nobody'), { type: 'echo.ping', n: 1 }, 10_000), { instanceOf: ActorNotFoundError });
  t.is(remoteDead.length, 1);
  t.is(remoteDead[0]!.reason, 'unknown');
  t.is(remoteDead[0]!.recipient.path, '/nobody');
});

test('an ask to a node nobody runs rejects with NodeUnreachableError at once; a tell to it is lost (at-most-once)', async (t) => {
  const { systems: [a] } = await nodes(t, 1);
  const error = await t.throwsAsync(a!.ask(at('ghost', '/echo'), { type: 'echo.ping', n: 1 }, 10_000), { instanceOf: NodeUnreachableError });
  t.is(error?.node, 'ghost');
  const dead = deadLetters(a!);
  a!.tell(at('ghost', '/echo'), { type: 'echo.note', text: 'lost' });
  t.is(dead.length, 0, 'NATS drops a publish nobody subscribes to; tell is at-most-once');
});

test('an unregistered type is refused on send in strict mode and becomes a dead letter', async (t) => {
  const { systems: [a] } = await nodes(t, 2);
  const dead = deadLetters(a!);
  a!.tell(at('node-b', '/echo'), { type: 'not.registered' } as never);
  t.is(dead.length, 1);
  t.is(dead[0]!.reason, 'unknown-type');
});

test('random bytes, unknown types, invalid envelopes, oversized and unauthorised frames become dead letters and the node keeps serving', async (t) => {
  const { cluster, systems: [a, b] } = await nodes(t, 2, {
    maxPayloadBytes: 64 * 1024,
    authorize: (env) => (env.sender?.node === 'intruder' ? 'sender node intruder is not allowed' : undefined),
  });
  b!.spawn(Echo, 'echo');
  const dead = deadLetters(b!);
  const raw = await connect({ servers: nats.urls[2]! });
  t.teardown(() => raw.close());
  const subject = actorSubject(cluster, 'node-b');
  const open = new Codec({ registry: new (class extends MessageRegistry { override get() { return { version: 1 }; } })(), maxPayloadBytes: 4 * 1024 * 1024 });
  const frame = (type: string, body: unknown, extra: Record<string, unknown> = {}): Uint8Array =>
    open.encodeEnvelope({ type, version: 1, id: 'x1', recipient: at('node-b', '/echo'), body, ...extra });

  const random = new Uint8Array(256);
  for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) & 0xff;
  raw.publish(subject, random);
  raw.publish(subject, new Uint8Array(0));
  raw.publish(subject, pack({ hello: 'world' }));
  raw.publish(subject, frame('evil.unknown', { type: 'evil.unknown' }));
  raw.publish(subject, frame('echo.ping', 'not an object'));
  raw.publish(subject, frame('echo.ping', { type: 'echo.silent' }));
  raw.publish(subject, frame('echo.note', { type: 'echo.note', text: 'x'.repeat(200 * 1024) }));
  raw.publish(subject, frame('echo.note', { type: 'echo.note', text: 'hi' }, { sender: { node: 'intruder', path: '/spy' } }));
  raw.publish(subject, frame('echo.note', { type: 'echo.note', text: 'old' }, { deadline: Date.now() - 60_000 }));
  raw.publish(subject, frame('echo.note', { type: 'echo.note', text: 'elsewhere' }, { recipient: at('node-c', '/echo') }));
  await raw.flush();

  await waitFor('ten dead letters', () => dead.length >= 10);
  const reasons = dead.map((d) => `${d.reason}:${d.messageType}`);
  t.log(reasons.join(', '));
  t.deepEqual(reasons, [
    'malformed:$undecodable',
    'malformed:$undecodable',
    'malformed:$undecodable',
    'unknown-type:evil.unknown',
    'malformed:string',
    'malformed:echo.silent',
    'too-large:$undecodable',
    'unauthorised:echo.note',
    'expired:echo.note',
    'malformed:echo.note',
  ]);
  for (const d of dead) t.true(typeof d.detail === 'string' && d.detail.length > 0, `${d.reason} has a detail`);
  t.regex(dead[3]!.detail!, /CODEC_UNKNOWN_TYPE/);
  t.regex(dead[6]!.detail!, /CODEC_PAYLOAD_TOO_LARGE/);
  t.is(dead[7]!.detail, 'sender node intruder is not allowed');

  const pong = await a!.ask<EchoReply, EchoMsg>(at('node-b', '/echo'), { type: 'echo.ping', n: 1 }, 5_000);
  t.deepEqual(pong, { type: 'echo.pong', n: 1, from: 'node-b' }, 'the node still serves');
  const notes = await a!.ask<EchoReply, EchoMsg>(at('node-b', '/echo'), { type: 'echo.notes' }, 5_000);
  t.deepEqual(notes, { type: 'echo.notes', notes: [] }, 'none of the bad frames reached the actor');
});

test('an oversized message is refused on send: a dead letter for a tell, a typed rejection for an ask', async (t) => {
  const { systems: [a] } = await nodes(t, 2, { maxPayloadBytes: 1_024 });
  const dead = deadLetters(a!);
  a!.tell(at('node-b', '/echo'), { type: 'echo.note', text: 'y'.repeat(4_096) });
  t.is(dead[0]?.reason, 'too-large');
  await t.throwsAsync(a!.ask(at('node-b', '/echo'), { type: 'echo.note', text: 'y'.repeat(4_096) }, 1_000), { code: 'CODEC_PAYLOAD_TOO_LARGE' });
});

test('an ask the remote node refuses for an unregistered type fails fast with the remote reason', async (t) => {
  const { systems: [a, b] } = await nodes(t, 2, (i) => (i === 0 ? { acceptUnregisteredTypes: true } : {}));
  b!.spawn(Echo, 'echo');
  const dead = deadLetters(b!);
  const error = await t.throwsAsync(a!.ask(at('node-b', '/echo'), { type: 'free.form' } as never, 10_000), { instanceOf: RemoteDeliveryError });
  t.is(error?.reason, 'unknown-type');
  t.is(dead[0]?.reason, 'unknown-type');
  const pong = await a!.ask<EchoReply, EchoMsg>(at('node-b', '/echo'), { type: 'echo.ping', n: 2 }, 5_000);
  t.is(pong.type, 'echo.pong');
});
