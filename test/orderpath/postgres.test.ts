// The order path over the cluster's journal: PostgreSQL, reached for real. If PostgreSQL is down these
// tests fail with instructions (see test/persistence/backends.ts); they never skip.
import test from 'ava';
import { assertPortfolioMatchesVenue, cleanupBackends, FaultyVenue, journaled, lastStatus, orderPath, PORTFOLIO_ID, scriptedStrategy } from './harness.js';

test.after.always(cleanupBackends);

test('[postgres] a scripted strategy goes end to end and the portfolio equals the venue fill log', async (t) => {
  const h = await orderPath(t, { backend: 'postgres' });
  const ids = await scriptedStrategy(t, h);
  t.like(lastStatus(h), { [ids.market!]: 'filled', [ids.limit!]: 'filled', [ids.stop!]: 'filled', [ids.resting!]: 'canceled' });
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
  t.deepEqual((await h.riskStatus()).openOrders, { [PORTFOLIO_ID]: 0 });
  t.true((await journaled(h.store, 'broker-b1')).length > 0);
});

test('[postgres] a broker that crashes after the journal write leaves no duplicate and no lost fill', async (t) => {
  let venue!: FaultyVenue;
  const h = await orderPath(t, { backend: 'postgres', wrapVenue: (paper) => (venue = new FaultyVenue(paper)) });
  venue.failNextSubmit = 'before';
  const id = h.submit();
  await h.settle();
  await h.bar(1, 101);
  t.is(venue.venueOrders(id), 1);
  t.is(h.venue.fills().length, 1);
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
});
