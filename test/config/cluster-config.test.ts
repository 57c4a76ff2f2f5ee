import test from 'ava';
import { InvalidClusterConfigError, LOCAL_LAYOUT, natsCredentialsFromEnv, natsUrls, parseClusterConfig, REFERENCE_LAYOUT } from '../../cluster.config.js';

const roundTrip = (c: unknown): unknown => JSON.parse(JSON.stringify(c));

test('both shipped layouts are valid, and survive a trip through JSON', (t) => {
  t.deepEqual(roundTrip(parseClusterConfig(roundTrip(REFERENCE_LAYOUT))), roundTrip(REFERENCE_LAYOUT));
  t.deepEqual(roundTrip(parseClusterConfig(roundTrip(LOCAL_LAYOUT))), roundTrip(LOCAL_LAYOUT));
  t.deepEqual(natsUrls(REFERENCE_LAYOUT), ['nats://10.0.0.75:4222', 'nats://10.0.0.80:4222', 'nats://10.0.0.60:4222']);
  t.deepEqual(REFERENCE_LAYOUT.nodes.map((n) => [n.name, n.host, n.roles.join()]), [['data-1', '10.0.0.75', 'data'], ['trading-1', '10.0.0.80', 'trading'], ['gpu-1', '10.0.0.60', 'gpu']]);
});

test('every problem is reported at once, each naming its field', (t) => {
  const bad = {
    ...(roundTrip(LOCAL_LAYOUT) as object),
    name: 'bad name',
    colour: 'blue',
    nodes: [
      { name: 'a', host: '127.0.0.1', roles: ['data', 'gpux'] },
      { name: 'a', host: '', roles: [], metricsPort: 70_000 },
    ],
    placement: { optimizer: ['gpu'] },
    persistence: { kind: 'mysql' },
    riskLimits: { maxNotionalPerOrder: -1, nope: 1 },
    broker: { kind: 'ib', ib: { host: 'localhost' } },
    symbols: ['AAPL', 'AAPL'],
    strategies: [{ id: 's1', kind: 'sma-cross', symbols: ['ZZZ'] }],
  };
  const error = t.throws(() => parseClusterConfig(bad), { instanceOf: InvalidClusterConfigError });
  const text = error!.problems.join('\n');
  for (const expected of [
    /^name: "bad name" does not match/m,
    /^colour: unknown key/m,
    /^nodes\[0\]\.roles\[1\]: "gpux" is not a role/m,
    /^nodes\[1\]\.host: must be a non-empty string/m,
    /^nodes\[1\]\.roles: must be a non-empty list/m,
    /^nodes\[1\]\.metricsPort: must be a port number/m,
    /^nodes\[\]\.name: "a" appears twice/m,
    /^placement\.optimizer: no node offers any of gpu/m,
    /^persistence\.kind: must be "postgres" or "sqlite"/m,
    /^riskLimits\./m,
    /^broker\.ib\./m,
    /^symbols: "AAPL" appears twice/m,
    /^strategies\[0\]\.symbols\[0\]: ZZZ is not in symbols/m,
  ]) t.regex(text, expected);
});

test('secrets come from the environment: missing ones are named, present ones are never echoed', (t) => {
  const error = t.throws(() => parseClusterConfig(roundTrip(REFERENCE_LAYOUT), {}), { instanceOf: InvalidClusterConfigError });
  t.deepEqual(error!.problems, [
    'natsAuth: environment variable BIFROST_NATS_USER is not set',
    'natsAuth: environment variable BIFROST_NATS_PASSWORD is not set',
    'persistence: environment variable BIFROST_PG_URL is not set',
    'risk approvals across processes: environment variable BIFROST_RISK_KEY is not set',
  ]);
  const env = { BIFROST_NATS_USER: 'bifrost', BIFROST_NATS_PASSWORD: 's3cret-pass', BIFROST_PG_URL: 'postgres://u:pw@h/db', BIFROST_RISK_KEY: 'k'.repeat(64) };
  const config = parseClusterConfig(roundTrip(REFERENCE_LAYOUT), env);
  t.false(JSON.stringify(config).includes('s3cret-pass'));
  t.deepEqual(natsCredentialsFromEnv(config, env), { user: 'bifrost', pass: 's3cret-pass' });
});
