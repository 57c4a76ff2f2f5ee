/**
 * `npm run cluster`: the three-node cluster of LOCAL_LAYOUT on this machine. Starts three routed
 * nats-servers with JetStream (configs and stores under ./data/nats/<name>), then the three node
 * processes (data-1, trading-1, gpu-1), with PostgreSQL from BIFROST_PG_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and an approval key from BIFROST_RISK_KEY (generated for
 * this run when unset; so is BIFROST_TRADER_TOKEN, the web UI's login, which is printed). Every node's
 * log lines are shown prefixed with its name. Ctrl-C stops the nodes cleanly, then the servers.
 *
 * The JetStream stores (placement epochs) and the PostgreSQL schema `bifrost` (the journal, fenced by
 * those epochs) belong together: `npm run cluster -- --reset` removes both and starts afresh.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LOCAL_LAYOUT } from '../cluster.config.js';
import { natsServerConfig } from '../nodes/cluster/nats-config.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const config = LOCAL_LAYOUT;
const natsBin = process.env.BIFROST_NATS_SERVER ?? 'nats-server';
const say = (line: string): void => void process.stdout.write(`[cluster] ${line}\n`);
const fail = (line: string): never => {
  process.stderr.write(`[cluster] ${line}\n`);
  process.exit(2);
};

if (spawnSync(natsBin, ['--version']).status !== 0) {
  fail(`nats-server was not found (looked for '${natsBin}'). Install it (Debian: apt-get install nats-server) or point BIFROST_NATS_SERVER at the binary.`);
}
const reset = process.argv.includes('--reset');
const natsDir = join(root, 'data', 'nats');
const schema = config.persistence.kind === 'postgres' ? config.persistence.schema : 'bifrost';
const pgUrl = process.env.BIFROST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let journalKept = false;
try {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  if (reset) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const { rows } = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${schema}".journal_heads`]);
  journalKept = rows[0]?.t != null && Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".journal_heads`)).rows[0]!.n) > 0;
  await client.end();
} catch (error) {
  const where = new URL(pgUrl);
  fail(`PostgreSQL is not reachable at ${where.host}${where.pathname} (${(error as Error).message}). Start it (Debian: pg_ctlcluster 15 main start) or set BIFROST_PG_URL.`);
}
if (reset) {
  rmSync(natsDir, { recursive: true, force: true });
  say(`--reset: dropped the PostgreSQL schema ${schema} and removed ./data/nats`);
} else if (journalKept && !existsSync(natsDir)) {
  fail(`PostgreSQL schema ${schema} holds a journal from an earlier run, but ./data/nats (the placement table and its epochs) is gone: the journal would fence every actor off. Run npm run cluster -- --reset to start afresh, or restore ./data/nats.`);
}
const env: NodeJS.ProcessEnv = { ...process.env, BIFROST_PG_URL: pgUrl };
if (!env.BIFROST_RISK_KEY) {
  env.BIFROST_RISK_KEY = randomBytes(32).toString('hex');
  say('BIFROST_RISK_KEY is not set: generated an approval key for this run, shared by the three nodes (set it to keep approvals valid across runs)');
}
const traderTokenGenerated = !env.BIFROST_TRADER_TOKEN;
if (traderTokenGenerated) env.BIFROST_TRADER_TOKEN = randomBytes(18).toString('base64url');

const children = new Set<ChildProcess>();
let stopping = false;

function track(child: ChildProcess, name: string): void {
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) say(`${name} exited (${signal ?? code}); press Ctrl-C to stop the rest`);
  });
}

// ---- nats-servers ----
for (const server of config.natsServers) {
  const storeDir = join(natsDir, server.name);
  mkdirSync(storeDir, { recursive: true });
  const file = join(natsDir, `${server.name}.conf`);
  writeFileSync(file, natsServerConfig(config, server, { storeDir }));
  const child = spawn(natsBin, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4_096)));
  child.once('exit', (code) => {
    if (!stopping && code !== 0) process.stderr.write(`[${server.name}] ${log}\n`);
  });
  track(child, server.name);
  say(`${server.name}: nats://${server.host}:${server.clientPort} (routes :${server.routePort}, monitor http://${server.host}:${server.monitorPort}, store ${storeDir})`);
}
const deadline = Date.now() + 30_000;
for (const server of config.natsServers) {
  for (;;) {
    try {
      const jsz = (await (await fetch(`http://${server.host}:${server.monitorPort}/jsz`, { signal: AbortSignal.timeout(1_000) })).json()) as { meta_cluster?: { leader?: string } };
      if (jsz.meta_cluster?.leader) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) fail(`${server.name} did not form a JetStream cluster within 30 s (ports in use? see data/nats/${server.name}.conf)`);
    await sleep(100);
  }
}
say('NATS cluster ready (3 servers, JetStream)');

// ---- nodes ----
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
for (const node of config.nodes) {
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import=tsx', join(root, 'nodes', 'cluster', 'node-main.ts'), '--node', node.name, '--layout', 'local'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, node.name);
  const show = (line: string): void => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return void process.stdout.write(`[${node.name}] ${line}\n`);
    }
    const time = new Date(Number(entry.time ?? Date.now())).toISOString().slice(11, 23);
    process.stdout.write(`${time} [${node.name}] ${LEVELS[Number(entry.level)] ?? ''} ${String(entry.msg ?? '')}\n`);
    if (entry.event === 'node.ready') {
      const urls = entry as { ui?: string; inspector?: string };
      if (urls.ui !== undefined) say(`web UI: ${urls.ui}  trader token: ${traderTokenGenerated ? `${env.BIFROST_TRADER_TOKEN} (generated for this run; set BIFROST_TRADER_TOKEN to choose one)` : '(from BIFROST_TRADER_TOKEN)'}`);
      if (urls.inspector !== undefined) say(`inspector on ${node.name}: npx bifrost inspect nodes --url ${urls.inspector}   metrics: ${urls.inspector}/metrics`);
    }
  };
  createInterface({ input: child.stdout! }).on('line', show);
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[${node.name}] ${line}\n`));
}
const data = config.nodes.find((n) => n.roles.includes('data'));
say(`nodes starting: ${config.nodes.map((n) => `${n.name} (${n.roles.join(', ')})`).join(', ')}; the web UI will answer on http://${data?.host}:${data?.gatewayPort} (data node), the inspectors on ports ${config.nodes.map((n) => n.metricsPort).join(', ')}. Ctrl-C stops everything.`);

async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping the nodes...');
  const nodes = [...children].filter((c) => c.spawnargs.includes('--node'));
  await Promise.all(nodes.map((c) => new Promise<void>((done) => {
    if (c.exitCode !== null || c.signalCode !== null) return done();
    c.once('exit', () => done());
    c.kill('SIGTERM');
    setTimeout(() => c.kill('SIGKILL'), 20_000).unref();
  })));
  say('stopping the NATS servers...');
  await Promise.all([...children].map((c) => new Promise<void>((done) => {
    if (c.exitCode !== null || c.signalCode !== null) return done();
    c.once('exit', () => done());
    c.kill('SIGTERM');
  })));
  say('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stopAll());
process.on('SIGTERM', () => void stopAll());
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
