import test from 'ava';
import { AskTimeoutError } from '../../runtime/index.js';
import type { ActorRef } from '../../runtime/index.js';
import { credentialProblems, describeCredentials, InvalidTransportOptionsError, NatsTransport, TransportUnavailableError } from '../../runtime/transport/index.js';
import type { TransportEvent } from '../../runtime/transport/index.js';
import { startNatsCluster, startNatsServer } from '../helpers/nats-cluster.js';
import { clusterSystem, deadLetters, Echo, nextEvent, waitFor } from './support.js';
import type { EchoMsg, EchoReply } from './support.js';

const echoB: ActorRef<EchoMsg> = { node: 'node-b', path: '/echo' };

test('when the NATS server a node is connected to dies, the node reconnects to another and traffic continues', async (t) => {
  const nats = await startNatsCluster({ jetstream: false });
  t.teardown(() => nats.stop());
  const a = clusterSystem('node-a');
  const b = clusterSystem('node-b');
  // node-a knows only server 1; the others it learns from the cluster's INFO gossip.
  const ta = await NatsTransport.connect(a, { cluster: 'srv-kill', servers: nats.urls[0]!, acceptUnregisteredTypes: true });
  const tb = await NatsTransport.connect(b, { cluster: 'srv-kill', servers: nats.urls[1]!, acceptUnregisteredTypes: true });
  t.teardown(async () => {
    await Promise.all([ta.close(), tb.close()]);
    await Promise.all([a.shutdown(), b.shutdown()]);
  });
  b.spawn(Echo, 'echo');
  await waitFor('node-b reachable', async () => (await ta.probe('node-b')) === 'alive');
  t.is(ta.connection.getServer(), nats.urls[0]!.replace('nats://', ''));

  const events: TransportEvent[] = [];
  a.events.subscribe<TransportEvent>(['transport.disconnected', 'transport.reconnected'], (e) => events.push(e));
  let ok = 0;
  const failures = new Map<string, number>();
  let stop = false;
  const traffic = (async () => {
    for (let n = 0; !stop; n++) {
      try {
        await a.ask<EchoReply, EchoMsg>(echoB, { type: 'echo.ping', n }, 250);
        ok++;
      } catch (error) {
        const name = (error as Error).name;
        failures.set(name, (failures.get(name) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  })();
  await waitFor('some traffic', () => ok > 20);
  const killedAt = performance.now();
  const reconnected = nextEvent<TransportEvent>(a, 'transport.reconnected');
  await nats.kill(0);
  await reconnected;
  const reconnectMs = performance.now() - killedAt;
  const before = ok;
  await waitFor('asks succeeding again', () => ok > before + 20);
  const resumedMs = performance.now() - killedAt;
  stop = true;
  await traffic;
  t.log(`reconnected ${reconnectMs.toFixed(0)} ms after the kill, to ${ta.connection.getServer()}; asks flowing again after ${resumedMs.toFixed(0)} ms; failed asks meanwhile: ${JSON.stringify(Object.fromEntries(failures))}`);
  t.deepEqual(events.map((e) => e.type), ['transport.disconnected', 'transport.reconnected']);
  t.not(ta.connection.getServer(), nats.urls[0]!.replace('nats://', ''));
  t.true(ta.connected);
  for (const name of failures.keys()) t.true(['AskTimeoutError', 'TransportUnavailableError', 'NodeUnreachableError'].includes(name), name);
});

test('while its only server is down a node turns tells into no-route dead letters and fails asks at once', async (t) => {
  const nats = await startNatsServer({ jetstream: false });
  t.teardown(() => nats.stop());
  const a = clusterSystem('node-a');
  const b = clusterSystem('node-b');
  const ta = await NatsTransport.connect(a, { cluster: 'down', servers: nats.urls, acceptUnregisteredTypes: true });
  const tb = await NatsTransport.connect(b, { cluster: 'down', servers: nats.urls, acceptUnregisteredTypes: true });
  t.teardown(async () => {
    await Promise.all([ta.close(), tb.close()]);
    await Promise.all([a.shutdown(), b.shutdown()]);
  });
  b.spawn(Echo, 'echo');
  await waitFor('node-b reachable', async () => (await ta.probe('node-b')) === 'alive');

  const disconnected = nextEvent(a, 'transport.disconnected');
  await nats.kill(0);
  await disconnected;
  t.false(ta.connected);
  const dead = deadLetters(a);
  a.tell(echoB, { type: 'echo.note', text: 'while down' });
  t.is(dead.length, 1);
  t.is(dead[0]!.reason, 'no-route');
  await t.throwsAsync(a.ask(echoB, { type: 'echo.ping', n: 1 }, 5_000), { instanceOf: TransportUnavailableError });

  const reconnected = Promise.all([nextEvent(a, 'transport.reconnected'), nextEvent(b, 'transport.reconnected')]);
  await nats.restart(0);
  await reconnected;
  const pong = await waitFor('an answer after the restart', () => a.ask<EchoReply, EchoMsg>(echoB, { type: 'echo.ping', n: 2 }, 1_000).catch((e: unknown) => (e instanceof AskTimeoutError ? undefined : Promise.reject(e))));
  t.deepEqual(pong, { type: 'echo.pong', n: 2, from: 'node-b' });
  const notes = await a.ask<EchoReply, EchoMsg>(echoB, { type: 'echo.notes' }, 1_000);
  t.deepEqual(notes, { type: 'echo.notes', notes: [] }, 'the tell made while down was not sent later either');
});

test('a node authenticates with user and password; a wrong password fails without the password in the error', async (t) => {
  const nats = await startNatsServer({ jetstream: false, extraConfig: 'authorization { users: [ { user: "bifrost", password: "s3cret-pw" } ] }' });
  t.teardown(() => nats.stop());
  const a = clusterSystem('node-a');
  t.teardown(() => a.shutdown());
  const bad = await t.throwsAsync(NatsTransport.connect(a, { cluster: 'auth', servers: nats.urls, credentials: { user: 'bifrost', pass: 'wrong-pw' } }));
  t.false(String(bad?.message).includes('wrong-pw'));
  t.false(JSON.stringify(bad).includes('wrong-pw'));
  const transport = await NatsTransport.connect(a, { cluster: 'auth', servers: nats.urls, credentials: { user: 'bifrost', pass: 's3cret-pw' } });
  t.teardown(() => transport.close());
  t.true(transport.connected);
  t.is(describeCredentials({ user: 'bifrost', pass: 's3cret-pw' }), 'user/pass (user bifrost)');
});

test('credential options report every problem at once', (t) => {
  t.deepEqual(credentialProblems({ user: 'u', token: 't', creds: '', nkeySeed: 'SU...' }), [
    'credentials.creds must be a non-empty string',
    'credentials.user and credentials.pass go together',
    'credentials: choose one of user/pass, token, nkeySeed, credsFile/creds',
  ]);
  const a = clusterSystem('node-a');
  t.teardown(() => a.shutdown());
  return t.throwsAsync(NatsTransport.connect(a, { cluster: 'bad cluster', servers: [] }), { instanceOf: InvalidTransportOptionsError, message: /cluster: .*; servers: / });
});
