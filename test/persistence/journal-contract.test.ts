import test from 'ava';
import { postgresBackend, sqliteBackend } from './backends.js';
import { persistenceContract } from './persistence-contract.js';

const backends = [sqliteBackend(), postgresBackend()];
for (const backend of backends) persistenceContract(backend);

test.after.always('remove the test databases and schemas', async () => {
  await Promise.all(backends.map((b) => b.cleanup()));
});
