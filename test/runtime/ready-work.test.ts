import test from 'ava';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef } from '../../runtime/index.js';
import { testSystem } from '../helpers/system.js';

type Probe = { readonly type: 'probe'; readonly then?: 'tell-other' | 'tell-self' };

/** Records what hasReadyWork says from inside its own receive, after doing what the message asks. */
class Prober extends Actor<Probe, { other: ActorRef<Probe> | undefined; seen: boolean[] }> {
  receive(msg: Probe, ctx: ActorContext<Probe>): void {
    if (msg.then === 'tell-other') ctx.tell(this.props.other!, { type: 'probe' });
    if (msg.then === 'tell-self') ctx.tell(ctx.self, { type: 'probe' });
    this.props.seen.push(ctx.system.hasReadyWork(ctx.self));
  }
}

test('hasReadyWork: an actor draining is not ready work itself; another actor made ready, or a message to itself, is', async (t) => {
  const { system } = testSystem({ dispatch: 'manual' });
  const seen: boolean[] = [];
  const other = system.spawn(Prober, 'other', { other: undefined, seen: [] });
  const prober = system.spawn(Prober, 'prober', { other, seen });
  await system.settled();
  t.false(system.hasReadyWork());
  system.tell(prober, { type: 'probe' });
  t.true(system.hasReadyWork());
  system.runUntilIdle();
  system.tell(prober, { type: 'probe', then: 'tell-other' });
  system.runUntilIdle();
  system.tell(prober, { type: 'probe', then: 'tell-self' });
  system.runUntilIdle();
  t.deepEqual(seen, [false, true, true, false]);
  t.false(system.hasReadyWork());
  await system.shutdown();
});
