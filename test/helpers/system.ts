import { pino } from 'pino';
import { ActorSystem, SimulatedClock } from '../../runtime/index.js';
import type { ActorSystemOptions, StreamEvent } from '../../runtime/index.js';

/** A deterministic PRNG (mulberry32) for tests that need randomness. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A system on a simulated clock with a silent logger and seeded randomness. */
export function testSystem(options: ActorSystemOptions = {}): { system: ActorSystem; clock: SimulatedClock } {
  const clock = options.clock instanceof SimulatedClock ? options.clock : new SimulatedClock(Date.UTC(2024, 0, 2));
  const system = ActorSystem.create({ logger: pino({ level: 'silent' }), random: seededRandom(42), ...options, clock });
  return { system, clock };
}

/** Collects events of the given types from a system's event stream. */
export function collect<E extends StreamEvent = StreamEvent & Record<string, any>>(system: ActorSystem, types: string | string[]): E[] {
  const out: E[] = [];
  system.events.subscribe<E>(types, (e) => out.push(e));
  return out;
}

/** Polls `check` on every event-loop turn until it returns true, or fails after `turns` turns. */
export async function eventually(check: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (check()) return;
    await new Promise<void>((r) => setImmediate(r));
  }
  throw new Error('condition not met');
}
