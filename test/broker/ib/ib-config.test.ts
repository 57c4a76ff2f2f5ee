import test from 'ava';
import { DEFAULT_IB_CONTRACT, DEFAULT_IB_RECONNECT, describeIbConfig, ibConfigFromEnv, ibConfigProblems, parseIbConfig } from '../../../actors/broker/ib/ib-config.js';
import { InvalidIbConfigError } from '../../../actors/broker/ib/ib-errors.js';

const minimal = { host: '127.0.0.1', port: 4002, clientId: 7 };

test('a minimal config takes every default', (t) => {
  const config = parseIbConfig(minimal);
  t.like(config, { ...minimal, whileDisconnected: 'refuse', maxHeldOrders: 100, outsideRth: false, timeZone: 'America/New_York', maxRequestsPerSecond: 40 });
  t.deepEqual(config.contract, DEFAULT_IB_CONTRACT);
  t.deepEqual(config.reconnect, DEFAULT_IB_RECONNECT);
  t.deepEqual(config.contractsBySymbol, {});
  t.true(Object.isFrozen(config) && Object.isFrozen(config.reconnect));
});

test('nested settings merge over their defaults', (t) => {
  const config = parseIbConfig({ ...minimal, contract: { currency: 'EUR' }, reconnect: { maxDelayMs: 5_000 }, contractsBySymbol: { SAP: { exchange: 'IBIS' } } });
  t.deepEqual(config.contract, { secType: 'STK', exchange: 'SMART', currency: 'EUR' });
  t.is(config.reconnect.maxDelayMs, 5_000);
  t.is(config.reconnect.initialDelayMs, DEFAULT_IB_RECONNECT.initialDelayMs);
  t.deepEqual(config.contractsBySymbol.SAP, { exchange: 'IBIS' });
});

const invalid: readonly { name: string; input: unknown; problems: readonly string[] }[] = [
  { name: 'not an object', input: 'ib', problems: ['ib config must be an object'] },
  { name: 'nothing', input: {}, problems: ['host: is required', 'port: is required', 'clientId: is required'] },
  {
    name: 'bad values and an unknown key',
    input: { host: '', port: 70_000, clientId: -1, whileDisconnected: 'queue', colour: 'red' },
    problems: [
      'colour: unknown key',
      'host: must be a non-empty string, was ""',
      'port: must be an integer port in 1..65535, was 70000',
      'clientId: must be an integer in 0..2147483647, was -1',
      'whileDisconnected: must be one of hold, refuse, was "queue"',
    ],
  },
  {
    name: 'nested fields named by path',
    input: { ...minimal, reconnect: { jitter: 1, maxAttempts: 0, delay: 1 }, contract: { currency: 3 }, contractsBySymbol: { X: { venue: 'Y' } } },
    problems: [
      'contract.currency: must be a non-empty string, was 3',
      'reconnect.delay: unknown key',
      'reconnect.jitter: must be a number in [0, 1), was 1',
      'reconnect.maxAttempts: must be a positive integer or null, was 0',
      'contractsBySymbol.X.venue: unknown key',
    ],
  },
  { name: 'backoff upside down', input: { ...minimal, reconnect: { initialDelayMs: 10_000, maxDelayMs: 1_000 } }, problems: ['reconnect.maxDelayMs: 1000 is below reconnect.initialDelayMs 10000'] },
  { name: 'unknown time zone', input: { ...minimal, timeZone: 'Mars/Olympus' }, problems: ['timeZone: "Mars/Olympus" is not a known IANA time zone, was "Mars/Olympus"'] },
];
for (const row of invalid) {
  test(`reports every problem at once: ${row.name}`, (t) => {
    t.deepEqual(ibConfigProblems(row.input), row.problems);
    const error = t.throws(() => parseIbConfig(row.input), { instanceOf: InvalidIbConfigError });
    t.deepEqual(error?.problems, row.problems);
  });
}

test('an invalid account is reported by its field without its value, and describeIbConfig never shows it', (t) => {
  const problems = ibConfigProblems({ ...minimal, account: '   ' });
  t.deepEqual(problems, ['account: must be a non-empty string']);
  const described = JSON.stringify(describeIbConfig(parseIbConfig({ ...minimal, account: 'U1234567' })));
  t.false(described.includes('U1234567'));
  t.true(described.includes('"accountConfigured":true'));
});

test('the environment supplies or overrides host, port, client id and account, and a bad variable is named', (t) => {
  const env = { BIFROST_IB_HOST: 'gateway', BIFROST_IB_PORT: '4001', BIFROST_IB_CLIENT_ID: '12', BIFROST_IB_ACCOUNT: 'U1234567' };
  t.like(ibConfigFromEnv({ host: 'file-host', reconnect: { maxAttempts: 3 } }, env), { host: 'gateway', port: 4001, clientId: 12, account: 'U1234567' });
  const error = t.throws(() => ibConfigFromEnv({ host: 'h' }, { BIFROST_IB_PORT: 'seven', BIFROST_IB_ACCOUNT: ' ' }), { instanceOf: InvalidIbConfigError });
  t.deepEqual(error?.problems, ['BIFROST_IB_PORT: must be an integer, was "seven"', 'clientId: is required', 'account: must be a non-empty string']);
});
