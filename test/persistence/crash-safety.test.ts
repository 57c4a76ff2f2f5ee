import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { postgresBackend, sqliteBackend } from './backends.js';
import type { Backend } from './backends.js';

const writer = fileURLToPath(new URL('./fixtures/append-writer.ts', import.meta.url));
/** Acknowledgements to collect before the kill, so it lands mid-stream with commits in flight. */
const ACKS_BEFORE_KILL = 400;

const backends = [sqliteBackend(), postgresBackend()];

for (const backend of backends) {
  test(`${backend.name}: a writer killed mid-stream leaves a gap-free prefix holding every acknowledged event`, async (t) => {
    const storage = await backend.createStorage();
    const acked = await runAndKill(backend, storage.args);
    t.true(acked.size > 0, 'the writer acknowledged something before the kill');
    // The writer's last commit may still land after its death (PostgreSQL finishes a COMMIT it received).
    await storage.writersGone();

    const p = await storage.open();
    try {
      for (const [id, highestAcked] of acked) {
        let expected = 1;
        for await (const entry of p.journal.read(id)) {
          if (entry.seq !== expected || (entry.event as { n: number }).n !== expected) {
            t.fail(`${id}: found seq ${entry.seq} (event ${JSON.stringify(entry.event)}) where seq ${expected} belongs`);
          }
          expected++;
        }
        const stored = expected - 1;
        t.true(stored >= highestAcked, `${id}: ${stored} events stored, ${highestAcked} acknowledged`);
        t.is(await p.journal.highestSeq(id), stored);
        // The recovered writer continues right after the prefix.
        t.deepEqual(await p.journal.append(id, [{ n: stored + 1 }], { expectedSeq: stored, epoch: 2 }), { fromSeq: stored + 1, toSeq: stored + 1 });
      }
    } finally {
      await p.close();
    }
  });
}

test.after.always('remove the test databases and schemas', async () => {
  await Promise.all(backends.map((b) => b.cleanup()));
});

/** Runs the writer, SIGKILLs it after enough acknowledgements, and returns the highest acknowledged seq per id. */
async function runAndKill(backend: Backend, args: readonly string[]): Promise<Map<string, number>> {
  const child = spawn(process.execPath, ['--import=tsx', writer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const acked = new Map<string, number>();
  let count = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const [id, seq] = line.split(' ');
    if (seq === undefined) continue;
    acked.set(id!, Math.max(acked.get(id!) ?? 0, Number(seq)));
    if (++count === ACKS_BEFORE_KILL) child.kill('SIGKILL');
  }
  const how = await exited;
  if (how !== 'SIGKILL') throw new Error(`${backend.name} writer exited with ${String(how)} before the kill:\n${stderr}`);
  return acked;
}
