import test from 'ava';
import { InvalidOrderPathServicesError, OrderPathNotAttachedError, UnknownVenueError } from '../../actors/broker/errors.js';
import { PaperVenue } from '../../actors/broker/paper-venue.js';
import { attachOrderPath, operatorCredentialMatches, orderPathOf, orderPathServicesFromEnv, venueOf } from '../../actors/broker/services.js';
import { ManualClock } from '../../actors/broker/venue-clock.js';
import { InstrumentRegistry } from '../../actors/domain/instrument.js';
import { testSystem } from '../helpers/system.js';

const venue = new PaperVenue({ registry: new InstrumentRegistry([]), clock: new ManualClock(0), mode: 'backtest' });
const KEY = Buffer.alloc(32, 5);

test('a system without order-path services says how to attach them', async (t) => {
  const { system } = testSystem();
  t.throws(() => orderPathOf(system), { instanceOf: OrderPathNotAttachedError, message: /attachOrderPath/ });
  await system.shutdown();
});

test('attaching rejects a short key, a misnamed venue and a short operator credential, all at once', async (t) => {
  const { system } = testSystem();
  const error = t.throws(() => attachOrderPath(system, { riskKey: Buffer.alloc(8), venues: new Map([['ib', venue]]), operatorToken: 'short' }), { instanceOf: InvalidOrderPathServicesError });
  t.is(error.problems.length, 3);
  t.false(error.message.includes('short'.repeat(2)));
  await system.shutdown();
});

test('the key and the operator credential never show when the services are printed or serialised', async (t) => {
  const { system } = testSystem();
  attachOrderPath(system, { riskKey: KEY, venues: new Map([['paper', venue]]), operatorToken: 'an-operator-credential' });
  const services = orderPathOf(system);
  t.deepEqual(Object.keys(services), ['venues']);
  t.false(JSON.stringify(services).includes('an-operator-credential'));
  t.true(services.riskKey.equals(KEY));
  t.is(venueOf(system, 'paper'), venue);
  t.throws(() => venueOf(system, 'ib'), { instanceOf: UnknownVenueError, message: /known: paper/ });
  await system.shutdown();
});

test('an operator credential matches only itself, and nothing matches when none is configured', (t) => {
  const services = { riskKey: KEY, venues: new Map(), operatorToken: 'an-operator-credential' };
  t.true(operatorCredentialMatches(services, 'an-operator-credential'));
  t.false(operatorCredentialMatches(services, 'an-operator-credentiaL'));
  t.false(operatorCredentialMatches(services, 'an-operator'));
  t.false(operatorCredentialMatches(services, undefined));
  t.false(operatorCredentialMatches({ riskKey: KEY, venues: new Map() }, ''));
});

test('services from the environment generate a key and refuse operator commands when unset, and say so without secrets', (t) => {
  const bare = orderPathServicesFromEnv({}, new Map([['paper', venue]]));
  t.is(bare.services.riskKey.length, 32);
  t.is(bare.services.operatorToken, undefined);
  t.regex(bare.notice!, /BIFROST_RISK_KEY is not set.*BIFROST_OPERATOR_TOKEN is not set/);
  const set = orderPathServicesFromEnv({ BIFROST_RISK_KEY: 'k'.repeat(40), BIFROST_OPERATOR_TOKEN: 'an-operator-credential' }, new Map());
  t.is(set.notice, undefined);
  t.is(set.services.operatorToken, 'an-operator-credential');
});
