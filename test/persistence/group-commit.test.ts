import test from 'ava';
import { GROUP_COMMIT_LINGER_TURNS, GroupCommit } from '../../persistence/group-commit.js';

interface Item {
  readonly size: number;
  readonly name: string;
  readonly reject: (error: unknown) => void;
}

const item = (name: string): Item => ({ size: 1, name, reject: () => {} });
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function recorder(): { batches: string[][]; commits: GroupCommit<Item> } {
  const batches: string[][] = [];
  return { batches, commits: new GroupCommit<Item>((batch) => void batches.push(batch.map((i) => i.name)), 1_000) };
}

test('requests of one tick are one batch', async (t) => {
  const { batches, commits } = recorder();
  for (const name of ['a', 'b', 'c']) commits.push(item(name));
  await commits.drain();
  t.deepEqual(batches, [['a', 'b', 'c']]);
});

/**
 * Actors in a cascade: each step hands work to the next (schedules it, as a tell schedules a drain) and then
 * writes (as its journal flush does, after its turn). Resolves once `steps` have run.
 */
function cascade(commits: GroupCommit<Item>, steps: number, prefix: string): Promise<void> {
  return new Promise((resolve) => {
    const step = (i: number): void => {
      if (i + 1 < steps) setImmediate(() => step(i + 1));
      commits.push(item(`${prefix}${i}`));
      if (i + 1 === steps) resolve();
    };
    setImmediate(() => step(0));
  });
}

test('a cascade of writers, one per event-loop turn, shares one batch up to the linger limit', async (t) => {
  const { batches, commits } = recorder();
  const steps = GROUP_COMMIT_LINGER_TURNS + 1;
  await cascade(commits, steps, 'c');
  await commits.drain();
  t.deepEqual(batches, [Array.from({ length: steps }, (_, i) => `c${i}`)]);
});

test('a flush waits no more than the linger limit while requests keep coming', async (t) => {
  const { batches, commits } = recorder();
  const total = 3 * (GROUP_COMMIT_LINGER_TURNS + 1);
  await cascade(commits, total, 'r');
  await commits.drain();
  t.true(batches.length >= 3, `a steady stream is flushed in several batches, got ${JSON.stringify(batches)}`);
  // The first request, one per turn waited, and one that arrives in the turn that flushes.
  t.true(batches.every((b) => b.length <= GROUP_COMMIT_LINGER_TURNS + 2), JSON.stringify(batches));
  t.deepEqual(batches.flat(), Array.from({ length: total }, (_, i) => `r${i}`), 'in order, each once');
});

test('a lone request is flushed without waiting for more', async (t) => {
  const { batches, commits } = recorder();
  commits.push(item('only'));
  await nextTurn();
  await nextTurn();
  t.deepEqual(batches, [['only']]);
});
