// `npm test`: checks prerequisites, type-checks, then runs the ava suite.
// A missing prerequisite stops the run with a message saying how to provide it; nothing is skipped silently.
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pgUrl = new URL(process.env.BIFROST_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test');

function reachable(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: Number(port) });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const problems = [];
const natsServer = process.env.BIFROST_NATS_SERVER ?? 'nats-server';
if (spawnSync(natsServer, ['--version']).status !== 0) {
  problems.push(`nats-server was not found (looked for '${natsServer}'). Install it (Debian: apt-get install nats-server) ` +
    'or point BIFROST_NATS_SERVER at the binary; the cluster tests start their own servers on free ports.');
}
if (!(await reachable(pgUrl.hostname, pgUrl.port || 5432))) {
  problems.push(`PostgreSQL is not reachable at ${pgUrl.host} (BIFROST_TEST_PG=${pgUrl.protocol}//${pgUrl.host}${pgUrl.pathname}). ` +
    'Start it (Debian: pg_ctlcluster 15 main start) or set BIFROST_TEST_PG to a database the tests may create schemas in.');
}
if (problems.length > 0) {
  console.error('npm test cannot run: missing prerequisites\n' + problems.map((p) => `  - ${p}`).join('\n'));
  process.exit(2);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
console.log('[bifrost] type-check: tsc --noEmit');
let r = spawnSync(bin('tsc'), ['--noEmit', '-p', root], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

console.log('[bifrost] tests: ava');
r = spawnSync(bin('ava'), process.argv.slice(2), { cwd: root, stdio: 'inherit', env: { ...process.env } });
process.exit(r.status ?? 1);
