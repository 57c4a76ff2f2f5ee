import test from 'ava';
import type { SymbolSnapshot } from '../../actors/market/protocol.js';
import type { GatewayStatus } from '../../actors/gateway/gateway-actor.js';
import type { ServerEvent } from '../../actors/gateway/protocol.js';
import { loadTraderToken, tokenMatches } from '../../nodes/gateway/auth.js';
import { GatewayConfigError } from '../../actors/gateway/errors.js';
import type { GatewayErrorCode } from '../../actors/gateway/errors.js';
import { Client, startNode, TRADER_TOKEN, upgradeOutcome, waitFor } from './harness.js';
import type { Node } from './harness.js';

let node: Node;
test.before(async () => {
  node = await startNode();
});
test.after.always(async () => {
  await node?.stop();
});

type Event<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;

async function login(token: string): Promise<Response> {
  return fetch(`${node.gateway.url}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: node.gateway.url }, body: JSON.stringify({ token }) });
}

test('an upgrade without a login is refused with 401', async (t) => {
  const outcome = await upgradeOutcome(node.wsUrl, { origin: node.gateway.url });
  t.is(outcome.status, 401);
  const wrong = await upgradeOutcome(node.wsUrl, { origin: node.gateway.url, headers: { Authorization: 'Bearer not-the-token' } });
  t.is(wrong.status, 401);
  const forged = await upgradeOutcome(node.wsUrl, { origin: node.gateway.url, headers: { Cookie: 'bifrost_session=forged-value' } });
  t.is(forged.status, 401);
});

test('an upgrade from another origin, or with none, is refused with 403 even with the token', async (t) => {
  const auth = { Authorization: `Bearer ${TRADER_TOKEN}` };
  t.is((await upgradeOutcome(node.wsUrl, { origin: 'http://evil.example', headers: auth })).status, 403);
  t.is((await upgradeOutcome(node.wsUrl, { headers: auth })).status, 403);
  t.is((await upgradeOutcome(node.wsUrl, { origin: node.gateway.url, headers: auth })).status, 'open');
});

test('a login trades the token for an HttpOnly SameSite=Strict cookie that opens the socket; a wrong token is 401', async (t) => {
  const bad = await login('wrong-token');
  t.is(bad.status, 401);
  t.is(bad.headers.get('set-cookie'), null);
  const ok = await login(TRADER_TOKEN);
  t.is(ok.status, 200);
  const cookie = ok.headers.get('set-cookie') ?? '';
  t.regex(cookie, /^bifrost_session=[A-Za-z0-9_-]{40,};/);
  t.regex(cookie, /HttpOnly/);
  t.regex(cookie, /SameSite=Strict/);
  t.false(cookie.includes(TRADER_TOKEN), 'the cookie is not the token');
  const client = await Client.open(node, { Cookie: cookie.split(';')[0]! });
  t.is(client.events[0]!.type, 'welcome');
  await client.close();
  const logout = await fetch(`${node.gateway.url}/logout`, { method: 'POST', headers: { Cookie: cookie.split(';')[0]! } });
  t.is(logout.status, 200);
  t.is((await upgradeOutcome(node.wsUrl, { origin: node.gateway.url, headers: { Cookie: cookie.split(';')[0]! } })).status, 401, 'a logged-out cookie no longer opens a socket');
});

test('the app page sends a visitor without a login to the login page, and no path leaves ui/', async (t) => {
  const app = await fetch(`${node.gateway.url}/app.html`, { redirect: 'manual' });
  t.is(app.status, 303);
  t.is(app.headers.get('location'), '/');
  t.regex(app.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  for (const path of ['/src/../../package.json', '/src/%2e%2e/%2e%2e/package.json', '/src/..%2f..%2fpackage.json', '/../nodes/gateway/auth.ts']) {
    t.is((await fetch(`${node.gateway.url}${path}`)).status, 404, path);
  }
  const chart = await fetch(`${node.gateway.url}/vendor/lightweight-charts.js`);
  t.is(chart.status, 200);
  t.regex(chart.headers.get('content-type') ?? '', /javascript/);
  t.regex((await chart.text()).slice(0, 300), /Lightweight Charts/);
});

const BAD_FRAMES: ReadonlyArray<{ name: string; frame: string; code: GatewayErrorCode; mentions: RegExp }> = [
  { name: 'not JSON', frame: '{"type": "ping"', code: 'BAD_JSON', mentions: /JSON/ },
  { name: 'not an object', frame: '[1, 2]', code: 'BAD_MESSAGE', mentions: /must be a JSON object/ },
  { name: 'an unknown type', frame: JSON.stringify({ type: 'order.teleport' }), code: 'BAD_MESSAGE', mentions: /unknown message type "order.teleport"/ },
  { name: 'a missing field', frame: JSON.stringify({ type: 'order.submit', id: 'o1', symbol: 'AAPL', side: 'buy', orderType: 'market' }), code: 'BAD_MESSAGE', mentions: /quantity: is required/ },
  { name: 'a mistyped field', frame: JSON.stringify({ type: 'order.submit', id: 'o2', symbol: 'AAPL', side: 'hold', orderType: 'market', quantity: -1 }), code: 'BAD_MESSAGE', mentions: /side: must be one of buy, sell.*quantity: must be an integer >= 1/ },
  { name: 'an unknown field', frame: JSON.stringify({ type: 'ping', sudo: true }), code: 'BAD_MESSAGE', mentions: /sudo: unknown field/ },
  { name: 'an unknown symbol', frame: JSON.stringify({ type: 'market.snapshot', id: 'm1', symbol: 'NOPE' }), code: 'UNKNOWN_SYMBOL', mentions: /NOPE is not in this node's universe/ },
];

test('a malformed message gets an error naming what is wrong, and the socket stays open', async (t) => {
  const client = await Client.open(node);
  for (const row of BAD_FRAMES) {
    const from = client.events.length;
    client.send(row.frame);
    const error = await client.next<Event<'error'>>((e) => e.type === 'error', 5_000, from);
    t.is(error.code, row.code, row.name);
    t.regex(error.message, row.mentions, row.name);
  }
  const errorWithId = client.events.find((e): e is Event<'error'> => e.type === 'error' && e.id === 'o2');
  t.truthy(errorWithId, 'an error quotes the id of the command it answers');
  client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  t.is((await client.after<Event<'error'>>((e) => e.type === 'error')).code, 'BINARY_FRAME');
  client.send({ type: 'ping', id: 'still-there' });
  const pong = await client.next<Event<'pong'>>((e) => e.type === 'pong');
  t.is(pong.id, 'still-there');
  t.is(client.closed, undefined);
  t.deepEqual(client.invalid, []);
  await client.close();
});

test('an order from the socket goes to the risk actor: a market order fills and moves the position, one over a limit is denied with its code', async (t) => {
  const client = await Client.open(node);
  client.send({ type: 'subscribe', id: 's', topics: ['portfolio', 'blotter'], symbols: ['AAPL'] });
  await client.next((e) => e.type === 'subscribed');
  // The VaR check needs 20 daily returns of a symbol before it lets a position open.
  await waitFor(async () => (await node.host.system.ask<SymbolSnapshot>({ path: '/market/AAPL' }, { type: 'symbol.getSnapshot', bars: 30 }, 5_000)).bars.length >= 25, 20_000, '25 bars');
  client.send({ type: 'order.submit', id: 'buy-1', symbol: 'AAPL', side: 'buy', orderType: 'market', quantity: 7 });
  const ack = await client.next<Event<'order.ack'>>((e) => e.type === 'order.ack' && e.id === 'buy-1');
  t.is(ack.order.strategyId, `ui:${(client.events[0] as Event<'welcome'>).sessionId}`);
  const fill = await client.next<Event<'fill'>>((e) => e.type === 'fill' && e.fill.clientOrderId === ack.clientOrderId);
  t.true(fill.mine);
  t.is(fill.fill.quantity, 7);
  await client.next<Event<'portfolio'>>((e) => e.type === 'portfolio' && e.portfolio.positions.some((p) => p.symbol === 'AAPL' && p.quantity === 7));
  const filled = await client.next<Event<'order.update'>>((e) => e.type === 'order.update' && e.order.clientOrderId === ack.clientOrderId && e.order.status === 'filled');
  t.true(filled.mine);

  client.send({ type: 'order.submit', id: 'big-1', symbol: 'AAPL', side: 'buy', orderType: 'market', quantity: 1_000_000 });
  const denied = await client.next<Event<'order.denied'>>((e) => e.type === 'order.denied' && e.id === 'big-1');
  t.is(denied.code, 'NOTIONAL_EXCEEDS_MAX_PER_ORDER');
  t.regex(denied.message, /^NOTIONAL_EXCEEDS_MAX_PER_ORDER: max=50000, was=\d+/);
  t.is(denied.context['max'], 50_000);
  t.deepEqual(client.invalid, []);
  await client.close();
});

test('closing the socket stops its session and unsubscribes it from its symbols', async (t) => {
  const subscribers = async (): Promise<number> => (await node.host.system.ask<SymbolSnapshot>({ path: '/market/MSFT' }, { type: 'symbol.getSnapshot', bars: 1 }, 5_000)).subscribers;
  const sessions = async (): Promise<readonly string[]> => (await node.host.system.ask<GatewayStatus>(node.gateway.actor, { type: 'gateway.getStatus' }, 5_000)).sessions;
  const before = await subscribers();
  const client = await Client.open(node);
  const sessionId = (client.events[0] as Event<'welcome'>).sessionId;
  client.send({ type: 'subscribe', symbols: ['MSFT'], topics: ['portfolio', 'risk'] });
  await client.next((e) => e.type === 'subscribed');
  t.is(await subscribers(), before + 1);
  t.true((await sessions()).includes(sessionId));
  await client.close();
  await waitFor(async () => !(await sessions()).includes(sessionId), 5_000, 'the session stops');
  t.is(await subscribers(), before);
  t.is(node.host.system.lookup(`/gateway/${sessionId}`), undefined);
});

test('the trader token comes from BIFROST_TRADER_TOKEN or is generated; a short one is refused without being echoed', (t) => {
  t.deepEqual(loadTraderToken({ BIFROST_TRADER_TOKEN: 'a-long-enough-trader-token' }), { token: 'a-long-enough-trader-token', generated: false });
  const generated = loadTraderToken({});
  t.true(generated.generated);
  t.true(generated.token.length >= 20);
  t.not(loadTraderToken({}).token, generated.token);
  const error = t.throws(() => loadTraderToken({ BIFROST_TRADER_TOKEN: 'short-secret' }), { instanceOf: GatewayConfigError });
  t.regex(error!.message, /BIFROST_TRADER_TOKEN: must be at least 16 characters/);
  t.false(error!.message.includes('short-secret'));
  t.true(tokenMatches('abc-token', 'abc-token'));
  t.false(tokenMatches('abc-token', 'abc-tokeN'));
  t.false(tokenMatches('abc-token', undefined));
});
