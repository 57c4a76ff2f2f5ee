import test from 'ava';
import { readFileSync } from 'node:fs';
import { IB_ERROR_TABLE } from '../../../actors/broker/ib/ib-errors.js';

test('docs/brokers.md lists exactly the IB codes of IB_ERROR_TABLE, each with its category', (t) => {
  const doc = readFileSync(new URL('../../../docs/brokers.md', import.meta.url), 'utf8');
  const documented = Object.fromEntries([...doc.matchAll(/^\| (\d+) \| ([a-z_]+) \|/gm)].map((m) => [m[1]!, m[2]!]));
  const table = Object.fromEntries(Object.entries(IB_ERROR_TABLE).map(([code, rule]) => [code, rule.category]));
  t.deepEqual(documented, table);
});
